"""Soak (issue 7, "24/7 hardening"): thousands of simulated citizen journeys through the real
kiosk in one process, offscreen, sampling resident memory, open file descriptors and threads —
beside the same sampling of the same kiosk sitting idle (the noise floor), in the same run.

    python -m bench.soak [--journeys N] [--quick] [--seed S] [--results PATH] [--samples PATH]
                         [--mix KIND[,KIND]] [--camera-speed X] [--malloc-trim] [--glibc-defaults]

One process runs the real UI (KioskWindow over the real Journey, catalogue and encrypted
outbox) over the demo profile's devices — the simulators behind the real drivers: the GA 467
reader on a pseudo-terminal, the ESC/POS printer on loopback TCP, the file camera and the
scanner's decode thread — wired as ``run_kiosk`` wires them, plus the demo's local back office
(uvicorn on a loopback port) and the real sync worker on its own thread, so the outbox drains
as it would in the field. Journeys are :class:`kiosk.ui.driver.ScriptDriver` scripts generated
from a seeded mix (business-licence application with an ID card on the reader, captures,
submit, receipt print and rating; the same with HKID manual entry; status check; policy
lookup; walk-away idle wipe; abandon); the driver's FakeClock is the journey's clock, so idle
timeouts and countdowns fire without waiting, and the simulated camera's clock runs
``--camera-speed`` times faster (default 8), so the live capture's hold-still and cool-down,
measured on frame times, pass sooner, while every frame still goes through the whole capture
pipeline at its real rate. The process sets glibc's malloc as the kiosk's launcher does
(:func:`kiosk.memory.tune_malloc`; ``--glibc-defaults`` to measure without it). A back-office
officer decides every tenth accepted submission, so status pulls bring decisions back.

Every ``--sample-every`` journeys (after a ``gc.collect()``): VmRSS (/proc/self/status), open
fds (/proc/self/fd), threads (/proc/self/task and ``threading.active_count()``), the items in
the Qt Quick scene and the Python objects the GC tracks. The first ``--warmup`` journeys are
excluded (caches, QML components and fonts loading). Targets: RSS growth after warm-up ≤ 20 MB;
fds and threads flat (end = after warm-up, ± 2). Baseline: the kiosk idle on the attract
screen for as many loop iterations (one fake-clock second and ~10 ms of event loop each) with
the same sampling, before the journeys.

A full run writes the table to bench/SOAK_RESULTS.md (``--quick`` only with ``--results``).
"""

from __future__ import annotations

import argparse
import collections
import dataclasses
import datetime as dt
import gc
import json
import logging
import os
import platform
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "SOAK_RESULTS.md"
RSS_GROWTH_MB = 20.0
FLAT_TOLERANCE = 2
REFS_FALL_NOTED = 0.5  # references to True/None lost per journey worth a note
FAILURE_SHOTS = 5  # --failure-shots: screenshots of the first failed steps
CAMERA_SPEED = 8.0  # the accelerated clock of the simulated camera (see --camera-speed)
LICENCE = "44030400SC-XK-0001"
OTHER_ITEMS = ("44030400SC-XK-0001", "44030400SC-XK-0003")
LANGUAGES = ("zh-Hans", "zh-Hant", "en")
# the journey mix (weights): applications are the expensive, realistic minority
MIX: dict[str, int] = {"licence_card": 25, "licence_hkid": 10, "status_check": 20,
                       "policy_lookup": 15, "idle_wipe": 15, "abandon": 15}

_log = logging.getLogger("bench.soak")


# ---------------------------------------------------------------- sampling
@dataclasses.dataclass(frozen=True)
class Sample:
    n: int  # journeys (or idle iterations) done
    t: float  # seconds since the phase started
    rss_mb: float
    fds: int
    threads: int  # OS threads (/proc/self/task)
    py_threads: int
    scene_items: int
    py_objects: int
    true_refs: int  # sys.getrefcount(True): PySide6 6.12 takes one per Signal.emit() on 3.11
    none_refs: int = 0  # sys.getrefcount(None): and some per queued slot call
    rss_trimmed_mb: float = 0.0  # VmRSS right after malloc_trim(0) (--malloc-trim; 0: not taken)
    malloc_used_mb: float = 0.0  # glibc mallinfo2: bytes in use (arenas + mapped chunks)
    # modules imported: a module imported late, on a code path's first use, brings its code
    # objects' constants (references to None and True by the thousand) and stays: a step, no leak
    modules: int = 0


def _rss_mb() -> float:
    with Path("/proc/self/status").open(encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def malloc_trim() -> None:
    """glibc's ``malloc_trim(0)``: free pages of every arena go back to the system."""
    import ctypes

    ctypes.CDLL("libc.so.6").malloc_trim(0)


def malloc_used_mb() -> float:
    """What the program holds from malloc now, all arenas and mapped chunks (MB; 0 if not glibc)."""
    from kiosk.memory import mallinfo

    info = mallinfo()
    return info.allocated / 2**20 if info is not None else 0.0


def take_sample(n: int, t: float, scene_items: Callable[[], int], *, trim: bool = False) -> Sample:
    gc.collect()
    rss = _rss_mb()
    used = malloc_used_mb()
    trimmed = 0.0
    if trim:  # diagnostic: how much of the RSS is freed memory glibc still holds
        malloc_trim()
        trimmed = _rss_mb()
    return Sample(n=n, t=t, rss_mb=rss, fds=len(list(Path("/proc/self/fd").iterdir())),
                  threads=len(list(Path("/proc/self/task").iterdir())), py_threads=threading.active_count(),
                  scene_items=scene_items(), py_objects=len(gc.get_objects()),
                  true_refs=sys.getrefcount(True), none_refs=sys.getrefcount(None),
                  rss_trimmed_mb=trimmed, malloc_used_mb=used, modules=len(sys.modules))


def slope(xs: list[float], ys: list[float]) -> float:
    """Least-squares slope of ys over xs (0 for fewer than two distinct xs)."""
    if len(xs) < 2:
        return 0.0
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    den = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / den if den else 0.0


# ---------------------------------------------------------------- seeded journeys
def _resident_number(rng: random.Random) -> str:
    from kiosk.devices.idcard.simulated import gb11643_number

    birth = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(365 * 55))
    region = rng.choice(("440304", "440305", "440306", "110105", "310115", "330106"))
    return gb11643_number(f"{region}{birth:%Y%m%d}{rng.randrange(1000):03d}")


