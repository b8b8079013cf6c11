"""Structured logs: one JSON object per line on stdout, for any log collector.

Every record carries ``time`` (UTC, ISO 8601), ``level``, ``logger`` and
``message``; during a request also ``request_id``, ``method`` and ``path``
(``RequestContextMiddleware``), and ``status`` where Django knows it (its
``django.request`` records of 4xx and 5xx answers). ``GunicornLogger`` writes
gunicorn's access log the same way, one line per request with its status,
size and duration, and the same ``request_id`` as the application's lines.

A request id comes from the proxy's ``X-Request-ID`` header when it sends a
usable one, so the proxy's, gunicorn's and Django's lines of one request
share it; otherwise one is made. It is sent back in ``X-Request-ID``.
"""

import json
import logging
import re
import uuid
from contextvars import ContextVar
from datetime import UTC, datetime

from gunicorn import glogging

REQUEST_ID_HEADER = "X-Request-ID"
# A proxy's id is echoed into logs and a response header: keep it to a short
# run of harmless characters, else make our own.
USABLE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")

_request_context: ContextVar[dict | None] = ContextVar("request_context", default=None)


def request_id_for(request) -> str:
    # META, not request.headers: that copies every header on first use, a
    # tenth of what a page-cache hit costs.
    given = request.META.get("HTTP_X_REQUEST_ID", "")
    return given if USABLE_REQUEST_ID.fullmatch(given) else uuid.uuid4().hex


class RequestContextMiddleware:
    """Give every log record written during a request the request's id,
    method and path, and send the id back in ``X-Request-ID``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = request_id_for(request)
        token = _request_context.set(
            {
                "request_id": request.request_id,
                "method": request.method,
                "path": request.path,
            }
        )
        try:
            response = self.get_response(request)
        finally:
            _request_context.reset(token)
        # Set, not defaulted: a response replayed from a cache must not carry
        # the id of the request that first made it.
        response[REQUEST_ID_HEADER] = request.request_id
        return response


def _request_fields(record: logging.LogRecord) -> dict:
    fields = dict(_request_context.get() or {})
    # Django logs 4xx/5xx answers (django.request) after the middleware has
    # returned, with the request attached; runserver's django.server attaches
    # a socket instead, which has no method.
    request = getattr(record, "request", None)
    if not fields and hasattr(request, "method") and hasattr(request, "path"):
        fields = {"method": request.method, "path": request.path}
        if getattr(request, "request_id", None):
            fields["request_id"] = request.request_id
    status = getattr(record, "status_code", None)
    if isinstance(status, int):
        fields["status"] = status
    return fields


class JsonFormatter(logging.Formatter):
    """One JSON object per record; extra fields from ``extra={"fields": {...}}``."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            **_request_fields(record),
            **(getattr(record, "fields", None) or {}),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        # Chinese stays readable; anything not JSON (a lazy string) as text.
        return json.dumps(entry, ensure_ascii=False, default=str)


class GunicornLogger(glogging.Logger):
    """gunicorn's error and access logs as JSON lines (``gunicorn.conf.py``).

    The access line is built from the request itself rather than through
    ``access_log_format``, whose ``%`` formatting cannot escape quotes in a
    path or user agent and so cannot produce valid JSON.
    """

    def setup(self, cfg):
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                if getattr(handler, "_gunicorn", False):
                    handler.setFormatter(JsonFormatter())

    def access(self, resp, req, environ, request_time):
        if not self.access_log_enabled:
            return
        try:
            fields = access_fields(resp, environ, request_time)
            self.access_log.info(
                "%s %s %s",
                fields["method"],
                fields["path"],
                fields["status"],
                extra={"fields": fields},
            )
        # As gunicorn's own access(): a log line must never fail a request.
        except Exception:  # noqa: BLE001
            self.error("Could not write the access log line", exc_info=True)


def access_fields(resp, environ, request_time) -> dict:
    """What an access log line says about one request (a gunicorn response)."""
    status = resp.status
    if isinstance(status, str):
        status = status.split(None, 1)[0]
    request_id = next(
        (v for k, v in resp.headers if k.lower() == REQUEST_ID_HEADER.lower()),
        environ.get("HTTP_X_REQUEST_ID"),
    )
    return {
        "method": environ.get("REQUEST_METHOD"),
        "path": environ.get("PATH_INFO"),
        "query": environ.get("QUERY_STRING", ""),
        "status": int(status),
        "bytes": getattr(resp, "sent", None),
        "duration_ms": round(request_time.total_seconds() * 1000, 1),
        "remote_addr": environ.get("REMOTE_ADDR"),
        "forwarded_for": environ.get("HTTP_X_FORWARDED_FOR"),
        "user_agent": environ.get("HTTP_USER_AGENT"),
        "referer": environ.get("HTTP_REFERER"),
        "request_id": request_id,
    }
