from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.config import load_config
from kiosk.errors import ConfigError


@pytest.mark.parametrize("profile", ["demo", "hall", "remote"])
def test_every_profile_loads(profile: str) -> None:
    config = load_config(profile=profile)
    assert config.profile == profile
    assert config.paths.data_dir.is_absolute()
    # the keyring's master secret never sits inside the data directory
    assert config.paths.data_dir not in config.keyring.master_secret_file.parents


def test_remote_profile_is_traditional_chinese_first_with_hk_identification() -> None:
    config = load_config(profile="remote")
    assert config.default_language == "zh-Hant"
    assert config.terminal.identification[:2] == ("hkid", "home_return_permit")


def test_file_overrides_its_profile(tmp_path: Path) -> None:
    path = tmp_path / "k.toml"
    path.write_text('profile = "hall"\n[terminal]\nid = "futian-07"\ncode = "FT7"\n'
                    '[store]\nretention_days = 90\n', encoding="utf-8")
    config = load_config(path)
    assert (config.profile, config.terminal.id, config.terminal.code) == ("hall", "futian-07", "FT7")
    assert config.store.retention_days == 90
    assert config.terminal.languages[0] == "zh-Hans"  # inherited from the hall profile


def test_config_is_frozen() -> None:
    config = load_config(profile="demo")
    with pytest.raises(Exception):  # noqa: B017 - pydantic's frozen error type
        config.store.retention_days = 1  # type: ignore[misc]


def test_every_problem_is_reported_with_its_key_path(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(
        '[terminal]\ncode = "lower"\nlanguages = ["fr"]\ncolour = "red"\n'
        '[store]\nretention_days = -1\n[sessoin]\nidle_timeout_s = 3\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as info:
        load_config(path)
    detail = info.value.detail
    assert info.value.key == "config.invalid"
    for key_path in ("terminal.code", "terminal.languages.0", "terminal.colour",
                     "store.retention_days", "sessoin"):
        assert f": {key_path}:" in detail, key_path
    assert str(path) in detail


@pytest.mark.parametrize(
    ("text", "expected"),
    [("[terminal\nid=1", "not valid TOML"), ('profile = "office"', "unknown profile")],
)
def test_broken_files_fail_clearly(tmp_path: Path, text: str, expected: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert expected in info.value.detail


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path / "nope.toml")
    assert "file not found" in info.value.detail


def test_unknown_device_driver_names_the_valid_choices(tmp_path: Path) -> None:
    path = tmp_path / "k.toml"
    path.write_text('[devices.idcard]\ndriver = "ga999"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert "devices.idcard" in info.value.detail
    assert "'simulated', 'ga467_serial'" in info.value.detail


def test_driver_specific_keys_are_checked(tmp_path: Path) -> None:
    path = tmp_path / "k.toml"
    path.write_text('[devices.receipt_printer]\ndriver = "escpos_network"\nport = 9100\n', encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert "devices.receipt_printer.escpos_network.host: Field required" in info.value.detail


def test_gov_app_key_must_be_a_32_byte_base64_key(tmp_path: Path) -> None:
    import base64

    path = tmp_path / "k.toml"
    good = base64.b64encode(bytes(range(32))).decode()
    path.write_text(f'[identity]\ngov_app_public_key = "{good}"\n', encoding="utf-8")
    assert load_config(path).identity.gov_app_key_bytes() == bytes(range(32))
    path.write_text('[identity]\ngov_app_public_key = "c2hvcnQ="\n', encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert "identity.gov_app_public_key" in info.value.detail and "32-byte" in info.value.detail
