"""The one helper through which every setting is read from the environment.

Each call registers the variable with its description, so that ``docs/configuration.md`` can be
checked against the code (``egov.core.tests.test_configuration``). A variable is read once, at start-up.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import parse_qs, unquote, urlsplit

T = TypeVar("T")

BASE_DIR = Path(__file__).resolve().parents[3]


class ConfigurationError(Exception):
    """A setting from the environment is missing or malformed."""


@dataclass(frozen=True)
class Variable:
    name: str
    description: str
    default: Any


REGISTRY: dict[str, Variable] = {}


def load_dotenv(path: Path = BASE_DIR / ".env") -> None:
    """Read KEY=value lines of ``.env`` into the environment; variables already set win."""
    if not path.is_file():
        return
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        os.environ.setdefault(key.strip(), value.strip().strip("'\""))


load_dotenv()


def _to_bool(raw: str) -> bool:
    lowered = raw.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError(f"not a boolean: {raw!r}")


def _to_list(raw: str) -> list[str]:
    return [item.strip() for item in raw.split(",") if item.strip()]


CASTS: dict[type, Callable[[str], Any]] = {bool: _to_bool, int: int, float: float, str: str, list: _to_list}


def config(name: str, default: T, *, description: str, cast: type | None = None) -> T:
    """Read ``name`` from the environment, cast like ``default`` (or ``cast``), else return ``default``.

    Booleans accept 1/0, true/false, yes/no, on/off; lists are comma-separated.
    """
    REGISTRY[name] = Variable(name=name, description=description, default=default)
    raw = os.environ.get(name)
    if raw is None:
        return default
    converter = CASTS[cast or type(default)]
    try:
        return converter(raw)
    except ValueError as error:
        raise ConfigurationError(f"{name}: {error}") from error


def database_from_url(url: str, *, conn_max_age: int = 600) -> dict[str, Any]:
    """Turn ``sqlite:///relative/or//absolute/path`` or ``postgres://user:pw@host:port/name`` into a
    Django ``DATABASES`` entry with the settings we rely on (WAL for SQLite, persistent connections for
    PostgreSQL)."""
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        raw_path = unquote(url[len("sqlite://") :])
        path = raw_path[1:]  # sqlite:///var/x.sqlite3 is relative to the project, sqlite:////abs/x absolute
        name = Path(path) if Path(path).is_absolute() else BASE_DIR / path
        name.parent.mkdir(parents=True, exist_ok=True)
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(name),
            "CONN_MAX_AGE": conn_max_age,
            "OPTIONS": {
                # WAL lets readers work while one writer writes; IMMEDIATE takes the write lock at BEGIN
                # so two writers queue on busy_timeout instead of failing half-way (stack.md, pitfall 4).
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;"
                    " PRAGMA foreign_keys=ON;"
                ),
                "transaction_mode": "IMMEDIATE",
                "timeout": 10,
            },
            "TEST": {"NAME": str(name.with_name(name.stem + "-test.sqlite3"))},
        }
    if parts.scheme in {"postgres", "postgresql"}:
        query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        # Persistent connections by default: each granian worker runs one thread (core/server.py), so one
        # connection a worker, kept across requests, is all it needs; through psycopg's pool the mixed
        # load served 294 req/s against 425 (docs/benchmarks.md). ``?pool=true`` for threaded servers.
        use_pool = _to_bool(query.pop("pool", "false"))
        options: dict[str, Any] = dict(query)
        if use_pool:
            options["pool"] = {"min_size": 4, "max_size": 8, "timeout": 10}
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parts.path.lstrip("/")),
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(parts.port or ""),
            # psycopg's pool replaces persistent connections; Django refuses both at once.
            "CONN_MAX_AGE": 0 if use_pool else conn_max_age,
            "OPTIONS": options,
        }
    raise ConfigurationError(
        f"DATABASE_URL: unsupported scheme {parts.scheme!r} (use sqlite:// or postgres://)"
    )
