"""packaging/: the install script in a scratch root (DESTDIR), the units through
``systemd-analyze verify``, the udev rules, and shellcheck where it is installed."""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

from kiosk.config import load_config

PACKAGING = Path(__file__).resolve().parents[2] / "packaging"
INSTALL = PACKAGING / "install.sh"
UNITS = ("smarthall-kiosk.service", "smarthall-kiosk-sync.service",
         "smarthall-kiosk-maintenance.service", "smarthall-kiosk-maintenance.timer")
SERVICES = UNITS[:3]


def install(root: Path, *extra: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(INSTALL), "--destdir", str(root), "--no-users", "--no-venv",
         "--terminal-id", "hall-07", "--terminal-code", "H07",
         "--backoffice-url", "https://backoffice.example.gov.cn", *extra],
        capture_output=True, text=True, check=False, timeout=120,
        env={**os.environ, **(env or {})},
    )


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("root")
    done = install(root)
    assert done.returncode == 0, done.stderr
    return root


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_tree_and_modes(root: Path) -> None:
    expected = {
        "etc/smarthall-kiosk": 0o750,
        "etc/smarthall-kiosk/kiosk.toml": 0o640,
        "etc/smarthall-kiosk/master.key": 0o600,
        "var/lib/smarthall-kiosk": 0o700,
        "var/log/smarthall-kiosk": 0o750,
        "opt/smarthall-kiosk/share/TECHNICIANS.md": 0o644,
        "etc/udev/rules.d/70-smarthall-kiosk.rules": 0o644,
        "etc/logrotate.d/smarthall-kiosk": 0o644,
        "etc/pam.d/smarthall-kiosk": 0o644,
        "usr/local/sbin/kiosk-admin": 0o755,
        **{f"etc/systemd/system/{u}": 0o644 for u in UNITS},
        **{f"etc/systemd/system/{s}.d/credential.conf": 0o644 for s in SERVICES},
    }
    for rel, want in expected.items():
        path = root / rel
        assert path.exists(), rel
        assert mode(path) == want, f"{rel}: {oct(mode(path))} != {oct(want)}"
    assert len((root / "etc/smarthall-kiosk/master.key").read_bytes()) == 64
    # nothing secret in the data directory, nothing group/world-readable under /etc/smarthall-kiosk
    assert not any((root / "var/lib/smarthall-kiosk").iterdir())
    for path in (root / "etc/smarthall-kiosk").iterdir():
        assert mode(path) & 0o007 == 0, path


def test_main_unit_contents(root: Path) -> None:
    unit = (root / "etc/systemd/system/smarthall-kiosk.service").read_text()
    for line in ("Type=notify", "NotifyAccess=all", "WatchdogSec=30", "Restart=always",
                 "StartLimitIntervalSec=600", "StartLimitBurst=5", "ProtectSystem=strict",
                 "PrivateTmp=yes", "NoNewPrivileges=yes", "User=kiosk", "PAMName=smarthall-kiosk",
                 "TTYPath=/dev/tty1", "Conflicts=getty@tty1.service",
                 "ReadWritePaths=/var/lib/smarthall-kiosk /var/log/smarthall-kiosk -/run/user"):
        assert re.search(rf"^{re.escape(line)}$", unit, re.M), line
    exec_start = re.search(r"^ExecStart=(.*)$", unit, re.M)
    assert exec_start is not None
    assert exec_start.group(1).startswith("/usr/bin/cage -s -- /opt/smarthall-kiosk/venv/bin/kiosk ")
    assert exec_start.group(1).endswith(" run")
    for svc in SERVICES:
        drop_in = (root / f"etc/systemd/system/{svc}.d/credential.conf").read_text()
        assert "LoadCredential=kiosk-master:/etc/smarthall-kiosk/master.key" in drop_in
    timer = (root / "etc/systemd/system/smarthall-kiosk-maintenance.timer").read_text()
    assert "OnCalendar=*-*-* 02:15:00" in timer
    assert "sync" in (root / "etc/systemd/system/smarthall-kiosk-sync.service").read_text()