def _hkid(rng: random.Random) -> str:
    from kiosk.identity.numbers import hkid_check_char

    body = rng.choice("ACDEGHKPRVYZ") + f"{rng.randrange(1_000_000):06d}"
    return f"{body}({hkid_check_char(body)})"


def _uscc(rng: random.Random) -> str:
    from kiosk.identity.numbers import uscc_check_char

    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    first17 = "9144" + rng.choice(("0300", "0304", "0305")) + "".join(
        rng.choice(alphabet) for _ in range(9))
    return first17 + uscc_check_char(first17)


_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志"
_TRADE = ("晨曦", "星河", "前海", "鹏城", "蓝海", "云帆", "知行", "青松", "启明", "安和")
_FIELD = ("科技", "信息技术", "贸易", "餐饮管理", "文化传播", "医疗器械", "电子", "咨询")
_SCOPE = ("软件开发；信息技术咨询服务", "餐饮服务；食品销售", "电子产品销售；技术进出口",
          "企业管理咨询；市场营销策划", "医疗器械经营；健康咨询")
_STREETS = ("福华三路", "深南大道", "益田路", "科技园南路", "滨海大道", "彩田路")


def _person(rng: random.Random) -> str:
    return rng.choice(_SURNAMES) + "".join(rng.choice(_GIVEN) for _ in range(rng.choice((1, 2))))


class SeededCards:
    """The GA 467 simulator with a seeded person per card (stands in for ``card_reader``)."""

    def __init__(self, reader: Any, rng: random.Random) -> None:
        self.reader = reader
        self.rng = rng

    def insert_card(self, kind: str) -> None:
        from kiosk.devices.idcard.simulated import default_card
        from kiosk.identity.numbers import resident_id_birth_date, resident_id_sex

        identity, extras = default_card(kind)  # type: ignore[arg-type]
        if kind == "resident":
            number = _resident_number(self.rng)
            identity = dataclasses.replace(
                identity, number=number, name=_person(self.rng), sex=resident_id_sex(number),
                birth_date=resident_id_birth_date(number))
        # laid at once: the UI's poll thread re-arms the reader for each new request, so a card
        # laid before its next poll is read all the same (GA 467 driver, rearm())
        self.reader.insert_card(kind, identity=identity, extras=extras)

    def remove_card(self) -> None:
        self.reader.remove_card()


# how a citizen leaves a lookup: taps Home and walks off (home times out to attract), or walks
# off at once (the idle timeout wipes it), or a technician's cancel
_LEAVE: tuple[list[dict[str, Any]], ...] = (
    [{"do": "home"}, {"do": "wait", "seconds": 200}],
    [{"do": "wait", "seconds": 200}],
    [{"do": "cancel"}])


