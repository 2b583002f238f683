"""One Settings object for all of eclair.

Precedence, lowest first: defaults, `eclair.toml` (in the working directory or `$ECLAIR_CONFIG`), environment
variables `ECLAIR_*` (and `OPENAI_BASE_URL` / `OPENAI_API_KEY`), then CLI flags passed as overrides.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from eclair.errors import EclairError


class ConfigError(EclairError):
    """A configuration value a user can fix; the message names it and the fix."""


def _default_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "eclair"


@dataclass(frozen=True)
class Settings:
    data_dir: Path = field(default_factory=_default_data_dir)
    traces_dir: Path = field(default_factory=lambda: Path("traces").resolve())
    db_url: str = ""  # empty: sqlite:///<data_dir>/eclair.db
    models_dir: Path | None = None  # empty: <data_dir>/models
    # browser
    browser_path: str = ""
    headless: bool = True
    cdp_url: str = ""
    ws_endpoint: str = ""
    record_video: bool = False
    # models
    backend: str = "local"  # local | openai
    model: str = ""  # local: "embedded", a HF model dir or a PEFT adapter dir; openai: the model name
    device: str = "cpu"  # cpu | cuda | auto
    dtype: str = "auto"  # auto | float32 | bfloat16 (auto: bfloat16 on CUDA and on CPUs with AMX/AVX-512 BF16)
    openai_base_url: str = ""
    openai_api_key: str = ""
    openai_vision: bool = False
    openai_json_schema: bool = True
    request_timeout_s: float = 60.0
    # runs
    agent: str = "scoring"  # scoring | eclair
    max_steps: int = 20
    max_retries: int = 2
    allowed_domains: tuple[str, ...] = ()
    approve_all: bool = False
    approve: tuple[str, ...] = ()  # risks that wait for a person: delete, send, pay, approve, submit
    ask_when_unsure: bool = False  # critics unsure: ask a person (nobody to ask: the run stops for review)
    log_level: str = "WARNING"
    # power: fsync every step's files, SQLite synchronous=FULL (a committed step survives power loss);
    # crash: no fsync, synchronous=NORMAL under WAL (survives any crash of eclair, SIGKILL included; ~10 ms a step less)
    durability: str = "power"

    @property
    def database_url(self) -> str:
        return self.db_url or f"sqlite:///{self.data_dir / 'eclair.db'}"

    @property
    def model_root(self) -> Path:
        return self.models_dir or self.data_dir / "models"

    def with_overrides(self, **overrides: Any) -> Settings:
        """Apply CLI flags; `None` means 'flag not given' and keeps the current value."""
        given = {k: v for k, v in overrides.items() if v is not None}
        unknown = set(given) - {f.name for f in fields(self)}
        if unknown:
            raise ConfigError(f"unknown setting(s) {sorted(unknown)}")
        return replace(self, **{k: _coerce(k, v) for k, v in given.items()})


_TYPES = {f.name: f.type for f in fields(Settings)}


def _coerce(name: str, value: Any) -> Any:
    kind = str(_TYPES[name])
    if isinstance(value, str):
        if kind == "bool":
            low = value.strip().lower()
            if low in {"1", "true", "yes", "on"}:
                return True
            if low in {"0", "false", "no", "off", ""}:
                return False
            raise ConfigError(f"ECLAIR_{name.upper()}={value!r} is not a boolean; use true or false")
        if kind == "int":
            try:
                return int(value)
            except ValueError:
                raise ConfigError(f"ECLAIR_{name.upper()}={value!r} is not an integer") from None
        if kind == "float":
            try:
                return float(value)
            except ValueError:
                raise ConfigError(f"ECLAIR_{name.upper()}={value!r} is not a number") from None
        if "tuple" in kind:
            return tuple(v.strip() for v in value.split(",") if v.strip())
        if "Path" in kind:
            return Path(value).expanduser()
    if "tuple" in kind and isinstance(value, list | tuple):
        return tuple(str(v) for v in value)
    if "Path" in kind and value is not None and not isinstance(value, Path):
        return Path(str(value)).expanduser()
    return value


def load_settings(config_file: Path | None = None, **overrides: Any) -> Settings:
    """Build Settings from eclair.toml, the environment and explicit overrides (CLI flags)."""
    values: dict[str, Any] = {}
    path = config_file or Path(os.environ.get("ECLAIR_CONFIG", "eclair.toml"))
    if path.is_file():
        try:
            data = tomllib.loads(path.read_text())
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: not valid TOML ({exc}); fix or remove the file") from None
        table = data.get("eclair", data)
        for key, value in table.items():
            if key not in _TYPES:
                raise ConfigError(f"{path}: unknown setting '{key}'; see README.md, Configuration")
            values[key] = _coerce(key, value)
    for name in _TYPES:
        env = os.environ.get(f"ECLAIR_{name.upper()}")
        if env is not None:
            values[name] = _coerce(name, env)
    if "openai_base_url" not in values and os.environ.get("OPENAI_BASE_URL"):
        values["openai_base_url"] = os.environ["OPENAI_BASE_URL"]
    if "openai_api_key" not in values and os.environ.get("OPENAI_API_KEY"):
        values["openai_api_key"] = os.environ["OPENAI_API_KEY"]
    return Settings(**values).with_overrides(**overrides)
