"""Environment variables: a bad value is refused with its name and what was expected."""

import pytest

from newsroom.env import (
    BadEnvironmentVariable,
    env_bool,
    env_choice,
    env_int,
    env_list,
    env_str,
)


def test_a_number_with_a_unit_names_the_variable_and_the_expected_form(monkeypatch):
    monkeypatch.setenv("PAGE_CACHE_SECONDS", "6h")
    with pytest.raises(BadEnvironmentVariable) as refused:
        env_int("PAGE_CACHE_SECONDS", 21600, unit="seconds")
    assert str(refused.value) == (
        "PAGE_CACHE_SECONDS='6h': expected a whole number of seconds, e.g. 21600"
    )


def test_unset_or_blank_means_the_default(monkeypatch):
    monkeypatch.delenv("NEWSROOM_TEST_VALUE", raising=False)
    assert env_int("NEWSROOM_TEST_VALUE", 5) == 5
    monkeypatch.setenv("NEWSROOM_TEST_VALUE", "  ")
    assert env_int("NEWSROOM_TEST_VALUE", 5) == 5
    assert env_str("NEWSROOM_TEST_VALUE", "x") == "x"
    assert env_bool("NEWSROOM_TEST_VALUE", True) is True


def test_numbers_below_the_minimum_are_refused(monkeypatch):
    monkeypatch.setenv("EMAIL_TIMEOUT", "-1")
    with pytest.raises(BadEnvironmentVariable, match="EMAIL_TIMEOUT='-1'.*at least 0"):
        env_int("EMAIL_TIMEOUT", 30, unit="seconds")


def test_switches_accept_the_usual_words_and_refuse_the_rest(monkeypatch):
    for word, expected in [("YES", True), ("on", True), ("0", False), ("off", False)]:
        monkeypatch.setenv("DEBUG", word)
        assert env_bool("DEBUG") is expected
    monkeypatch.setenv("DEBUG", "maybe")
    with pytest.raises(BadEnvironmentVariable, match="DEBUG='maybe': expected 1, true"):
        env_bool("DEBUG")


def test_lists_and_choices(monkeypatch):
    monkeypatch.setenv("ALLOWED_HOSTS", " a.example, ,b.example ")
    assert env_list("ALLOWED_HOSTS") == ["a.example", "b.example"]
    monkeypatch.setenv("LOG_FORMAT", "xml")
    with pytest.raises(BadEnvironmentVariable, match="expected one of plain, json"):
        env_choice("LOG_FORMAT", "json", ["plain", "json"])