class JourneyMix:
    """Seeded step lists in the ScriptDriver's vocabulary."""

    def __init__(self, seed: int, kinds: tuple[str, ...] = (),
                 weights: dict[str, int] | None = None) -> None:
        self.rng = random.Random(seed)
        self.receipts: collections.deque[str] = collections.deque(maxlen=50)
        unknown = (set(kinds) | set(weights or {})) - set(MIX)
        if unknown:
            raise ValueError(f"unknown journey kinds: {', '.join(sorted(unknown))}")
        drawn = mix_weights(kinds, weights)
        self._kinds = list(drawn)
        self._weights = list(drawn.values())

    def next(self) -> tuple[str, list[dict[str, Any]]]:
        kind = self.rng.choices(self._kinds, self._weights)[0]
        return kind, getattr(self, f"_{kind}")()

    def _prelude(self, care_ok: bool = True) -> list[dict[str, Any]]:
        steps: list[dict[str, Any]] = [{"do": "start"},
                                       {"do": "choose_language", "language": self.rng.choice(LANGUAGES)}]
        if care_ok and self.rng.random() < 0.1:
            steps.append({"do": "set_care_mode", "on": True})
        return steps

    def _company_page(self, rng: random.Random) -> dict[str, Any]:
        return {"do": "fill", "values": {
            "company_name": f"深圳市{rng.choice(_TRADE)}{rng.choice(_FIELD)}有限公司",
            "company_type": rng.choice(("llc", "llc_single", "joint_stock")),
            "registered_capital": str(rng.choice((10, 50, 100, 500, 1000, rng.randrange(1, 100000)))),
            "business_address": f"广东省深圳市福田区{rng.choice(_STREETS)}{rng.randrange(1, 999)}号",
            "business_scope": rng.choice(_SCOPE)}}

    def _captures(self, *, shareholder_ids: bool) -> list[dict[str, Any]]:
        rng = self.rng
        # the catalogue's minimum pages (2, 2, 2, 1, 1), sometimes one more
        steps: list[dict[str, Any]] = [
            {"do": "capture", "material": "application_form", "pages": rng.choice((2, 2, 3))},
            {"do": "capture", "material": "articles", "pages": rng.choice((2, 2, 3))}]
        if shareholder_ids:
            steps.append({"do": "capture", "material": "shareholder_ids", "pages": 2})
        else:
            steps.append({"do": "finish_material"})  # the card just read covers it
        steps += [{"do": "capture", "material": "premises_proof", "pages": 1},
                  {"do": "capture", "material": "officer_appointment", "pages": 1}]
        return steps

    def _after_submit(self) -> list[dict[str, Any]]:
        rng = self.rng
        if rng.random() < 0.7:
            level = rng.randint(1, 5)
            reasons = rng.sample(("fast", "clear_guidance", "easy_to_use") if level >= 3
                                 else ("too_slow", "confusing", "device_problem"), rng.randint(0, 2))
            return [{"do": "continue_to_rating"}, {"do": "rate", "level": level, "reasons": reasons},
                    {"do": "wait", "seconds": 30}]  # the end screen returns to attract by itself
        return [{"do": "finish"}, {"do": "done"}]

    def _licence_card(self) -> list[dict[str, Any]]:
        rng = self.rng
        steps = self._prelude(care_ok=False)
        steps += [{"do": "choose_apply"}]
        if rng.random() < 0.6:
            steps.append({"do": "search", "query": rng.choice(("gssldj", "公司设立", "gongsi"))})
        steps += [{"do": "select_item", "code": LICENCE}, {"do": "begin_application"},
                  {"do": "insert_card", "card": "resident"}, self._company_page(rng)]
        phone = f"1{rng.choice('3589')}{rng.randrange(10**9):09d}"
        if rng.random() < 0.3:
            steps.append({"do": "fill", "values": {"contact_phone": str(rng.randrange(10**5))},
                          "expect_error": True})
        steps.append({"do": "fill", "values": {"contact_phone": phone}})
        steps += self._captures(shareholder_ids=False)
        steps += [{"do": "confirm_review"}, {"do": "accept_consent"}, {"do": "submit"}]
        return steps + self._after_submit()

    def _licence_hkid(self) -> list[dict[str, Any]]:
        rng = self.rng
        steps = self._prelude(care_ok=False)
        steps += [{"do": "choose_apply"}, {"do": "select_item", "code": LICENCE},
                  {"do": "begin_application"}]
        number = _hkid(rng)
        if rng.random() < 0.3:  # a wrong check digit is caught at the field
            bad = number[:-2] + str((int(number[-2]) + 1) % 10 if number[-2].isdigit() else 0) + ")"
            steps.append({"do": "enter_id_manually", "kind": "hkid", "number": bad, "expect_error": True})
        steps.append({"do": "enter_id_manually", "kind": "hkid", "number": number,
                      "name": rng.choice(("CHAN Tai Man", "WONG Siu Ming", "LEE Ka Yan", "CHEUNG Wai"))})
        steps.append(self._company_page(rng))
        phone = f"+852{rng.choice('569')}{rng.randrange(10**7):07d}"
        steps.append({"do": "fill", "values": {"contact_name": _person(rng), "contact_phone": phone}})
        steps += self._captures(shareholder_ids=True)
        steps += [{"do": "confirm_review"}, {"do": "accept_consent"}, {"do": "submit"}]
        return steps + self._after_submit()

    def _status_check(self) -> list[dict[str, Any]]:
        rng = self.rng
        steps = [*self._prelude(), {"do": "choose_status_check"}]
        if not self.receipts or rng.random() < 0.2:
            steps.append({"do": "lookup_status", "tracking_no": f"DM1-{rng.randrange(10**6):06d}-0000-Z",
                          "expect_error": True})
        if self.receipts:
            steps.append({"do": "lookup_status", "tracking_no": rng.choice(self.receipts)})
        return steps + rng.choice(_LEAVE)

    def _policy_lookup(self) -> list[dict[str, Any]]:
        rng = self.rng
        steps = [*self._prelude(), {"do": "choose_policy_lookup"}]
        steps.append({"do": "lookup_policies", "uscc": _uscc(rng),
                      "industry": rng.choice(("I65", "I64", "C39", "H62", "F52", "Q83", "M73", "M75")),
                      "size": rng.choice(("micro", "small", "medium", "large")),
                      "established_year": rng.randint(1995, 2026)})
        return steps + rng.choice((*_LEAVE, [{"do": "back"}, *_LEAVE[0]]))

    def _idle_wipe(self) -> list[dict[str, Any]]:
        rng = self.rng
        steps = self._prelude(care_ok=False)
        care = rng.random() < 0.3
        steps += [{"do": "choose_apply"}, {"do": "select_item", "code": rng.choice(OTHER_ITEMS)},
                  {"do": "begin_application"}, {"do": "insert_card", "card": "resident"}]
        if care:
            steps.append({"do": "set_care_mode", "on": True})
        if rng.random() < 0.3:  # the warning shows; the citizen comes back once, then leaves
            steps += [{"do": "wait", "seconds": 185 if care else 95}, {"do": "still_here"}]
        # care mode doubles the 90 s idle timeout: nobody answers, the session is wiped
        steps += [{"do": "wait", "seconds": 420 if care else 200}, {"do": "expect", "screen": "attract"}]
        return steps

    def _abandon(self) -> list[dict[str, Any]]:
        rng = self.rng
        steps = self._prelude()
        way = rng.randrange(3)
        if way == 0:  # walks off on the catalogue
            steps += [{"do": "choose_apply"},
                      {"do": "search", "query": rng.choice(("gssldj", "社保", "yyzz"))}]
        elif way == 1:  # looks at an item, goes back and home
            steps += [{"do": "choose_apply"}, {"do": "select_item", "code": rng.choice(OTHER_ITEMS)},
                      {"do": "back"}, {"do": "home"}]
        else:  # reads a card, fills a page, then taps home (the form is discarded)
            steps += [{"do": "choose_apply"}, {"do": "select_item", "code": LICENCE},
                      {"do": "begin_application"}, {"do": "insert_card", "card": "resident"},
                      self._company_page(rng), {"do": "home"}]
        # nobody touches the home or catalogue screen: it times out back to attract
        steps += [{"do": "wait", "seconds": 420}, {"do": "expect", "screen": "attract"}]
        return steps


