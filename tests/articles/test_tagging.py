"""Tag strings as editors type them: Chinese punctuation separates, spaces do not."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from taggit.models import Tag
from taggit.utils import edit_string_for_tags as taggit_edit_string
from taggit.utils import parse_tags as taggit_parse

from articles.tagging import SEPARATORS_RE, edit_string_for_tags, parse_tags
from tests.factories import make_article


@pytest.mark.parametrize(
    "text",
    [
        "央行，降准",
        "央行、降准",
        "央行；降准",
        "央行;降准",
        "央行,降准",
        "央行\n降准",
        "央行\r\n降准",
        "央行 ， 降准",
        "，央行，，降准，",
    ],
)
def test_each_separator_splits_tags(text):
    assert parse_tags(text) == ["央行", "降准"]


def test_spaces_inside_english_tags_are_kept():
    assert parse_tags("Hang Seng Index, 恒指") == ["Hang Seng Index", "恒指"]


def test_runs_of_spaces_inside_a_tag_become_one():
    assert parse_tags("Hang   Seng\tIndex\u3000") == ["Hang Seng Index"]


def test_duplicates_are_dropped_ignoring_case_first_spelling_wins():
    assert parse_tags("HSBC、hsbc，Hsbc；匯豐、匯豐") == ["HSBC", "匯豐"]


def test_corner_brackets_and_quotes_around_a_tag_are_stripped():
    assert parse_tags("「央行」、『x』，\"降准\"，'QE'") == [
        "QE",
        "『x』",
        "央行",
        "降准",
    ]


def test_result_is_sorted():
    assert parse_tags("b, a, c") == ["a", "b", "c"]


@pytest.mark.parametrize("text", ["", None, "，、；", "  ,  ", "「」"])
def test_nothing_but_separators_gives_no_tags(text):
    assert parse_tags(text) == []


def test_long_tag_is_cut_to_tag_name_length():
    (name,) = parse_tags("長" * 150)
    assert name == "長" * 100
    assert len(name) <= Tag._meta.get_field("name").max_length


def test_long_tag_cut_before_a_space_has_no_trailing_space():
    (name,) = parse_tags("a" * 99 + " b")
    assert name == "a" * 99


def test_long_tags_equal_once_cut_are_one_tag():
    assert parse_tags("a" * 100 + "x，" + "a" * 100 + "y") == ["a" * 100]


def test_taggit_uses_our_parser():
    assert taggit_parse("央行，降准") == ["央行", "降准"]
    assert taggit_parse("Hang Seng Index") == ["Hang Seng Index"]


@pytest.mark.django_db
def test_taggit_writes_tags_back_joined_by_commas():
    article = make_article()
    article.tags.set(["降准", "央行", "Hang Seng Index"])
    expected = "Hang Seng Index, 央行, 降准"
    assert taggit_edit_string(article.tags.all()) == expected
    assert edit_string_for_tags(article.tags.all()) == expected


@pytest.mark.django_db
def test_article_tags_set_from_parsed_string():
    article = make_article()
    article.tags.set(parse_tags("「央行」，降准、Hang Seng Index；央行"))
    assert sorted(article.tags.names()) == sorted(["Hang Seng Index", "央行", "降准"])


@pytest.mark.django_db
def test_article_tag_in_another_case_reuses_the_existing_tag():
    make_article().tags.set(parse_tags("HSBC"))
    other = make_article()
    other.tags.set(parse_tags("hsbc，匯豐"))
    assert sorted(other.tags.names()) == ["HSBC", "匯豐"]
    assert Tag.objects.count() == 2


# --- properties ---------------------------------------------------------------

_tag_text = st.one_of(
    st.text(),
    st.lists(
        st.one_of(
            st.sampled_from(
                ["，", "、", "；", ";", ",", "\n", " ", "「", "」", "\u3000"]
            ),
            st.sampled_from(["央行", "降准", "HSBC", "hsbc", "Hang Seng", "QE"]),
            st.text(max_size=3),
        ),
        max_size=20,
    ).map("".join),
    st.text(min_size=95, max_size=130),
)


@settings(max_examples=200)
@given(_tag_text)
def test_parsed_names_are_never_empty_and_never_hold_separators(text):
    for name in parse_tags(text):
        assert name
        assert name == name.strip()
        assert not SEPARATORS_RE.search(name)
        assert len(name) <= 100


@settings(max_examples=200)
@given(_tag_text)
def test_parsed_names_are_unique_ignoring_case(text):
    names = parse_tags(text)
    assert len({name.casefold() for name in names}) == len(names)


@settings(max_examples=200)
@given(_tag_text)
def test_parsing_the_joined_tags_gives_the_same_tags(text):
    names = parse_tags(text)
    assert parse_tags(", ".join(names)) == names
