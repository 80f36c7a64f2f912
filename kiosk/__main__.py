"""``kiosk`` (the console script) and ``python -m kiosk``: the command line, started with
Python's cyclic garbage collector paused.

Starting the kiosk imports a few hundred modules and builds the catalogue, config and QML
objects that live as long as the process; the collector would run ~130 times over them before
the first frame (~0.1 s of the cold start) and find nothing to free. ``kiosk run`` turns it back
on after the attract screen's first frame, having moved those start-up objects out of its way
(:func:`gc.freeze`, :func:`kiosk.ui.run.resume_gc`); every other command turns it back on at
once (:func:`kiosk.cli.main`).

Before anything else (no thread has allocated yet) it sets glibc's malloc for a process that
runs for months: :func:`kiosk.memory.tune_malloc`."""

from __future__ import annotations

import gc
import sys


def main() -> int:
    gc.disable()
    from kiosk.memory import tune_malloc

    tune_malloc()
    from kiosk.cli import main as cli

    return cli()


if __name__ == "__main__":
    sys.exit(main())