def parse_mix(text: str) -> tuple[tuple[str, ...], dict[str, int]]:
    """``--mix``: ``kind[=weight],...`` → the kinds to run and the weights given."""
    kinds: list[str] = []
    weights: dict[str, int] = {}
    for item in (i.strip() for i in text.split(",")):
        if not item:
            continue
        kind, _, weight = item.partition("=")
        if kind not in MIX:
            raise ValueError(f"unknown journey kind {kind!r}")
        kinds.append(kind)
        if weight:
            if not weight.isdigit() or int(weight) < 1:
                raise ValueError(f"{kind}: the weight must be a whole number ≥ 1, not {weight!r}")
            weights[kind] = int(weight)
    return tuple(kinds), weights


def mix_weights(kinds: tuple[str, ...], weights: dict[str, int] | None) -> dict[str, int]:
    """The weights a run draws its journeys with."""
    return {k: (weights or {}).get(k, MIX[k]) for k in (kinds or MIX)}


def weights_text(weights: dict[str, int]) -> str:
    """How the table's notes show a run's weights."""
    return "weights " + ", ".join(f"{k} {w}" for k, w in weights.items())


# ---------------------------------------------------------------- the kiosk under soak
class _StepErrors(logging.Handler):
    """Counts the driver's "step failed" records (bounded: message → count)."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.counts: collections.Counter[str] = collections.Counter()

    def emit(self, record: logging.LogRecord) -> None:
        msg = record.getMessage()
        self.counts[msg.split(": ", 1)[-1][:120]] += 1


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclasses.dataclass
class Phase:
    name: str
    samples: list[Sample]
    seconds: float
    warmup: int


@dataclasses.dataclass
class SoakReport:
    baseline: Phase
    journeys: Phase
    kinds: collections.Counter[str]
    failed_journeys: collections.Counter[str]
    step_failures: collections.Counter[str]
    left_over: collections.Counter[str]
    receipts: int
    accepted: int
    queue_end: dict[str, int]
    decided: int
    sync_errors: list[str]
    propped_true: int = 0
    malloc: dict[str, int] = dataclasses.field(default_factory=dict)
    camera_speed: float = 1.0
    simulators: str = ""
    weights: dict[str, int] = dataclasses.field(default_factory=dict)


class Soak:
    def __init__(self, root: Path, seed: int, *, kinds: tuple[str, ...] = (), trim: bool = False,
                 camera_speed: float = 1.0, failure_shots: Path | None = None,
                 weights: dict[str, int] | None = None) -> None:
        self.root = root
        self.weights = weights
        self.failure_shots = failure_shots
        self.seed = seed
        self.camera_speed = camera_speed
        self.kinds = kinds
        self.trim = trim
        self.ui: Any = None
        self.services: Any = None
        self._stop = threading.Event()
        self._sync_thread: threading.Thread | None = None
        self.sync_errors: list[str] = []

    # ------------------------------------------------------------ start, stop
    def open(self) -> None:
        from PySide6.QtGui import QGuiApplication  # noqa: TID251 - hosts the real UI

        from kiosk.app import build_keyring
        from kiosk.demo_services import DemoServices
        from kiosk.ui import i18n
        from kiosk.ui.window import prepare_environment
        from tests.ui.harness import open_device_ui

        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        os.environ.setdefault("QT_QUICK_BACKEND", "software")
        prepare_environment()
        i18n.build()  # a no-op when the .qm files are current
        self.app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
        (self.root / "kiosk").mkdir()
        url = f"http://127.0.0.1:{_free_port()}"
        # poll_s 2: the worker looks for new queued submissions every 2 s (the demo's 30 s
        # would let a backlog build that only the run's end drains)
        # the simulated camera's clock runs camera_speed times faster: hold-still and
        # cool-down (measured on frame times) pass sooner, every frame still runs the pipeline
        camera = f'[devices.camera]\ndriver = "simulated"\nspeed = {self.camera_speed}\n'
        self.ui = open_device_ui(self.app, self.root / "kiosk",
                                 extra=f'[sync]\nurl = "{url}"\npoll_s = 2\n{camera}')
        self.ui.driver.failure_shots = self.failure_shots
        self.ui.driver.failure_shots_left = FAILURE_SHOTS if self.failure_shots is not None else 0
        self.ui.driver.card_reader = SeededCards(self.ui.devices.simulators["id_card_reader"],
                                                 random.Random(self.seed + 1))
        self.services = DemoServices(self.ui.config, build_keyring(self.ui.config),
                                     self.ui.core.outbox).start()
        self._sync_thread = threading.Thread(target=self._sync, name="soak-sync", daemon=True)
        self._sync_thread.start()

    def _sync(self) -> None:
        try:
            self.services.worker.run(self._stop)
        except Exception as err:  # reported in the table's notes, never hidden
            self.sync_errors.append(f"{type(err).__name__}: {err}")

    def close(self) -> None:
        self._stop.set()
        if self._sync_thread is not None:
            self._sync_thread.join(60)
        if self.services is not None:
            self.services.stop()
        if self.ui is not None:
            self.ui.close()

    # ------------------------------------------------------------ measuring
    def scene_items(self) -> int:
        from kiosk.ui.driver import walk_items

        return sum(1 for _ in walk_items(self.ui.window.root))

    def _progress(self, phase: str, s: Sample, total: int) -> None:
        rate = s.n / s.t if s.t else 0.0
        eta = (total - s.n) / rate if rate else 0.0
        sys.stderr.write(f"[soak] {phase} {s.n}/{total} {rate:.2f}/s eta {eta / 60:.0f} min | "
                         f"rss {s.rss_mb:.1f} MB fds {s.fds} threads {s.threads}/{s.py_threads} "
                         f"scene {s.scene_items} pyobj {s.py_objects} "
                         f"True/None refs {s.true_refs}/{s.none_refs}"
                         + f" | malloc in use {s.malloc_used_mb:.1f} MB, modules {s.modules}"
                         + (f", rss after malloc_trim {s.rss_trimmed_mb:.1f} MB" if s.rss_trimmed_mb else "")
                         + "\n")
        sys.stderr.flush()

    def _record(self, out: list[Sample], n: int, start: float, phase: str, total: int,
                sink: Any) -> None:
        s = take_sample(n, time.monotonic() - start, self.scene_items, trim=self.trim)
        out.append(s)
        self._progress(phase, s, total)
        if sink is not None:
            sink.write(json.dumps({"phase": phase, **dataclasses.asdict(s)}) + "\n")
            sink.flush()

    def idle(self, iterations: int, every: int, warmup: int, sink: Any) -> Phase:
        """The baseline: the kiosk on the attract screen, its threads running, no citizen."""
        from PySide6.QtCore import QCoreApplication, QEventLoop  # noqa: TID251

        samples: list[Sample] = []
        start = time.monotonic()
        self._record(samples, 0, start, "baseline", iterations, sink)
        for i in range(1, iterations + 1):
            self.ui.clock.advance(1.0)
            self.ui.window.session.tick()
            QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 10)
            self._stop.wait(0.01)
            if i % every == 0 or i == iterations:
                self._record(samples, i, start, "baseline", iterations, sink)
        return Phase("kiosk idle on the attract screen (baseline)", samples,
                     time.monotonic() - start, warmup)

    def journeys(self, count: int, every: int, warmup: int, sink: Any) -> tuple[Phase, dict[str, Any]]:
        from kiosk.journey import State

        mix = JourneyMix(self.seed, self.kinds, self.weights)
        driver = self.ui.driver
        errors = _StepErrors()
        driver_log = logging.getLogger("kiosk.ui.driver")
        driver_log.addHandler(errors)
        kinds: collections.Counter[str] = collections.Counter()
        failed: collections.Counter[str] = collections.Counter()
        left_over: collections.Counter[str] = collections.Counter()
        receipts = decided = 0
        samples: list[Sample] = []
        start = time.monotonic()
        try:
            self._record(samples, 0, start, "journeys", count, sink)
            for i in range(1, count + 1):
                kind, steps = mix.next()
                kinds[kind] += 1
                driver.last_receipt = None
                if driver.run(steps):
                    failed[kind] += 1
                if self.ui.journey.state is not State.ATTRACT:
                    left_over[f"{kind} on {self.ui.journey.state.value}"] += 1  # the citizen walks off
                    driver.perform("cancel", {})
                    if self.ui.journey.state is not State.ATTRACT:
                        driver.wait(600)
                if driver.last_receipt:
                    receipts += 1
                    mix.receipts.append(driver.last_receipt)
                    if receipts % 10 == 0:
                        decided += self._officer_decides(mix.receipts[0])
                if i % every == 0 or i == count:
                    self._record(samples, i, start, "journeys", count, sink)
        finally:
            driver_log.removeHandler(errors)
        seconds = time.monotonic() - start
        return Phase("kiosk, journeys", samples, seconds, warmup), {
            "kinds": kinds, "failed": failed, "step_failures": errors.counts,
            "left_over": left_over, "receipts": receipts, "decided": decided}

    def _officer_decides(self, tracking: str) -> int:
        row = self.ui.core.outbox.find_by_tracking(tracking)
        if row is None or row.status != "accepted":
            return 0
        status = random.Random(tracking).choice(("in_review", "approved", "needs_more"))
        try:
            self.services.staff_decides(row.uuid, status, "soak")
        except Exception as err:  # noted, never hidden
            self.sync_errors.append(f"staff decision: {type(err).__name__}: {err}")
            return 0
        return 1

    def drain(self, timeout_s: float) -> dict[str, int]:
        """Wait (bounded) for the sync worker to push what is queued; the queue's end state."""
        deadline = time.monotonic() + timeout_s
        while True:
            counts = self.queue_counts()
            if not (counts.get("queued", 0) + counts.get("sending", 0)) or time.monotonic() > deadline:
                return counts
            self._stop.wait(0.5)

    def simulator_memory(self) -> str:
        """What the demo's simulators keep for their scripting hooks (bounded: the latest jobs
        and requests; not the kiosk's — a terminal has real devices)."""
        parts = []
        for name, sim in sorted(self.ui.devices.simulators.items()):
            escpos = getattr(sim, "simulator", None)
            if escpos is not None and hasattr(escpos, "job_count"):
                kept = list(escpos.jobs)
                parts.append(f"{name} {escpos.job_count} jobs, {len(kept)} kept "
                             f"({sum(map(len, kept)) / 2**20:.1f} MB)")
            requests = getattr(sim, "requests", None)
            if callable(requests):
                parts.append(f"{name} {len(requests())} requests kept")
        return ", ".join(parts) or "nothing"

    def queue_counts(self) -> dict[str, int]:
        rows = self.ui.core.outbox.db.execute(
            "SELECT status, count(*) FROM submissions GROUP BY status").fetchall()
        return {str(status): int(n) for status, n in rows}


