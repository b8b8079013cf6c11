"""Long commands say how far they are: count, rate and time left."""

import io

import pytest
from django.core.management import call_command

from articles.models import SearchDocument
from newsroom.progress import Progress
from tests.factories import make_article
from tests.terminal import FakeClock, FakeTerminal


def test_a_terminal_gets_one_line_redrawn_with_count_rate_and_time_left():
    out, clock = FakeTerminal(), FakeClock()
    progress = Progress(out, "Indexing articles", total=1000, clock=clock)
    clock.tick(2)
    progress.advance(200)
    clock.tick(2)
    progress.advance(200)
    progress.finish()
    text = out.getvalue()
    assert "\rIndexing articles: 200/1,000 (20%), 100/s, 8 s left" in text
    assert "\rIndexing articles: 400/1,000 (40%), 100/s, 6 s left" in text
    # The last line covers the longer one before it, and ends the line.
    assert text.endswith("\rIndexing articles: 400 in 4 s (100/s)" + " " * 14 + "\n")
    assert text.count("\n") == 1


def test_a_log_gets_a_line_every_few_seconds_and_no_carriage_returns():
    out, clock = io.StringIO(), FakeClock()
    progress = Progress(out, "Sending", total=100, clock=clock, interval=5)
    for _ in range(10):
        clock.tick(1)
        progress.advance(1)
    progress.finish()
    lines = out.getvalue().splitlines()
    assert "\r" not in out.getvalue()
    assert lines == [
        "Sending: 5/100 (5%), 1.0/s, 1 min 35 s left",
        "Sending: 10/100 (10%), 1.0/s, 1 min 30 s left",
        "Sending: 10 in 10 s (1/s)",
    ]


def test_verbosity_zero_prints_nothing():
    out, clock = FakeTerminal(), FakeClock()
    with Progress(out, "Backing up", total=10, verbosity=0, clock=clock) as progress:
        clock.tick(10)
        progress.advance(10)
    assert out.getvalue() == ""


def test_an_interruption_says_where_it_stopped():
    out = io.StringIO()
    with pytest.raises(KeyboardInterrupt):
        with Progress(out, "Indexing articles", total=10) as progress:
            progress.advance(3)
            raise KeyboardInterrupt
    assert out.getvalue() == "Indexing articles: stopped after 3\n"


@pytest.mark.django_db
def test_rebuild_search_index_shows_progress_on_a_terminal_and_resumes():
    articles = [make_article(headline=f"新聞 {n}") for n in range(5)]
    SearchDocument.objects.all().delete()
    out = FakeTerminal()
    call_command("rebuild_search_index", after=articles[1].pk, batch_size=2, stdout=out)
    assert out.getvalue().startswith("\r") and "Indexing articles: 3" in out.getvalue()
    indexed = set(SearchDocument.objects.values_list("article_id", flat=True))
    assert indexed == {article.pk for article in articles[2:]}
    call_command("rebuild_search_index", stdout=io.StringIO(), verbosity=0)
    assert SearchDocument.objects.count() == 5


@pytest.mark.django_db
def test_rebuild_search_index_says_how_to_resume_when_stopped(monkeypatch):
    from articles.search import indexing

    articles = [make_article(headline=f"新聞 {n}") for n in range(4)]
    written = []

    def write_then_fail(documents):
        if written:
            raise KeyboardInterrupt
        written.extend(documents)

    monkeypatch.setattr(
        indexing,
        "get_backend",
        lambda: type("B", (), {"write": staticmethod(write_then_fail)}),
    )
    err = io.StringIO()
    with pytest.raises(KeyboardInterrupt):
        call_command(
            "rebuild_search_index", batch_size=2, stdout=io.StringIO(), stderr=err
        )
    assert f"rebuild_search_index --after {articles[1].pk}" in err.getvalue()
