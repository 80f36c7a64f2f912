"""Configuration: TOML → frozen, validated objects (DESIGN §6).

A config file names a built-in *profile* (``demo``, ``hall``, ``remote``) and overrides any
of its keys; the profile's TOML ships in ``kiosk/profiles``. Unknown keys and bad values fail
at start with every offending key path (:class:`~kiosk.errors.ConfigError`).

Path values may use ``{user_data}``, ``{user_config}`` (per-user platform directories) and
``~``.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Annotated, Any, Literal

import platformdirs
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from kiosk.devices.config import DevicesConfig
from kiosk.errors import ConfigError

APP_NAME = "smarthall-kiosk"
PROFILES_DIR = Path(__file__).parent / "profiles"
ASSETS_DIR = Path(__file__).resolve().parent.parent / "assets"

Lang = Literal["zh-Hans", "zh-Hant", "en"]
IdMethod = Literal["id_card", "gov_app_qr", "hkid", "home_return_permit", "passport_mrz"]
ProfileName = Literal["demo", "hall", "remote"]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Texts(_Section):
    """A text in the three session languages."""

    zh_Hans: str = Field(alias="zh-Hans", min_length=1)
    zh_Hant: str = Field(alias="zh-Hant", min_length=1)
    en: str = Field(min_length=1)

    def get(self, lang: Lang) -> str:
        return {"zh-Hans": self.zh_Hans, "zh-Hant": self.zh_Hant, "en": self.en}[lang]


class TerminalConfig(_Section):
    id: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{1,63}$")]
    # short code printed in tracking numbers
    code: Annotated[str, Field(pattern=r"^[A-Z0-9]{2,4}$")]
    name: Texts
    district: str = ""
    languages: Annotated[tuple[Lang, ...], Field(min_length=1)] = ("zh-Hans", "zh-Hant", "en")
    identification: Annotated[tuple[IdMethod, ...], Field(min_length=1)] = ("id_card", "gov_app_qr")
    # item codes this terminal offers; empty = every item whose profiles include this profile
    services: tuple[str, ...] = ()

    @field_validator("languages", "identification")
    @classmethod
    def _unique(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if len(set(value)) != len(value):
            raise ValueError("entries must be unique")
        return value


class PathsConfig(_Section):
    data_dir: Path
    log_file: Path | None = None
    catalog_dir: Path | None = None  # None = the catalogue shipped in assets/catalog


class StoreConfig(_Section):
    # personal data is purged this many days after the back office accepted the submission
    retention_days: Annotated[int, Field(ge=0, le=3650)] = 30
    max_attachment_kb: Annotated[int, Field(ge=16, le=200_000)] = 20_480


class SessionConfig(_Section):
    idle_timeout_s: Annotated[float, Field(gt=5, le=3600)] = 90.0
    idle_warning_s: Annotated[float, Field(gt=1, le=300)] = 20.0
    care_mode_factor: Annotated[float, Field(ge=1.0, le=5.0)] = 2.0


class KeyringConfig(_Section):
    # "file": the project's encrypted-file backend (a terminal has no desktop wallet);
    # "system": whatever keyring picks (a developer's desktop)
    backend: Literal["file", "system"] = "file"
    file: Path
    # where the file backend's master secret comes from, in order: a systemd credential of
    # this name ($CREDENTIALS_DIRECTORY), then this root-only file (created if missing)
    credential_name: str = "kiosk-master"
    master_secret_file: Path


class LoggingConfig(_Section):
    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"


_LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]")


class IdentityConfig(_Section):
    # Ed25519 public key (32 bytes, base64) verifying login/authorisation QR tokens from the
    # government app; None: such tokens are rejected as an unknown kind
    gov_app_public_key: str | None = None

    @field_validator("gov_app_public_key")
    @classmethod
    def _ed25519_key(cls, value: str | None) -> str | None:
        import base64
        import binascii

        if value is None:
            return None
        try:
            raw = base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError) as err:
            raise ValueError("must be base64") from err
        if len(raw) != 32:
            raise ValueError("must be a 32-byte Ed25519 public key")
        return value

    def gov_app_key_bytes(self) -> bytes | None:
        import base64

        return base64.b64decode(self.gov_app_public_key) if self.gov_app_public_key else None


class AdminConfig(_Section):
    max_attempts: Annotated[int, Field(ge=1, le=20)] = 5
    lockout_s: Annotated[float, Field(ge=10, le=86_400)] = 900.0
    pin_min_length: Annotated[int, Field(ge=4, le=12)] = 6


_HHMM = r"^([01]\d|2[0-3]):[0-5]\d$"


class MaintenanceConfig(_Section):
    window_start: Annotated[str, Field(pattern=_HHMM)] = "02:00"  # local time; the timer fires 02:15
    window_end: Annotated[str, Field(pattern=_HHMM)] = "05:00"
    vacuum: bool = True


class DiagnosticsConfig(_Section):
    disk_fail_mb: Annotated[int, Field(ge=0)] = 200
    disk_warn_mb: Annotated[int, Field(ge=0)] = 1024
    queue_stale_s: Annotated[float, Field(gt=0)] = 3600.0
    log_lines: Annotated[int, Field(ge=0, le=1000)] = 50
    # where the admin screen's "Write report" puts the PDF: e.g. a USB stick's mount point (used
    # only while something is mounted there), else <data_dir>/reports
    report_dir: Path | None = None


class SyncConfig(_Section):
    """The back office this terminal syncs with (kiosk/sync)."""

    # https (certificate always verified); plain http only to a loopback back office (demo)
    url: str = "http://127.0.0.1:8765"
    ca_file: Path | None = None  # a private CA bundle for the back office's certificate
    heartbeat_s: Annotated[float, Field(ge=5, le=3600)] = 60.0
    poll_s: Annotated[float, Field(ge=0.5, le=3600)] = 30.0  # status/document pulls when idle
    connect_timeout_s: Annotated[float, Field(gt=0, le=120)] = 5.0
    read_timeout_s: Annotated[float, Field(gt=0, le=600)] = 30.0
    backoff_base_s: Annotated[float, Field(gt=0, le=600)] = 2.0
    backoff_cap_s: Annotated[float, Field(gt=0, le=86_400)] = 300.0
    # the largest clock difference the terminal corrects by itself when the back office
    # refuses a request as stale (the back office's own allowed skew is its setting)
    clock_skew_s: Annotated[float, Field(ge=0, le=86_400)] = 300.0
    push_concurrency: Annotated[int, Field(ge=1, le=8)] = 2

    @field_validator("url")
    @classmethod
    def _url(cls, value: str) -> str:
        from urllib.parse import urlsplit

        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("must be an http(s) URL with a host")
        if parts.scheme == "http" and parts.hostname not in _LOOPBACK_HOSTS:
            raise ValueError("plain http is allowed only to a loopback back office; use https")
        if parts.query or parts.fragment:
            raise ValueError("must not have a query or fragment")
        return value.rstrip("/")

    @model_validator(mode="after")
    def _caps(self) -> SyncConfig:
        if self.backoff_cap_s < self.backoff_base_s:
            raise ValueError("backoff_cap_s must be at least backoff_base_s")
        return self


class RemoteConfigSettings(_Section):
    """How settings published by the back office are taken up (:mod:`kiosk.remote_config`).
    Local only: a remote document can never change its own safety net."""

    # False: the settings of every config document are refused (the local file alone applies)
    enabled: bool = True
    # a new remote config is promoted to last-known-good once the app has been up this long
    # after READY and the first screen
    healthy_s: Annotated[float, Field(ge=1, le=3600)] = 60.0
    # a required device not read yet by then (not polled, a camera waiting for its first frame)
    # is waited for this much longer before it counts as down on trial (and the trial rolls back)
    device_grace_s: Annotated[float, Field(ge=0, le=3600)] = 60.0
    # starts allowed with a pending config before it is rolled back (1: the first failed start)
    max_attempts: Annotated[int, Field(ge=1, le=5)] = 1
    # when the running app restarts itself into a newly staged config: as soon as no citizen
    # session is active, or only then and inside the nightly maintenance window
    apply: Literal["when_idle", "maintenance_window"] = "when_idle"


class Config(_Section):
    profile: ProfileName
    terminal: TerminalConfig
    paths: PathsConfig
    store: StoreConfig = StoreConfig()
    session: SessionConfig = SessionConfig()
    keyring: KeyringConfig
    logging: LoggingConfig = LoggingConfig()
    devices: DevicesConfig = DevicesConfig()
    sync: SyncConfig = SyncConfig()
    identity: IdentityConfig = IdentityConfig()
    admin: AdminConfig = AdminConfig()
    maintenance: MaintenanceConfig = MaintenanceConfig()
    diagnostics: DiagnosticsConfig = DiagnosticsConfig()
    remote_config: RemoteConfigSettings = RemoteConfigSettings()

    @property
    def default_language(self) -> Lang:
        return self.terminal.languages[0]


def _expand(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _expand(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_expand(v) for v in value]
    if isinstance(value, str) and ("{user_" in value or value.startswith("~")):
        value = value.replace("{user_data}", platformdirs.user_data_dir(APP_NAME))
        value = value.replace("{user_config}", platformdirs.user_config_dir(APP_NAME))
        return str(Path(value).expanduser())
    return value


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError as err:
        raise ConfigError(f"{path}: file not found") from err
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"{path}: not valid TOML: {err}") from err
    except OSError as err:
        raise ConfigError(f"{path}: cannot read: {err.strerror}") from err


def format_validation_error(err: ValidationError, source: str) -> str:
    """One line per problem, each naming its key path (``terminal.code``)."""
    lines = []
    for problem in err.errors():
        path = ".".join(str(p) for p in problem["loc"]) or "(top level)"
        lines.append(f"{source}: {path}: {problem['msg']}")
    return "\n".join(lines)


def load_config(path: Path | None = None, profile: str | None = None) -> Config:
    """Load ``path`` over its profile (or ``profile``, or ``demo`` when neither names one)."""
    user: dict[str, Any] = _read_toml(path) if path is not None else {}
    name = profile or user.get("profile") or "demo"
    if name not in ("demo", "hall", "remote"):
        raise ConfigError(f"profile: unknown profile {name!r}; choose demo, hall or remote")
    base = _read_toml(PROFILES_DIR / f"{name}.toml")
    merged = _expand(_merge(base, user))
    merged["profile"] = name
    try:
        return Config.model_validate(merged)
    except ValidationError as err:
        raise ConfigError(format_validation_error(err, str(path or f"profile {name}"))) from err


def apply_overlay(config: Config, overlay: dict[str, Any], source: str) -> Config:
    """``config`` with ``overlay`` (nested sections and keys, as in the TOML) merged over it and
    validated by the same models, so every error names its key path
    (``source: session.idle_timeout_s: …``). Used for the back office's remote settings
    (:mod:`kiosk.remote_config`); values are taken literally (no ``{user_data}``/``~`` expansion)."""
    merged = _merge(config.model_dump(by_alias=True), overlay)
    try:
        return Config.model_validate(merged)
    except ValidationError as err:
        raise ConfigError(format_validation_error(err, source)) from err