def run_soak(journeys: int, *, every: int, warmup: int, seed: int,
             samples_path: Path | None = None, prop_up_true: int = 0,
             kinds: tuple[str, ...] = (), trim: bool = False,
             malloc: dict[str, int] | None = None, camera_speed: float = 1.0,
             failure_shots: Path | None = None,
             weights: dict[str, int] | None = None) -> SoakReport:
    # bench-only life support against the PySide6 refcount bug (see --prop-up): the
    # references are held for the whole run and reported in the table's notes
    propped = [True, None, False] * prop_up_true
    with tempfile.TemporaryDirectory(prefix="kiosk-soak-") as tmp, \
            _maybe_open(samples_path) as sink:
        soak = Soak(Path(tmp), seed, kinds=kinds, trim=trim, camera_speed=camera_speed,
                    failure_shots=failure_shots, weights=weights)
        if sink is not None:
            sink.write(json.dumps({"phase": "meta", "journeys": journeys, "every": every,
                                   "warmup": warmup, "seed": seed, "prop_up_true": prop_up_true,
                                   "mix": list(kinds or MIX), "weights": mix_weights(kinds, weights),
                                   "malloc_trim": trim,
                                   "malloc": malloc or {}, "camera_speed": camera_speed}) + "\n")
        try:
            soak.open()
            baseline = soak.idle(journeys, every, warmup, sink)
            phase, stats = soak.journeys(journeys, every, warmup, sink)
            queue = soak.drain(120)
            simulators = soak.simulator_memory()
        finally:
            soak.close()
            del propped
        return SoakReport(baseline=baseline, journeys=phase, kinds=stats["kinds"],
                          failed_journeys=stats["failed"], step_failures=stats["step_failures"],
                          left_over=stats["left_over"], receipts=stats["receipts"],
                          accepted=queue.get("accepted", 0), queue_end=queue,
                          decided=stats["decided"], sync_errors=soak.sync_errors,
                          propped_true=prop_up_true, malloc=malloc or {},
                          camera_speed=camera_speed, simulators=simulators,
                          weights=mix_weights(kinds, weights))


