"""Settings of the web app: environment variables with the ``PLANNER_`` prefix.

The embedded default needs nothing but a folder: SQLite in ``PLANNER_DATA_DIR``, a secret key
generated there on first start, solves in a local process pool.
"""

from __future__ import annotations

import os
import secrets
from functools import lru_cache
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from planner.domain.solving import DEFAULT_TIME_LIMIT

SECRET_FILE = "secret_key"


def default_data_dir() -> Path:
    """The per-user data folder: ``$XDG_DATA_HOME/planner`` or ``~/.local/share/planner``."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "planner"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PLANNER_", env_ignore_empty=True, extra="ignore")

    data_dir: Path = default_data_dir()
    database_url: str = ""  # empty → sqlite:///<data_dir>/planner.db
    timezone: str = "Asia/Yekaterinburg"
    secret_key: str = ""  # empty → generated once and kept in <data_dir>/secret_key
    base_url: str = "http://127.0.0.1:8000"

    solver_time_limit: float = DEFAULT_TIME_LIMIT
    solver_workers: int = 2
    solver_seed: int = 1
    # Import path of the solve function; tests may point it at a stand-in.
    solver_function: str = "planner.app.pipeline:solve"
    # process: a local process pool (the default); thread/inline: for tests and debugging.
    job_runner: Literal["process", "thread", "inline"] = "process"
    job_pool_size: int = 2
    # A running job whose heartbeat is older than this is considered dead (its worker is gone).
    job_stale_seconds: float = 60.0
    # Celery: set a broker (amqp://guest:guest@127.0.0.1:5672// or redis://127.0.0.1:6379/0) and
    # rebuilds go to `planner worker` processes instead of the embedded pool.
    broker_url: str = ""
    job_queue: str = "planner"
    # Redis only: an unacknowledged job goes to another worker after this many seconds (a job
    # still running then is not run twice: the redelivery waits for it).
    broker_visibility_timeout: int = 120

    # body limit of every request but a timetable upload (those get the importers' file limit)
    max_body_bytes: int = 2 * 1024 * 1024
    # uploaded files are read in a child process (api/import_runner.py); inline: tests
    import_runner: Literal["process", "inline"] = "process"
    import_timeout: float = 120.0

    # Served feeds and pages (api/serving.py): how often a process reads the schools' serve
    # generations (changes made by other processes reach its memory within this), memory size.
    serve_poll_seconds: float = 0.5
    serve_memory_mb: int = 64

    # Addresses (or networks) of reverse proxies whose X-Forwarded-For/-Proto are believed;
    # comma-separated, default none (api/headers.py).
    trusted_proxies: str = ""

    login_max_failures: int = 5
    login_window_seconds: int = 900
    session_hours: int = 12

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"неизвестный часовой пояс «{value}»; укажите, например, Asia/Yekaterinburg"
            ) from None
        return value

    @field_validator("database_url")
    @classmethod
    def _normalise_driver(cls, value: str) -> str:
        # postgres:// and postgresql:// use psycopg 3, the driver we ship.
        for prefix in ("postgres://", "postgresql://"):
            if value.startswith(prefix):
                return "postgresql+psycopg://" + value[len(prefix) :]
        return value

    @model_validator(mode="after")
    def _derived(self) -> Settings:
        self.data_dir = Path(self.data_dir).expanduser()
        if not self.database_url:
            self.database_url = f"sqlite:///{self.data_dir / 'planner.db'}"
        self.base_url = self.base_url.rstrip("/")
        return self

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def behind_tls(self) -> bool:
        return self.base_url.startswith("https://")

    def ensure_data_dir(self) -> Path:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        return self.data_dir

    def resolved_secret_key(self) -> str:
        """The secret key; generated and stored in the data folder (mode 600) when not set."""
        if self.secret_key:
            return self.secret_key
        path = self.ensure_data_dir() / SECRET_FILE
        if path.exists():
            key = path.read_text(encoding="ascii").strip()
            if key:
                self.secret_key = key
                return key
        key = secrets.token_urlsafe(48)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(key + "\n")
        self.secret_key = key
        return key


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Settings from the environment, read once per process."""
    return Settings()