def test_installed_config_is_valid(root: Path) -> None:
    config = load_config(root / "etc/smarthall-kiosk/kiosk.toml")
    assert config.profile == "hall"
    assert (config.terminal.id, config.terminal.code) == ("hall-07", "H07")
    assert config.keyring.credential_name == "kiosk-master"
    assert str(config.paths.data_dir) == "/var/lib/smarthall-kiosk"


def test_rerun_keeps_secret_and_config(root: Path) -> None:
    secret = (root / "etc/smarthall-kiosk/master.key").read_bytes()
    config = root / "etc/smarthall-kiosk/kiosk.toml"
    config.write_text(config.read_text() + "\n# edited by a technician\n")
    done = install(root, "--terminal-id", "other-id")
    assert done.returncode == 0, done.stderr
    assert (root / "etc/smarthall-kiosk/master.key").read_bytes() == secret
    assert "edited by a technician" in config.read_text() and "other-id" not in config.read_text()


def test_bad_arguments_are_refused(tmp_path: Path) -> None:
    for args in (("--terminal-code", "lower"), ("--creds", "maybe"), ("--frobnicate",)):
        done = install(tmp_path / "r", *args)
        assert done.returncode != 0 and "install.sh:" in done.stderr, args
    done = install(tmp_path / "r", env={"KIOSK_PRINTER_VID": "XYZ1"})
    assert done.returncode != 0 and "USB ids" in done.stderr


# ---------------------------------------------------------------- udev rules
_UDEV_TOKEN = re.compile(r'([A-Z_]+)(\{[^}]+\})?(==|!=|\+=|-=|:=|=)"([^"]*)"')
_MATCH_KEYS = {"SUBSYSTEM", "KERNEL", "ATTR", "ATTRS", "ENV", "DRIVERS", "SUBSYSTEMS", "ACTION"}
_ASSIGN_KEYS = {"GROUP", "MODE", "OWNER", "SYMLINK", "ENV", "TAG", "RUN"}


def test_udev_rules_parse(root: Path) -> None:
    udevadm = shutil.which("udevadm")
    rules = root / "etc/udev/rules.d/70-smarthall-kiosk.rules"
    if udevadm is not None:
        probe = subprocess.run([udevadm, "verify", "--help"], capture_output=True, check=False)
        if probe.returncode == 0:
            done = subprocess.run([udevadm, "verify", str(rules)], capture_output=True, text=True,
                                  check=False)
            assert done.returncode == 0, done.stdout + done.stderr
    # the syntax check runs everywhere (udevadm verify exists only from systemd 253)
    text = rules.read_text()
    assert not re.search(r"@[A-Z_]+@", text), "an unsubstituted placeholder"
    symlinks = []
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        tokens = [t.strip() for t in line.split(", ")]
        matched_any = False
        for token in tokens:
            m = _UDEV_TOKEN.fullmatch(token)
            assert m, f"bad token {token!r} in {line!r}"
            key, attr, op, value = m.groups()
            if op in ("==", "!="):
                assert key in _MATCH_KEYS, token
                matched_any = True
            else:
                assert key in _ASSIGN_KEYS, token
            if key in ("ATTR", "ATTRS", "ENV"):
                assert attr, token
            if key == "MODE":
                assert value == "0660"
            if key == "GROUP":
                assert value == "kiosk"
            if key == "SYMLINK":
                symlinks.append(value)
            if attr in ("{idVendor}", "{idProduct}"):
                assert re.fullmatch(r"[0-9a-f]{4}", value), token
        assert matched_any, line
    assert {"kiosk-idcard", "serial/by-id/kiosk-idcard", "kiosk-scanner", "kiosk-receipt-printer",
            "kiosk-camera"} <= set(symlinks)
    assert 'ENV{LIBINPUT_IGNORE_DEVICE}="1"' in text  # the scanner is no keyboard for cage


def test_udev_ids_come_from_the_environment(tmp_path: Path) -> None:
    done = install(tmp_path / "r", env={"KIOSK_IDCARD_VID": "1a86", "KIOSK_IDCARD_PID": "7523"})
    assert done.returncode == 0, done.stderr
    text = (tmp_path / "r/etc/udev/rules.d/70-smarthall-kiosk.rules").read_text()
    assert 'ATTRS{idVendor}=="1a86", ATTRS{idProduct}=="7523"' in text