class _maybe_open:
    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.file: Any = None

    def __enter__(self) -> Any:
        if self.path is not None:
            self.file = self.path.open("w", encoding="utf-8")
        return self.file

    def __exit__(self, *exc: object) -> None:
        if self.file is not None:
            self.file.close()


# ---------------------------------------------------------------- report
_METRICS: tuple[tuple[str, str, str], ...] = (
    ("rss_mb", "RSS (MB)", "{:.1f}"), ("fds", "open fds", "{:.0f}"), ("threads", "threads", "{:.0f}"),
    ("scene_items", "Qt Quick scene items", "{:.0f}"), ("py_objects", "Python objects (GC)", "{:.0f}"),
    ("true_refs", "references to True", "{:.0f}"), ("none_refs", "references to None", "{:.0f}"))


# when recorded (malloc in use: glibc; after malloc_trim: --malloc-trim; modules: newer runs)
_MALLOC_METRICS: tuple[tuple[str, str, str], ...] = (
    ("malloc_used_mb", "malloc in use (MB)", "{:.1f}"),
    ("rss_trimmed_mb", "RSS after malloc_trim (MB)", "{:.1f}"),
    ("modules", "Python modules imported", "{:.0f}"))  # (and modules: samples before it had none)


def _measured(phase: Phase) -> list[Sample]:
    after = [s for s in phase.samples if s.n >= phase.warmup]
    return after if len(after) >= 2 else phase.samples[-2:]


def _verdict(key: str, first: float, last: float) -> tuple[str, bool | None]:
    if key == "rss_mb":
        return f"growth ≤ {RSS_GROWTH_MB:g} MB", last - first <= RSS_GROWTH_MB
    if key in ("fds", "threads"):
        return f"flat (± {FLAT_TOLERANCE})", abs(last - first) <= FLAT_TOLERANCE
    return "—", None


