"""Reading settings from environment variables, with errors that say which.

Every environment variable the project reads goes through one of these, so a
bad value stops the process with a message naming the variable, what it holds
and what was expected (``PAGE_CACHE_SECONDS='6h': expected a whole number of
seconds, e.g. 21600``) instead of a bare ``ValueError`` from ``int()``.
An unset or empty variable means the default.
"""

import os

from django.core.exceptions import ImproperlyConfigured

TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off"}


class BadEnvironmentVariable(ImproperlyConfigured):
    """A variable is set to something its setting cannot use."""


def _raw(name: str) -> str | None:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return None
    return value.strip()


def _refuse(name: str, value: str, expected: str) -> BadEnvironmentVariable:
    return BadEnvironmentVariable(f"{name}={value!r}: expected {expected}")


def env_str(name: str, default: str = "") -> str:
    """The variable as text (surrounding spaces removed), or ``default``."""
    value = _raw(name)
    return default if value is None else value


def env_int(
    name: str,
    default: int | None,
    *,
    unit: str = "",
    minimum: int | None = 0,
) -> int | None:
    """A whole number; ``unit`` names what it counts in the error message."""
    value = _raw(name)
    if value is None:
        return default
    counted = f" of {unit}" if unit else ""
    example = f", e.g. {default}" if default is not None else ""
    try:
        number = int(value.replace("_", ""))
    except ValueError:
        raise _refuse(name, value, f"a whole number{counted}{example}") from None
    if minimum is not None and number < minimum:
        raise _refuse(name, value, f"a whole number{counted} of at least {minimum}")
    return number


def env_bool(name: str, default: bool = False) -> bool:
    """On with 1/true/yes/on, off with 0/false/no/off (any case)."""
    value = _raw(name)
    if value is None:
        return default
    if value.lower() in TRUE:
        return True
    if value.lower() in FALSE:
        return False
    raise _refuse(name, value, "1, true, yes or on to turn it on; 0, false, no or off")


def env_list(name: str, default: str = "") -> list[str]:
    """Comma-separated values, blanks dropped."""
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


def env_choice(name: str, default: str, choices: list[str]) -> str:
    """One of ``choices`` (any case)."""
    value = env_str(name, default)
    if value.lower() not in {choice.lower() for choice in choices}:
        raise _refuse(name, value, "one of " + ", ".join(choices))
    return value.lower()


def env_prefixed(prefix: str) -> dict[str, str]:
    """Every set variable named ``prefix`` + NAME, as {NAME: value}."""
    return {
        name[len(prefix) :]: value
        for name in sorted(os.environ)
        if name.startswith(prefix) and (value := env_str(name))
    }
