"""Progress of long management commands: count, rate and time left.

On a terminal, one line redrawn in place (at most ten times a second); in a
log (output not a terminal), a line every ``interval`` seconds; nothing with
``--verbosity 0``. The work reports through ``advance``; it never needs to
know where the output goes, and code called without a command gets
``SILENT``::

    with self.progress("Indexing articles", total=count) as progress:
        for batch in batches:
            ...
            progress.advance(len(batch))
"""

import time
from collections.abc import Callable

from django.core.management.base import BaseCommand, OutputWrapper
from django.utils import translation

REDRAW_SECONDS = 0.1
LOG_INTERVAL_SECONDS = 5.0


def _duration(seconds: float) -> str:
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {seconds:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


class Progress:
    """Counts work done and says so on ``stream``; see the module docstring."""

    def __init__(
        self,
        stream,
        label: str,
        *,
        total: int | None = None,
        unit: str = "",
        verbosity: int = 1,
        interval: float = LOG_INTERVAL_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.stream = stream
        self.label = label
        self.total = total
        self.unit = unit
        self.enabled = verbosity > 0
        self.terminal = bool(getattr(stream, "isatty", lambda: False)())
        self.interval = REDRAW_SECONDS if self.terminal else interval
        self.clock = clock
        self.done = 0
        self.started = clock()
        self.shown_at = self.started
        self.width = 0

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, traceback):
        self.finish(interrupted=exc_type is not None)

    def advance(self, count: int = 1) -> None:
        """``count`` more items done; shows progress if it is time to."""
        self.done += count
        now = self.clock()
        if self.enabled and now - self.shown_at >= self.interval:
            self.shown_at = now
            self._show(self.line(now))

    def line(self, now: float | None = None) -> str:
        """The progress so far: "label: 1,200/3,000 (40%), 400/s, 5 s left"."""
        elapsed = max((self.clock() if now is None else now) - self.started, 1e-9)
        rate = self.done / elapsed
        unit = f" {self.unit}" if self.unit else ""
        if self.total:
            share = min(self.done / self.total, 1)
            text = f"{self.label}: {self.done:,}/{self.total:,}{unit} ({share:.0%})"
        else:
            text = f"{self.label}: {self.done:,}{unit}"
        text += f", {rate:,.0f}/s" if rate >= 10 else f", {rate:,.1f}/s"
        if self.total and rate > 0 and self.done < self.total:
            text += f", {_duration((self.total - self.done) / rate)} left"
        return text

    def finish(self, *, interrupted: bool = False) -> None:
        """The last line: how many in how long (or where it stopped)."""
        if not self.enabled:
            return
        elapsed = self.clock() - self.started
        unit = f" {self.unit}" if self.unit else ""
        if interrupted:
            text = f"{self.label}: stopped after {self.done:,}{unit}"
        else:
            rate = self.done / elapsed if elapsed > 0 else 0
            text = (
                f"{self.label}: {self.done:,}{unit} in {_duration(elapsed)}"
                f" ({rate:,.0f}/s)"
            )
        self._show(text, final=True)

    def _show(self, text: str, *, final: bool = False) -> None:
        if self.terminal:
            padding = " " * max(self.width - len(text), 0)
            self.width = len(text)
            self._write("\r" + text + padding + ("\n" if final else ""))
        else:
            self._write(text + "\n")

    def _write(self, text: str) -> None:
        if isinstance(self.stream, OutputWrapper):
            self.stream.write(text, ending="")
        else:
            self.stream.write(text)
        self.stream.flush()


class _Silent:
    """Progress that goes nowhere: the default for code called from tests or views."""

    @property
    def total(self):
        return None

    @total.setter
    def total(self, value):
        return None

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        return None

    def advance(self, count: int = 1) -> None:
        return None

    def finish(self, *, interrupted: bool = False) -> None:
        return None


SILENT = _Silent()


def silent(label: str, **kwargs) -> _Silent:
    """A progress factory that makes ``SILENT``: the default for library code."""
    return SILENT


class LongCommand(BaseCommand):
    """A management command for operators: English, with progress.

    Its output and errors are in English (Django's convention for management
    commands), whatever LANGUAGE_CODE says; what it renders for readers
    (emails, pages) chooses its own language as it does elsewhere.
    """

    verbosity = 1

    def execute(self, *args, **options):
        self.verbosity = options.get("verbosity", 1)
        with translation.override("en"):
            return super().execute(*args, **options)

    def progress(self, label: str, **kwargs) -> Progress:
        """Progress on this command's stdout at the verbosity it was called with."""
        return Progress(self.stdout, label, verbosity=self.verbosity, **kwargs)