def metrics_table(baseline: Phase, journeys: Phase) -> tuple[list[str], bool]:
    lines = ["| run | metric | after warm-up | end | max | growth | slope per 1,000 | target |",
             "|---|---|---:|---:|---:|---:|---:|---|"]
    ok = True
    for phase in (baseline, journeys):
        measured = _measured(phase)
        unit = "idle iterations" if "baseline" in phase.name else "journeys"
        extra = tuple(m for m in _MALLOC_METRICS if any(getattr(s, m[0]) for s in measured))
        for key, label, fmt in _METRICS + extra:
            ys = [float(getattr(s, key)) for s in measured]
            xs = [s.n / 1000 for s in measured]
            first, last = ys[0], ys[-1]
            target, met = _verdict(key, first, last)
            if "baseline" in phase.name:
                cell = "—"
            else:
                cell = f"{target} — {'met' if met else '**missed**'}" if met is not None else "—"
                ok = ok and met is not False
            lines.append(
                f"| {phase.name} ({measured[-1].n} {unit}, warm-up {phase.warmup}) | {label} | "
                f"{fmt.format(first)} | {fmt.format(last)} | {fmt.format(max(ys))} | "
                f"{last - first:+.1f} | {slope(xs, ys):+.2f} | {cell} |")
    return lines, ok


def true_note(journeys: Phase, propped: int) -> list[str]:
    """When references to True or None fall (PySide6 6.12 on Python 3.11 drops one per
    Signal.emit(), and some per queued slot call), the journeys left before one reaches 0 and
    the interpreter aborts ('Fatal Python error: bool_dealloc' / 'none_dealloc')."""
    measured = _measured(journeys)
    notes = []
    for key, name in (("true_refs", "True"), ("none_refs", "None")):
        fall = -slope([s.n for s in measured], [float(getattr(s, key)) for s in measured])
        if fall < REFS_FALL_NOTED:
            continue  # flat: the slope of sampling noise is no trend (6.12 lost hundreds a journey)
        if propped:
            natural = getattr(measured[0], key) - propped
            notes.append(f"references to {name} fell by {fall * 1000:.0f} per 1,000 journeys: without "
                         f"the held ones ({natural} of its own after warm-up) the process would have "
                         f"aborted at about journey {measured[0].n + natural / fall:.0f}")
        else:
            left = getattr(measured[-1], key) / fall
            notes.append(f"references to {name} fell by {fall * 1000:.0f} per 1,000 journeys: at that "
                         f"rate they reach 0 and the process aborts after about {left:.0f} more journeys")
    if notes and propped:
        notes.append(f"(this run held {propped} extra references to True, None and False so that the "
                     f"abort did not end it before the memory figures were in)")
    return notes


def table(report: SoakReport) -> tuple[str, bool]:
    lines, ok = metrics_table(report.baseline, report.journeys)
    j = report.journeys
    done = sum(report.kinds.values())
    failed = sum(report.failed_journeys.values())
    mix = ", ".join(f"{k} {report.kinds[k]}" for k in MIX)
    if report.weights and report.weights != MIX:
        mix += f" ({weights_text(report.weights)})"
    notes = [
        "",
        f"journeys: {done} in {j.seconds:.0f} s ({done / j.seconds:.2f}/s; baseline idle loop "
        f"{report.baseline.seconds:.0f} s) — {mix}",
        f"journeys with a failed step: {failed}"
        + (f" ({', '.join(f'{k} {v}' for k, v in report.failed_journeys.items())})" if failed else "")
        + f"; left on a screen and cancelled: {sum(report.left_over.values())}"
        + (f" ({', '.join(f'{k} {v}' for k, v in report.left_over.most_common(4))})"
           if report.left_over else ""),
    ]
    if report.step_failures:
        top = "; ".join(f"{n}× {msg}" for msg, n in report.step_failures.most_common(5))
        notes.append(f"step failures (most common): {top}")
    queue = ", ".join(f"{k} {v}" for k, v in sorted(report.queue_end.items()))
    notes.append(f"submissions: {report.receipts} receipts issued; outbox at the end: {queue}; "
                 f"{report.decided} officer decisions pulled back"
                 + (f"; sync errors: {'; '.join(report.sync_errors[:3])}" if report.sync_errors else ""))
    notes += true_note(j, report.propped_true)
    notes.append(f"kept by the demo's simulators at the end (not the kiosk's): {report.simulators}")
    notes.append(f"simulated camera clock: {report.camera_speed:g}x (frames at the camera's fps in "
                 "real time, stamped on the faster clock)")
    notes.append("malloc: " + (", ".join(f"{k} {v}" for k, v in report.malloc.items())
                               + " (kiosk.memory.tune_malloc, as the launcher sets it)"
                               if report.malloc else "glibc's defaults"))
    notes.append(f"verdict: {'every target met' if ok else 'a target was MISSED'}")
    return "\n".join(lines + notes), ok


