"""The company admin: search by alias and ticker, coverage counts, merging."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from companies.merging import merge_companies
from companies.models import Company, Ticker
from tests.factories import make_article, make_company, make_live_article

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:companies_company_changelist")


def listed(response):
    return {c.name for c in response.context["cl"].result_list}


def test_search_finds_company_by_chinese_alias(editor_client):
    make_company(name="金融壹賬通", aliases=["壹賬通", "OneConnect"])
    make_company(name="騰訊控股", aliases=["騰訊"])
    assert listed(editor_client.get(CHANGELIST, {"q": "壹賬通"})) == {"金融壹賬通"}
    assert listed(editor_client.get(CHANGELIST, {"q": "oneconn"})) == {"金融壹賬通"}


@pytest.mark.parametrize("spelling", ["853.hk", "0853.HK", "00853.hk", "0853", "853"])
def test_search_finds_company_by_ticker_in_any_spelling(editor_client, spelling):
    make_company("0853.HK", name="微創醫療")
    make_company("0700.HK", name="騰訊控股")
    assert listed(editor_client.get(CHANGELIST, {"q": spelling})) == {"微創醫療"}


def test_search_by_us_ticker_in_lower_case(editor_client):
    make_company("OCFT.US", "6638.HK", name="金融壹賬通")
    response = editor_client.get(CHANGELIST, {"q": "nyse:ocft".split(":")[1] + ".us"})
    assert listed(response) == {"金融壹賬通"}


def test_coverage_column_counts_live_linked_articles_without_extra_queries(
    editor_client, django_assert_max_num_queries
):
    busy = make_company("0700.HK", "TCEHY.US", name="騰訊控股")
    quiet = make_company(name="微創醫療")
    for _ in range(3):
        make_live_article().companies.add(busy)
    # Unpublished copy moves no count (issue 17: writers see this column).
    make_article().companies.add(busy, quiet)
    for n in range(10):
        make_company(f"{n + 1}.HK")
    response = editor_client.get(CHANGELIST, {"o": "-4"})
    counts = {c.name: c.coverage_count for c in response.context["cl"].result_list}
    assert counts[busy.name] == 3 and counts[quiet.name] == 0
    assert response.context["cl"].result_list[0] == busy  # sorted by coverage
    assert "coverage" in response.content.decode()
    with django_assert_max_num_queries(15):
        editor_client.get(CHANGELIST)


def test_merge_through_the_admin_keeps_every_link_and_ticker(editor_client):
    keep = make_company("6638.HK", name="金融壹賬通", name_en="", aliases=["壹賬通"])
    dup = make_company("OCFT.US", name="壹賬通金融科技", name_en="OneConnect")
    both, only_keep, only_dup = make_article(), make_article(), make_article()
    both.companies.add(keep, dup)
    only_keep.companies.add(keep)
    only_dup.companies.add(dup)
    selected = {"action": "merge_selected", ACTION_CHECKBOX_NAME: [keep.pk, dup.pk]}

    confirm = editor_client.post(CHANGELIST, {**selected, "index": 0})
    assert confirm.status_code == 200
    assert confirm.templates[0].name == "admin/companies/merge.html"
    assert "金融壹賬通" in confirm.content.decode()
    assert Company.objects.count() == 2

    done = editor_client.post(CHANGELIST, {**selected, "post": "yes", "keep": keep.pk})
    assert done.status_code == 302
    assert list(Company.objects.all()) == [keep]
    keep.refresh_from_db()
    assert {a.pk for a in keep.articles.all()} == {both.pk, only_keep.pk, only_dup.pk}
    assert keep.articles.through.objects.count() == 3
    assert sorted(str(t) for t in Ticker.objects.all()) == ["6638.HK", "OCFT.US"]
    assert all(t.company_id == keep.pk for t in Ticker.objects.all())
    assert keep.aliases == ["壹賬通", "壹賬通金融科技", "OneConnect"]
    assert keep.name_en == "OneConnect"


def test_writer_cannot_merge_companies(writer_client):
    first = make_company("0853.HK", name="微創醫療")
    second = make_company(name="微創醫療科學")
    response = writer_client.post(
        CHANGELIST,
        {
            "action": "merge_selected",
            ACTION_CHECKBOX_NAME: [first.pk, second.pk],
            "post": "yes",
            "keep": first.pk,
        },
    )
    assert response.status_code in (302, 403) or b"merge" not in response.content
    assert Company.objects.count() == 2
    assert Ticker.objects.get().company == first


def test_writer_is_not_offered_the_merge_action(writer_client):
    make_company(name="微創醫療")
    response = writer_client.get(CHANGELIST)
    assert response.status_code == 200
    assert "merge_selected" not in response.content.decode()


def test_merge_companies_moves_links_of_several_duplicates():
    keep = make_company("2202.HK", name="萬科企業")
    first = make_company("000002.SZ", name="萬科")
    second = make_company(name="China Vanke", name_en="China Vanke")
    articles = [make_article() for _ in range(4)]
    articles[0].companies.add(keep, first, second)
    articles[1].companies.add(first)
    articles[2].companies.add(second)
    merge_companies(keep, [first, second, keep])
    assert list(Company.objects.all()) == [keep]
    assert set(keep.articles.all()) == set(articles[:3])
    assert keep.tickers.count() == 2
