"""``kiosk demo --script … --screenshots DIR`` as a user runs it (a subprocess, offscreen): the
Hong Kong terminal's HKID journey on the remote profile, whose real devices are not on this
machine — the demo puts simulated devices behind the real drivers in their place; and the
business-licence application identified with the government app's QR, for which the demo
starts its local back office (it resolves the app's token)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

from kiosk.app import open_outbox
from kiosk.config import ASSETS_DIR, load_config
from kiosk.demo import simulated_card
from kiosk.ui.run import _needs_backoffice

REPO = Path(__file__).resolve().parents[2]


def _demo(config: Path, script: str, shots: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", QT_QUICK_BACKEND="software")
    env.pop("DISPLAY", None)
    env.pop("WAYLAND_DISPLAY", None)
    return subprocess.run(
        [sys.executable, "-m", "kiosk.cli", "--config", str(config), "demo",
         "--script", str(ASSETS_DIR / "demo" / script), "--screenshots", str(shots)],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=300, check=False)


def _config(tmp_path: Path, profile: str, extra: str = "") -> Path:
    """A config file for ``profile`` with its data, log and keyring under ``tmp_path``."""
    data = tmp_path / "data"
    config = tmp_path / "kiosk.toml"
    config.write_text(f"""profile = "{profile}"
[paths]
data_dir = "{data}"
log_file = "{data / 'logs' / 'kiosk.log'}"
[keyring]
file = "{data / 'keyring' / 'k.cfg'}"
master_secret_file = "{tmp_path / 'secret' / 'master.key'}"
{extra}""", encoding="utf-8")
    return config


def test_the_remote_profiles_demo_script_runs_on_simulated_devices(tmp_path: Path) -> None:
    config = _config(tmp_path, "remote")
    shots = tmp_path / "shots"
    done = _demo(config, "ui-hk-hkid.json", shots)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    names = sorted(p.name for p in shots.glob("*.png"))
    assert any("enter_id_manually" in n for n in names) and any("receipt" in n for n in names), names
    assert "simulated devices in place of the remote profile's" in done.stdout


def test_the_gov_app_demo_script_identifies_with_the_apps_qr_through_the_local_back_office(
        tmp_path: Path) -> None:
    data = tmp_path / "data"
    with socket.socket() as probe:  # the demo's back office port (not the default 8765)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = _config(tmp_path, "demo", f'[sync]\nurl = "http://127.0.0.1:{port}"\n')
    shots = tmp_path / "shots"
    done = _demo(config, "ui-gov-app.json", shots)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    names = sorted(p.name for p in shots.glob("*.png"))
    # the scan shows the checking state, then the form; the journey runs to its end
    checking = next(n for n in names if "gov_app_checking" in n)
    form = next(n for n in names if "show_gov_app_qr-form" in n)
    assert checking < form and any("submit-receipt" in n for n in names), names
    log = (data / "logs" / "kiosk.log").read_text(encoding="utf-8")
    assert f"local back office on http://127.0.0.1:{port}" in log

    # the application went into the outbox with the identity the back office vouched for: the
    # demo citizen behind the app account, the contact name prefilled from it
    outbox = open_outbox(load_config(config), sweep=False)
    try:
        [row] = outbox.list_rows()
        personal = outbox.read_personal(row.uuid)
    finally:
        outbox.close()
    assert personal is not None
    citizen = simulated_card("resident")
    assert personal["identity"]["source"] == "gov_app_qr"
    assert personal["identity"]["number"] == citizen.number
    assert personal["form"]["contact_name"] == citizen.name


def test_only_scripts_with_a_back_office_step_start_the_demo_back_office() -> None:
    scripts = sorted((ASSETS_DIR / "demo").glob("ui-*.json"))
    needing = {p.name for p in scripts if _needs_backoffice(p)}
    assert needing == {"ui-gov-app.json"}
    assert all(isinstance(json.loads(p.read_text(encoding="utf-8")), list) for p in scripts)