def from_samples(path: Path) -> str:
    """The metrics table from a --samples file: a run still going, stopped or aborted."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    meta: dict[str, Any] = next((r for r in rows if r["phase"] == "meta"), {})
    warmup = int(meta.get("warmup", 0))
    fields = {f.name for f in dataclasses.fields(Sample)}
    phases = {}
    for name, label in (("baseline", "kiosk idle on the attract screen (baseline)"),
                        ("journeys", "kiosk, journeys")):
        samples = [Sample(**{k: v for k, v in r.items() if k in fields}) for r in rows if r["phase"] == name]
        phases[name] = Phase(label, samples, samples[-1].t if samples else 0.0, warmup)
    if len(phases["journeys"].samples) < 2:
        raise SystemExit(f"{path}: fewer than two journey samples")
    lines, _ok = metrics_table(phases["baseline"], phases["journeys"])
    last = phases["journeys"].samples[-1]
    notes = ["", f"recorded so far: {last.n} of {meta.get('journeys', '?')} journeys in {last.t:.0f} s "
             f"({last.n / last.t:.2f}/s) — the run was still going, stopped or aborted after this sample",
             *true_note(phases["journeys"], int(meta.get("prop_up_true", 0)))]
    if "malloc" in meta:
        malloc = meta["malloc"]
        notes.append("malloc: " + (", ".join(f"{k} {v}" for k, v in malloc.items())
                                   if malloc else "glibc's defaults")
                     + f"; journey kinds: {', '.join(meta.get('mix', MIX))}"
                     + (f" ({weights_text(meta['weights'])})" if meta.get("weights") else "")
                     + f"; simulated camera clock {meta.get('camera_speed', 1.0):g}x")
    return "\n".join([*lines, *notes])


def _machine() -> str:
    load = subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()
    from PySide6 import __version__ as pyside  # noqa: TID251 - reported, not used

    return (f"{os.cpu_count()} CPU(s), Python {platform.python_version()}, PySide6 {pyside}, "
            f"{platform.platform()}; load when writing: `{load}`")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.soak", description=__doc__.split("\n")[0])
    parser.add_argument("--journeys", type=int, default=None, help="journeys (default 10000; quick 24)")
    parser.add_argument("--quick", action="store_true", help="a short run: 24 journeys, warm-up 4")
    parser.add_argument("--warmup", type=int, default=None, help="journeys excluded (default 200)")
    parser.add_argument("--sample-every", type=int, default=None,
                        help="journeys between samples (default 100; quick: journeys / 6)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--results", type=Path, default=None,
                        help=f"write the results here (default {RESULTS.name} on a full run)")
    parser.add_argument("--samples", type=Path, default=None, help="every sample as JSON lines")
    parser.add_argument("--prop-up", type=int, default=0, metavar="N",
                        help="hold N extra references to True, None and False so that the PySide6 "
                             "6.12 refcount bug (a reference to True lost per Signal.emit() on "
                             "Python 3.11, some to None) does not abort the run before the memory "
                             "figures are in (reported in the notes)")
    parser.add_argument("--mix", default="", metavar="KIND[=WEIGHT][,...]",
                        help="only these journey kinds, at their usual weights or the ones given "
                             f"({', '.join(f'{k}={w}' for k, w in MIX.items())})")
    parser.add_argument("--malloc-trim", action="store_true",
                        help="at every sample, also call glibc's malloc_trim(0) and record the RSS "
                             "after it (diagnostic: freed memory the allocator still holds)")
    parser.add_argument("--camera-speed", type=float, default=CAMERA_SPEED, metavar="X",
                        help="the simulated camera's clock runs X times faster: the live capture's "
                             "hold-still and cool-down (measured on frame times) pass sooner, every "
                             f"frame still runs the whole pipeline (default {CAMERA_SPEED:g}; 1: real time)")
    parser.add_argument("--glibc-defaults", action="store_true",
                        help="leave glibc's malloc at its defaults (the kiosk's launcher applies "
                             "kiosk.memory.tune_malloc, and so does this benchmark unless told not to)")
    parser.add_argument("--failure-shots", type=Path, default=None, metavar="DIR",
                        help=f"save a screenshot of the screen at each of the first {FAILURE_SHOTS} "
                             "failed steps here (each failed step's log line also says where the "
                             "last tap landed and what takes a tap there)")
    parser.add_argument("--from-samples", type=Path, default=None, metavar="FILE",
                        help="only print the metrics table from a --samples file (a partial run)")
    args = parser.parse_args(argv)
    if args.from_samples is not None:
        print(from_samples(args.from_samples))
        return 0
    malloc: dict[str, int] = {}
    if not args.glibc_defaults:
        from kiosk.memory import tune_malloc

        malloc = tune_malloc()  # as the launcher (kiosk.__main__) does, before any thread
    journeys = args.journeys or (24 if args.quick else 10_000)
    warmup = args.warmup if args.warmup is not None else (
        min(4, journeys // 4) if args.quick else min(200, journeys // 10))
    every = args.sample_every or (max(1, journeys // 6) if args.quick else 100)
    warnings = logging.StreamHandler()  # the kiosk's own log goes to its file under the run's tmp
    warnings.setLevel(logging.WARNING)
    warnings.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    logging.getLogger().addHandler(warnings)
    try:
        kinds, weights = parse_mix(args.mix)
    except ValueError as err:
        parser.error(f"--mix: {err} (known kinds: {', '.join(MIX)})")
    report = run_soak(journeys, every=every, warmup=warmup, seed=args.seed,
                      samples_path=args.samples, prop_up_true=args.prop_up, kinds=kinds,
                      trim=args.malloc_trim, malloc=malloc, camera_speed=args.camera_speed,
                      failure_shots=args.failure_shots, weights=weights)
    text, _ok = table(report)
    print(text)
    out = args.results or (None if args.quick else RESULTS)
    if out is not None:
        cmd = "python -m bench.soak " + " ".join(argv if argv is not None else sys.argv[1:])
        out.write_text(
            f"# Soak results\n\nCommand: `{cmd.strip()}` (QT_QPA_PLATFORM=offscreen, "
            f"QT_QUICK_BACKEND=software; seed {args.seed}, a sample every {every} journeys, "
            f"warm-up {warmup})\n\nMachine: {_machine()}\n\n{text}\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    # no interpreter teardown: after the emits of a run, collecting the Qt objects drops the
    # reference count of True to zero (the bug the table reports) and the process aborts
    os._exit(code)
