"""gunicorn.conf.py loads, names only real gunicorn settings, and gives sane
values that the environment can change."""

import os
import runpy
import subprocess
import sys
from pathlib import Path

import pytest
from gunicorn.config import Config

ROOT = Path(__file__).resolve().parent.parent
CONF = ROOT / "gunicorn.conf.py"
ENV_NAMES = [
    "GUNICORN_BIND",
    "WEB_CONCURRENCY",
    "GUNICORN_THREADS",
    "GUNICORN_WORKER_CLASS",
    "GUNICORN_TIMEOUT",
    "FORWARDED_ALLOW_IPS",
    "GUNICORN_CONTROL_SOCKET",
    "GUNICORN_ACCESS_LOG",
]


def load(monkeypatch, **env) -> tuple[Config, dict]:
    """The file's values as gunicorn takes them (each one validated)."""
    for name in ENV_NAMES:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    namespace = runpy.run_path(str(CONF))
    config = Config()
    helpers = {"os", "cpu_count", "default_workers", "env_int", "env_str"}
    for name, value in namespace.items():
        if name.startswith("__") or name in helpers:
            continue
        assert name in config.settings, f"{name} is not a gunicorn setting"
        config.set(name, value)
    return config, namespace


def test_defaults_are_sane_for_this_machine(monkeypatch):
    config, namespace = load(monkeypatch)
    cpus = namespace["cpu_count"]()
    assert config.bind == ["127.0.0.1:8000"]
    assert config.workers == min(2 * cpus + 1, 12) >= 3
    assert config.worker_class_str == "sync" and config.threads == 1
    assert 10 <= config.timeout <= 120
    assert 0 < config.graceful_timeout <= config.timeout
    assert config.max_requests == 50000
    assert 0 < config.max_requests_jitter < config.max_requests
    assert config.accesslog == "-"
    assert config.logger_class.__name__ == "GunicornLogger"
    assert config.forwarded_allow_ips == ["127.0.0.1", "::1"]
    assert config.control_socket_disable is True  # two instances would share it


def test_workers_are_capped_on_big_machines():
    namespace = runpy.run_path(str(CONF))
    assert namespace["default_workers"](2) == 5
    assert namespace["default_workers"](64) == 12


def test_environment_overrides(monkeypatch):
    config, _namespace = load(
        monkeypatch,
        GUNICORN_BIND="0.0.0.0:9000",
        WEB_CONCURRENCY="3",
        GUNICORN_WORKER_CLASS="gthread",
        GUNICORN_THREADS="8",
        GUNICORN_TIMEOUT="60",
        FORWARDED_ALLOW_IPS="10.0.0.1,10.0.0.2",
    )
    assert config.bind == ["0.0.0.0:9000"]
    assert config.workers == 3
    assert config.worker_class_str == "gthread" and config.threads == 8
    assert config.timeout == 60
    assert config.forwarded_allow_ips == ["10.0.0.1", "10.0.0.2"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [("off", None), ("OFF", None), ("/var/log/a.log", "/var/log/a.log")],
)
def test_the_access_log_can_go_to_a_file_or_be_left_to_the_proxy(
    monkeypatch, value, expected
):
    config, _namespace = load(monkeypatch, GUNICORN_ACCESS_LOG=value)
    assert config.accesslog == expected


@pytest.mark.skipif(not hasattr(os, "fork"), reason="gunicorn needs fork")
def test_sync_workers_run_one_thread(monkeypatch):
    """gunicorn would run "sync" with threads as gthread, silently."""
    config, _namespace = load(
        monkeypatch, GUNICORN_WORKER_CLASS="sync", GUNICORN_THREADS="4"
    )
    assert config.worker_class_str == "sync" and config.threads == 1


def test_gunicorn_accepts_the_file_and_loads_the_app():
    result = subprocess.run(
        [sys.executable, "-m", "gunicorn", "--check-config", "newsroom.wsgi"],
        cwd=ROOT,
        env={
            "PATH": os.environ["PATH"],
            "DJANGO_SETTINGS_MODULE": "tests.settings",
            **{k: v for k, v in os.environ.items() if k == "DATABASE_URL"},
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
