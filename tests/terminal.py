"""A fake terminal and a fake clock for testing what commands print."""

import io


class FakeTerminal(io.StringIO):
    """Output that says it is a terminal, as a person's shell would."""

    def isatty(self) -> bool:
        return True


class FakeClock:
    """``time.monotonic`` that moves only when a test says so."""

    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def tick(self, seconds: float) -> None:
        self.now += seconds
