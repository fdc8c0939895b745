"""Settings come from the environment through one helper, and production refuses unsafe ones."""

import re
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from egov.conf import env
from egov.conf.env import BASE_DIR, ConfigurationError, config, database_from_url


def test_config_casts_like_the_default_and_rejects_garbage(monkeypatch):
    monkeypatch.setenv("EGOV_TEST_FLAG", "yes")
    monkeypatch.setenv("EGOV_TEST_NUMBER", "42")
    monkeypatch.setenv("EGOV_TEST_LIST", "a, b,,c")
    monkeypatch.setenv("EGOV_TEST_BAD", "maybe")

    assert config("EGOV_TEST_FLAG", False, description="t") is True
    assert config("EGOV_TEST_NUMBER", 1, description="t") == 42
    assert config("EGOV_TEST_LIST", [], cast=list, description="t") == ["a", "b", "c"]
    assert config("EGOV_TEST_UNSET", "fallback", description="t") == "fallback"
    with pytest.raises(ConfigurationError, match="EGOV_TEST_BAD"):
        config("EGOV_TEST_BAD", False, description="t")


def test_sqlite_url_gets_wal_busy_timeout_and_immediate_transactions():
    database = database_from_url("sqlite:///var/test-x.sqlite3")

    assert database["ENGINE"] == "django.db.backends.sqlite3"
    assert database["NAME"] == str(BASE_DIR / "var" / "test-x.sqlite3")
    assert "journal_mode=WAL" in database["OPTIONS"]["init_command"]
    assert "busy_timeout" in database["OPTIONS"]["init_command"]
    assert database["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert database["CONN_MAX_AGE"] > 0


def test_postgres_url_is_parsed_with_persistent_connections():
    database = database_from_url("postgres://egov:p%40ss@db.example:6543/egov_prod")

    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert (database["USER"], database["PASSWORD"], database["HOST"], database["PORT"], database["NAME"]) == (
        "egov",
        "p@ss",
        "db.example",
        "6543",
        "egov_prod",
    )
    assert "pool" not in database["OPTIONS"]
    assert database["CONN_MAX_AGE"] == 600


def test_postgres_pool_can_be_switched_on():
    database = database_from_url("postgres://egov@localhost/egov?pool=true")

    assert database["OPTIONS"]["pool"]["max_size"] == 8
    assert database["CONN_MAX_AGE"] == 0


def test_unknown_database_scheme_is_refused():
    with pytest.raises(ConfigurationError, match="mysql"):
        database_from_url("mysql://x@y/z")


def test_production_refuses_debug_and_the_default_secret():
    from egov.conf.safety import check_production_settings

    with pytest.raises(ImproperlyConfigured, match="DEBUG"):
        check_production_settings(debug=True, secret_key="x" * 50)
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
        check_production_settings(debug=False, secret_key="dev-insecure-secret-key-change-me")
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
        check_production_settings(debug=False, secret_key="short")
    check_production_settings(debug=False, secret_key="k" * 50)


def test_production_settings_module_will_not_import_with_defaults(monkeypatch):
    import subprocess
    import sys

    monkeypatch.delenv("SECRET_KEY", raising=False)
    result = subprocess.run(
        [sys.executable, "-c", "import egov.conf.production"],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(BASE_DIR / "src"), "DEBUG": "0"},
        check=False,
    )

    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_every_environment_variable_is_documented():
    import json
    import subprocess
    import sys

    documented = set(re.findall(r"^\| `([A-Z_]+)`", (BASE_DIR / "docs/configuration.md").read_text(), re.M))
    script = (
        "import json, egov.conf.production as p, egov.conf.env as e; print(json.dumps(sorted(e.REGISTRY)))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env={
            "PATH": "/usr/bin:/bin",
            "PYTHONPATH": str(BASE_DIR / "src"),
            "DEBUG": "0",
            "SECRET_KEY": "k" * 50,
        },
        check=True,
    )
    registered = set(json.loads(result.stdout.strip().splitlines()[-1]))

    assert registered - documented == set()
    assert {"DATABASE_URL", "SECRET_KEY", "SECURE_HSTS_SECONDS"} <= registered


def test_dotenv_values_do_not_override_the_environment(tmp_path: Path, monkeypatch):
    dotenv = tmp_path / ".env"
    dotenv.write_text("# comment\nEGOV_DOTENV_A=from-file\nEGOV_DOTENV_B='quoted'\n")
    monkeypatch.setenv("EGOV_DOTENV_A", "from-env")
    monkeypatch.delenv("EGOV_DOTENV_B", raising=False)

    env.load_dotenv(dotenv)

    import os

    assert os.environ["EGOV_DOTENV_A"] == "from-env"
    assert os.environ["EGOV_DOTENV_B"] == "quoted"
    monkeypatch.delenv("EGOV_DOTENV_B")
