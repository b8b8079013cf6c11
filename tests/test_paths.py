"""newsroom.paths.path() gives what reverse() gives, in every language and
under any script prefix, and refuses what reverse() refuses."""

import pytest
from django.conf import settings
from django.urls import NoReverseMatch, reverse, set_script_prefix
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from newsroom.paths import SECTIONS, feeds, here, path, sections

slugs = st.text(alphabet="abcxyz-_0189ABZ", min_size=1, max_size=30) | st.sampled_from(
    ["0700-hk", "teng-xun-kong-gu", "slug-marker-7f3a"]
)
pks = st.integers(min_value=0, max_value=10**12)
languages = st.sampled_from([code for code, _name in settings.LANGUAGES])
prefixes = st.sampled_from(["/", "/news/", "/a/b/"])


@pytest.fixture(autouse=True)
def script_prefix():
    yield
    set_script_prefix("/")


@given(languages, prefixes, pks, slugs)
def test_same_as_reverse(language, prefix, pk, slug):
    set_script_prefix(prefix)
    with translation.override(language):
        for name, kwargs in (
            ("articles:detail", {"pk": pk, "slug": slug}),
            ("articles:detail", {"pk": pk}),
            ("companies:detail", {"slug": slug}),
            ("articles:author", {"slug": slug}),
        ):
            assert path(name, **kwargs) == reverse(name, kwargs=kwargs)
            assert here()(name, **kwargs) == reverse(name, kwargs=kwargs)


@given(st.text(min_size=1, max_size=10).filter(lambda s: not s.isascii() or "/" in s))
def test_a_value_the_pattern_refuses_raises_as_reverse_does(slug):
    with pytest.raises(NoReverseMatch):
        reverse("companies:detail", kwargs={"slug": slug})
    with pytest.raises(NoReverseMatch):
        path("companies:detail", slug=slug)


def test_a_negative_key_raises_as_reverse_does():
    with pytest.raises(NoReverseMatch):
        path("articles:detail", pk=-1)


@given(languages, prefixes, slugs)
def test_sections_and_feeds_are_what_reverse_gives(language, prefix, slug):
    set_script_prefix(prefix)
    with translation.override(language):
        assert sections() == {key: reverse(name) for key, name in SECTIONS.items()}
        for kind in ("company", "tag", "author"):
            assert feeds(kind, slug) == {
                form: reverse(f"feed-{kind}-{form}", kwargs={"slug": slug})
                for form in ("rss", "atom")
            }
