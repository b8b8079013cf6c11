"""Tag strings as editors type them: Chinese punctuation separates, spaces do not;
one tag in two scripts (醫藥 / 医药) is one tag."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st
from taggit.models import Tag
from taggit.utils import edit_string_for_tags as taggit_edit_string
from taggit.utils import parse_tags as taggit_parse

from articles import workflow
from articles.models import Article
from articles.tagging import (
    SEPARATORS_RE,
    edit_string_for_tags,
    existing_spelling,
    fold_tag,
    match_existing_tags,
    parse_tags,
    spelling_pattern,
    tags_spelled_like,
)
from tests.articles.test_workflow import admin_post_data
from tests.factories import make_article, make_editor


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
        "央行",
        "『x』",
        "降准",
        "QE",
    ]


@pytest.mark.parametrize("text", ["&", "{{", "--", "&, !!", "+++，、"])
def test_names_of_punctuation_alone_are_no_tags(text):
    # They slugify to nothing: a tag without a slug has no page.
    assert parse_tags(text) == []
    assert parse_tags(f"{text}, 央行") == ["央行"]


def test_tags_keep_the_order_they_were_typed_in():
    assert parse_tags("b, a, c") == ["b", "a", "c"]
    assert parse_tags("光伏，儲能、電動車") == ["光伏", "儲能", "電動車"]


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


def test_taggit_writes_tags_back_joined_by_commas_in_the_order_given():
    tags = [Tag(name="降准"), Tag(name="央行"), Tag(name="Hang Seng Index")]
    expected = "降准, 央行, Hang Seng Index"
    assert taggit_edit_string(tags) == expected
    assert edit_string_for_tags(tags) == expected


@pytest.mark.django_db
def test_tags_keep_the_typed_order_in_the_form_and_on_the_page(editor_client, client):
    article = make_article()
    workflow.apply("publish", article, by=make_editor())
    url = reverse("admin:articles_article_change", args=[article.pk])
    # The same tags typed again in another order: the new order counts.
    for typed in [
        "降准，央行、Hang Seng Index；電動車",
        "電動車、Hang Seng Index，央行，降准",
    ]:
        article.refresh_from_db()
        response = editor_client.post(url, admin_post_data(article, tags=typed))
        assert response.status_code == 302
        names = parse_tags(typed)
        assert list(article.tags.names()) == names
        assert ", ".join(names) in editor_client.get(url).content.decode()
        page = client.get(article.get_absolute_url()).content.decode()
        assert re.findall(r'class="tag"[^>]*>#([^<]+)<', page) == names


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


# --- one tag in two scripts --------------------------------------------------


@pytest.mark.parametrize(
    ("traditional", "simplified"),
    [("醫藥", "医药"), ("電動車", "电动车"), ("匯豐", "汇丰"), ("儲能", "储能")],
)
def test_both_scripts_fold_to_one_form(traditional, simplified):
    assert fold_tag(traditional) == fold_tag(simplified) == simplified


def test_fold_also_ignores_case_and_width():
    assert fold_tag("ＨＳＢＣ") == fold_tag("Hsbc") == "hsbc"


def test_fold_of_a_chained_character_reaches_its_end():
    # OpenCC folds 薴 to 苧 and 苧 to 苎, one step at a time.
    assert fold_tag("薴") == fold_tag("苧") == fold_tag("苎") == "苎"


def test_one_tag_typed_in_two_scripts_is_parsed_once_first_spelling_wins():
    assert parse_tags("醫藥、医药，电动车；電動車") == ["醫藥", "电动车"]


def test_spelling_pattern_matches_every_spelling_and_nothing_else():
    import re

    pattern = re.compile(f"^{spelling_pattern('医药')}$")
    assert all(pattern.match(name) for name in ["醫藥", "医药", "醫药", "医葯"])
    assert not pattern.match("醫學")
    # ASCII punctuation is literal in both databases' regular expressions.
    odd = re.compile(f"^{spelling_pattern('a.b(c)[d]^$|*+?{1}')}$")
    assert odd.match("a.b(c)[d]^$|*+?{1}")
    assert odd.match("Ａ.b(C)[d]^$|*+?{1}")
    assert not odd.match("axb(c)[d]^$|*+?{1}")


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["醫藥", "医药", "醫药"])
def test_tags_spelled_like_finds_the_tag_in_any_script(typed):
    make_article().tags.set(["醫藥", "醫學"])
    assert [t.name for t in tags_spelled_like(typed)] == ["醫藥"]
    assert [t.name for t in tags_spelled_like("医", match="prefix")] == [
        "醫學",
        "醫藥",
    ]
    assert [t.name for t in tags_spelled_like("药", match="contains")] == ["醫藥"]


@pytest.mark.django_db
def test_odd_characters_in_a_tag_lookup_are_no_regular_expression():
    make_article().tags.set(["a.b", "C++", "[x]", "Hang Seng Index", "A-Share"])
    assert [t.name for t in tags_spelled_like("c++")] == ["C++"]
    assert [t.name for t in tags_spelled_like("hang seng index")] == ["Hang Seng Index"]
    assert [t.name for t in tags_spelled_like("ａ－share")] == ["A-Share"]
    assert [t.name for t in tags_spelled_like("Seng", match="contains")] == [
        "Hang Seng Index"
    ]
    assert [t.name for t in tags_spelled_like("axb")] == []
    assert [t.name for t in tags_spelled_like("[X]")] == ["[x]"]


@pytest.mark.django_db
def test_a_tag_typed_in_the_other_script_is_the_existing_tag():
    make_article().tags.set(["醫藥", "電動車"])
    names, replaced = match_existing_tags(["医药", "光伏", "电动车", "電動車"])
    assert names == ["醫藥", "光伏", "電動車"]
    assert replaced == [("医药", "醫藥"), ("电动车", "電動車")]


@pytest.mark.django_db
def test_among_twins_from_before_the_exact_name_wins_then_the_most_used():
    make_article().tags.set(["醫藥"])
    make_article().tags.set(["医药"])
    make_article().tags.set(["医药"])
    assert existing_spelling("醫藥") == "醫藥"
    assert existing_spelling("医药") == "医药"
    assert existing_spelling("醫药") == "医药"
    assert existing_spelling("光伏") is None


@pytest.mark.django_db
def test_saving_the_form_maps_the_other_script_to_the_existing_tag(editor_client):
    make_article().tags.set(["電動車", "儲能"])
    article = make_article()
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = admin_post_data(article, tags="光伏，储能、电动车；電動車")
    response = editor_client.post(url, data, follow=True)
    assert response.redirect_chain
    assert sorted(article.tags.names()) == sorted(["光伏", "儲能", "電動車"])
    assert sorted(Tag.objects.values_list("name", flat=True)) == sorted(
        ["光伏", "儲能", "電動車"]
    )
    said = [str(m) for m in response.context["messages"]]
    assert any("储能" in m and "儲能" in m for m in said), said
    assert any("电动车" in m and "電動車" in m for m in said), said
    assert "电动车" in response.content.decode()  # shown on the page
    # Nothing to say when the tags were typed as they exist.
    article.refresh_from_db()
    response = editor_client.post(url, admin_post_data(article), follow=True)
    said = [str(m) for m in response.context["messages"]]
    assert said and not any("existing tag" in m for m in said), said


@pytest.mark.django_db
def test_imported_hashtags_in_the_other_script_are_the_existing_tags():
    from articles.importing.report import FileReport
    from articles.importing.storing import ImportOptions, import_text

    make_article().tags.set(["電動車", "醫藥"])
    copy = (
        "簡訊：示例車企上調交付目標\n\n"
        "示例車企周一表示，將全年交付目標上調一成，新車型下月開始交付。\n\n"
        "#电动车 #医药 #出海\n"
    )
    report = import_text(copy, FileReport("wire.txt"), ImportOptions())
    (article,) = [Article.objects.get(pk=r.article_id) for r in report.created]
    assert sorted(article.tags.names()) == sorted(["電動車", "醫藥", "出海"])
    assert Tag.objects.count() == 3


@pytest.mark.django_db
def test_suggestions_offer_the_existing_tag_for_the_other_script(editor_client):
    make_article().tags.set(["電動車", "電動車電池", "醫藥"])
    make_article().tags.set(["電動車"])
    url = reverse("admin:articles_tag_suggest")

    data = editor_client.get(url, {"q": "电动"}).json()
    assert data == {"results": ["電動車", "電動車電池"], "existing": None}
    data = editor_client.get(url, {"q": "电动车"}).json()
    assert data == {"results": ["電動車", "電動車電池"], "existing": "電動車"}
    data = editor_client.get(url, {"q": "車"}).json()
    assert data["results"] == ["電動車", "電動車電池"]
    assert editor_client.get(url, {"q": "電動車"}).json()["existing"] is None
    assert editor_client.get(url, {"q": "药"}).json()["results"] == ["醫藥"]


@pytest.mark.django_db
# (A NUL is refused before the view: tests/security/test_control_characters.py.)
@pytest.mark.parametrize("query", ["", "  ", "(", "a\\", "[", "%", "_"])
def test_odd_suggestion_queries_answer_without_error(editor_client, query):
    make_article().tags.set(["醫藥"])
    url = reverse("admin:articles_tag_suggest")
    response = editor_client.get(url, {"q": query})
    assert response.status_code == 200
    assert response.json()["results"] == []


@pytest.mark.django_db
def test_suggestions_are_for_the_desk_only(writer_client):
    url = reverse("admin:articles_tag_suggest")
    assert Client().get(url, {"q": "醫"}).status_code == 302
    assert writer_client.get(url, {"q": "醫"}).status_code == 200


def test_tag_field_offers_the_other_script_note_through_data_attributes():
    from django.contrib.admin.sites import site

    from articles.models import Article

    field = site._registry[Article].formfield_for_dbfield(
        Article._meta.get_field("tags"), request=None
    )
    attrs = field.widget.attrs
    assert attrs["data-suggest-url"] == reverse("admin:articles_tag_suggest")
    assert "%(name)s" in str(attrs["data-existing-message"])
    assert "%(name)s" in str(attrs["data-use-label"])


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
def test_parsed_names_are_unique_ignoring_case_and_script(text):
    names = parse_tags(text)
    assert len({fold_tag(name) for name in names}) == len(names)
    assert len({name.casefold() for name in names}) == len(names)


@settings(max_examples=200)
@given(_tag_text)
def test_parsing_the_joined_tags_gives_the_same_tags(text):
    names = parse_tags(text)
    assert parse_tags(", ".join(names)) == names


# A tag name as parse_tags keeps it: no separator, no stripped character at
# either end, single spaces, something a slug can be made of.
_name = (
    st.text(
        st.one_of(
            st.sampled_from(list("醫藥医药電動車电动车光伏儲能储能央行降准薴苧苎")),
            st.characters(
                blacklist_categories=["Cs", "Cc", "Zl", "Zp"],
                blacklist_characters=",，、;；\n\r\"'「」\u3000",
            ),
        ),
        min_size=1,
        max_size=12,
    )
    .map(lambda name: " ".join(name.split()))
    .filter(lambda name: parse_tags(name) == [name])
)
_separator = st.sampled_from(["，", "、", "；", ";", ",", "\n", "\r\n", " ， ", "，，"])


@settings(max_examples=200)
@given(st.lists(_name, max_size=8), st.data())
def test_parsing_keeps_the_typed_order_and_every_separator_splits(names, data):
    separators = data.draw(
        st.lists(_separator, min_size=len(names), max_size=len(names))
    )
    text = "".join(name + sep for name, sep in zip(names, separators, strict=True))
    first_spellings = {}
    for name in names:
        first_spellings.setdefault(fold_tag(name), name)
    assert parse_tags(text) == list(first_spellings.values())
    for name in parse_tags(text):
        assert name


@settings(max_examples=200)
@given(_name, _separator, _name)
def test_any_separator_between_two_tags_splits_them(first, separator, second):
    expected = [first] if fold_tag(first) == fold_tag(second) else [first, second]
    assert parse_tags(first + separator + second) == expected


@settings(max_examples=300)
@given(st.text())
def test_folding_is_idempotent_and_keeps_the_length(text):
    folded = fold_tag(text)
    assert fold_tag(folded) == folded
    assert len(folded) == len(text)
