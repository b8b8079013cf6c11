"""Logs are JSON lines: time, level, logger, message, and during a request its
id, method and path; gunicorn's access log the same way."""

import io
import json
import logging
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.test import RequestFactory
from gunicorn.config import Config

from newsroom.logging import GunicornLogger, JsonFormatter, RequestContextMiddleware


@pytest.fixture
def lines():
    """Records of the ``newsroom.test`` and ``django.request`` loggers, as the
    production formatter writes them."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    loggers = [logging.getLogger("newsroom.test"), logging.getLogger("django.request")]
    for logger in loggers:
        logger.addHandler(handler)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    for logger in loggers:
        logger.removeHandler(handler)


def test_production_logs_json_lines_to_stdout():
    console = settings.LOGGING["handlers"]["console"]
    assert console["formatter"] == "json"  # the tests run with DEBUG off
    assert console["stream"] == "ext://sys.stdout"


def test_a_record_is_one_json_object_with_time_level_logger_message(lines):
    logging.getLogger("newsroom.test").warning("已發布 %s 篇", 3)
    (entry,) = lines()
    assert entry["level"] == "WARNING"
    assert entry["logger"] == "newsroom.test"
    assert entry["message"] == "已發布 3 篇"
    assert entry["time"].endswith("+00:00") and "T" in entry["time"]
    assert "request_id" not in entry  # outside a request


def test_an_exception_keeps_its_traceback_in_one_line(lines):
    try:
        raise ValueError("壞")
    except ValueError:
        logging.getLogger("newsroom.test").exception("failed")
    (entry,) = lines()
    assert entry["message"] == "failed"
    assert "Traceback" in entry["exception"] and "ValueError: 壞" in entry["exception"]


def test_records_during_a_request_carry_its_id_method_and_path(lines):
    def view(request):
        logging.getLogger("newsroom.test").info("rendering")
        return HttpResponse("ok")

    request = RequestFactory().get("/articles/", HTTP_X_REQUEST_ID="lb-7f3a.1")
    response = RequestContextMiddleware(view)(request)
    (entry,) = lines()
    assert entry["request_id"] == "lb-7f3a.1"
    assert (entry["method"], entry["path"]) == ("GET", "/articles/")
    assert response["X-Request-ID"] == "lb-7f3a.1"


def test_an_unusable_request_id_is_replaced(lines):
    request = RequestFactory().get("/", HTTP_X_REQUEST_ID='bad"id\nwith junk')
    response = RequestContextMiddleware(lambda r: HttpResponse())(request)
    assert len(response["X-Request-ID"]) == 32
    assert response["X-Request-ID"] != request.headers["X-Request-ID"]


@pytest.mark.django_db
def test_djangos_error_records_carry_the_request_and_status(client, lines):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    (entry,) = [e for e in lines() if e["logger"] == "django.request"]
    assert entry["status"] == 404
    assert entry["path"] == "/no-such-page/"
    assert entry["request_id"] == response["X-Request-ID"]


def test_gunicorn_access_log_is_a_json_line_with_status_size_and_duration(capsys):
    config = Config()
    config.set("accesslog", "-")
    logger = GunicornLogger(config)
    response = SimpleNamespace(
        status="404 Not Found", headers=[("X-Request-ID", "abc123")], sent=512
    )
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": "/articles/",
        "QUERY_STRING": 'q="光伏"',
        "REMOTE_ADDR": "10.0.0.2",
        "HTTP_USER_AGENT": 'Mozilla/5.0 "quoted"',
    }
    logger.access(response, None, environ, timedelta(milliseconds=12.5))
    entry = json.loads(capsys.readouterr().out.strip())
    assert entry["logger"] == "gunicorn.access"
    assert entry["message"] == "GET /articles/ 404"
    assert entry["status"] == 404 and entry["bytes"] == 512
    assert entry["duration_ms"] == 12.5
    assert entry["request_id"] == "abc123"
    assert entry["query"] == 'q="光伏"'
    assert entry["user_agent"] == 'Mozilla/5.0 "quoted"'
