"""``kiosk demo --script … --screenshots DIR`` as a user runs it (a subprocess, offscreen): the
Hong Kong terminal's HKID journey on the remote profile, whose real devices are not on this
machine — the demo puts simulated devices behind the real drivers in their place."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from kiosk.config import ASSETS_DIR

REPO = Path(__file__).resolve().parents[2]


def test_the_remote_profiles_demo_script_runs_on_simulated_devices(tmp_path: Path) -> None:
    data = tmp_path / "data"
    config = tmp_path / "kiosk.toml"
    config.write_text(f"""profile = "remote"
[paths]
data_dir = "{data}"
log_file = "{data / 'logs' / 'kiosk.log'}"
[keyring]
file = "{data / 'keyring' / 'k.cfg'}"
master_secret_file = "{tmp_path / 'secret' / 'master.key'}"
""", encoding="utf-8")
    shots = tmp_path / "shots"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", QT_QUICK_BACKEND="software")
    env.pop("DISPLAY", None)
    env.pop("WAYLAND_DISPLAY", None)
    done = subprocess.run(
        [sys.executable, "-m", "kiosk.cli", "--config", str(config), "demo",
         "--script", str(ASSETS_DIR / "demo" / "ui-hk-hkid.json"), "--screenshots", str(shots)],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    names = sorted(p.name for p in shots.glob("*.png"))
    assert any("enter_id_manually" in n for n in names) and any("receipt" in n for n in names), names
    assert "simulated devices in place of the remote profile's" in done.stdout