def test_pam_and_logrotate(root: Path) -> None:
    pam = (root / "etc/pam.d/smarthall-kiosk").read_text()
    assert re.search(r"^auth\s+required\s+pam_deny\.so$", pam, re.M)
    assert re.search(r"^session\s+required\s+pam_systemd\.so$", pam, re.M)
    rotate = (root / "etc/logrotate.d/smarthall-kiosk").read_text()
    assert rotate.count("{") == rotate.count("}") == 1
    for directive in ("daily", "rotate 14", "copytruncate", "compress", "su kiosk kiosk", "missingok"):
        assert re.search(rf"^\s+{directive}$", rotate, re.M), directive


# ---------------------------------------------------------------- systemd-analyze verify
def _analyze_root(root: Path, tmp: Path) -> Path:
    """A copy of the installed tree with the host's system units (for the default
    dependencies) and stub executables where the venv and cage would be."""
    tree = tmp / "verify-root"
    shutil.copytree(root, tree, symlinks=True)
    shutil.copytree("/usr/lib/systemd/system", tree / "usr/lib/systemd/system", symlinks=True)
    for exe in ("opt/smarthall-kiosk/venv/bin/kiosk", "usr/bin/cage"):
        path = tree / exe
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("#!/bin/sh\nexit 0\n")
        path.chmod(0o755)
    return tree


def _verify(tree: Path, unit: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["systemd-analyze", "verify", f"--root={tree}", f"/etc/systemd/system/{unit}"],
                          capture_output=True, text=True, check=False, timeout=120)


@pytest.fixture(scope="module")
def verify_tree(root: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    if shutil.which("systemd-analyze") is None:
        pytest.skip("systemd-analyze is not installed")
    if not Path("/usr/lib/systemd/system/sysinit.target").exists():
        pytest.skip("no host systemd unit directory to resolve default dependencies against")
    return _analyze_root(root, tmp_path_factory.mktemp("analyze"))


@pytest.mark.parametrize("unit", UNITS)
def test_units_pass_systemd_analyze_verify(verify_tree: Path, unit: str) -> None:
    done = _verify(verify_tree, unit)
    ours = [ln for ln in (done.stdout + done.stderr).splitlines() if "smarthall-kiosk" in ln]
    assert done.returncode == 0 and not ours, done.stdout + done.stderr


def test_verify_catches_mistakes(verify_tree: Path, tmp_path: Path) -> None:
    """The harness is not vacuous: a bad key and a missing binary are reported."""
    tree = tmp_path / "broken"
    shutil.copytree(verify_tree, tree, symlinks=True)
    unit = tree / "etc/systemd/system/smarthall-kiosk.service"
    unit.write_text(unit.read_text().replace("WatchdogSec=30", "WatchdogSecs=30"))
    assert "Unknown key 'WatchdogSecs'" in _verify(tree, "smarthall-kiosk.service").stderr
    (tree / "usr/bin/cage").unlink()
    assert _verify(tree, "smarthall-kiosk.service").returncode != 0


def test_encrypted_credential_drop_in_verifies(verify_tree: Path, tmp_path: Path) -> None:
    tree = tmp_path / "encrypted"
    shutil.copytree(verify_tree, tree, symlinks=True)
    (tree / "etc/smarthall-kiosk/kiosk-master.cred").write_bytes(b"x" * 64)
    for svc in SERVICES:
        (tree / f"etc/systemd/system/{svc}.d/credential.conf").write_text(
            "[Service]\nLoadCredentialEncrypted=kiosk-master:/etc/smarthall-kiosk/kiosk-master.cred\n")
    done = _verify(tree, "smarthall-kiosk.service")
    assert done.returncode == 0 and "smarthall-kiosk" not in done.stderr, done.stderr


# ---------------------------------------------------------------- shellcheck
def test_shellcheck() -> None:
    if shutil.which("shellcheck") is None:
        pytest.skip("shellcheck is not installed (Debian package shellcheck)")
    done = subprocess.run(["shellcheck", "-x", str(INSTALL)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout
