"""The list filters' controls, written by ``filter_control`` rather than by
Django's widget templates, are the same controls Django would render."""

from html.parser import HTMLParser

import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from articles.public.filters import ArticleFilter
from articles.public.templatetags.newsroom_public import filter_control
from tests.factories import make_author

pytestmark = pytest.mark.django_db


class _Controls(HTMLParser):
    """Each input, select and option with its attributes, in document order."""

    def __init__(self, html):
        super().__init__()
        self.found = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, sorted(attrs)))

    def handle_data(self, data):
        if data.strip():
            self.found.append(("text", data.strip()))


def _both(data, *, fixed_kind=False):
    form = ArticleFilter(data, fixed_kind=fixed_kind).form
    form.is_valid()
    for field in form:
        yield field.name, _Controls(filter_control(field)), _Controls(str(field))


BOUND = [
    {},
    {"kind": "brief", "tag": "港股", "company": "騰訊", "exchange": "HK"},
    {"author": "chan", "date_from": "2026-01-02", "date_to": "not a date"},
    {"author": "nobody", "exchange": "XX", "kind": "opinion"},
    {"tag": '"><script>alert(1)</script>', "company": "a&b<c>"},
]


@pytest.mark.parametrize("data", BOUND)
@pytest.mark.parametrize("language", ["zh-hant", "zh-hans", "en"])
def test_controls_are_djangos_own(data, language):
    make_author(name="陳記者", slug="chan")
    make_author(name="李編輯", slug="lee")
    with translation.override(language):
        for name, ours, djangos in _both(data):
            assert ours.found == djangos.found, name


def test_an_invalid_date_points_at_its_message(client):
    html = client.get("/articles/?date_from=not-a-date").content.decode()
    assert 'aria-describedby="id_date_from_error"' in html
    assert '<p class="field-error" id="id_date_from_error" role="alert">' in html


@settings(max_examples=60, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(
            ["kind", "tag", "company", "exchange", "author", "date_from", "date_to"]
        ),
        st.text(max_size=12),
        max_size=4,
    )
)
def test_any_query_string_gives_djangos_controls(data):
    for name, ours, djangos in _both(data, fixed_kind=True):
        assert ours.found == djangos.found, name
