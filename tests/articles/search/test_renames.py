"""Names in the index: a company, ticker, author or tag changed where editors
change it (the admins, a merge, the CSV load) reaches the search documents of
the articles naming it, on the next request, through one explicit call
(newsroom.public_content.changed); no model signal does it."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models.fields.files import FieldFile
from django.test import Client
from django.urls import reverse
from taggit.models import Tag

from articles.models import Author
from companies.models import Company, Ticker
from tests.factories import make_author, make_company, make_live_article

pytestmark = pytest.mark.django_db

HEADLINE = "季度業績公布"


def found(query) -> bool:
    """Whether the public search page, asked anonymously, lists the article."""
    response = Client().get(reverse("articles:search"), {"q": query})
    assert response.status_code == 200
    html = response.content.decode()
    return "search-results" in html and HEADLINE in html.split("search-results")[1]


def posted_back(client, url, **changes) -> dict:
    """The admin form at ``url`` as it would be posted back unchanged (its
    inlines too), with ``changes``."""
    response = client.get(url)
    assert response.status_code == 200
    forms = [response.context["adminform"].form]
    data = {}
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        forms += formset.forms
        management = formset.management_form
        data |= {management.add_prefix(k): v for k, v in management.initial.items()}
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False or isinstance(value, FieldFile):
                continue  # as a browser sends them: left out
            data[form.add_prefix(name)] = value
    return data | changes


def change(client, model, obj, **changes):
    """Save ``obj`` through its admin change form, with ``changes``."""
    opts = model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    response = client.post(url, posted_back(client, url, **changes))
    assert response.status_code == 302, response.context["adminform"].form.errors


@pytest.fixture
def article(indexed):
    with indexed():
        company = make_company("0836.HK", name="華潤電力", name_en="CR Power")
        author = make_author(name="區志明")
        article = make_live_article(
            headline=HEADLINE, body="<p>營業額按年上升。</p>", authors=[author]
        )
        article.companies.add(company)
        article.tags.add("氫能源")
    return article


def test_the_article_is_found_by_each_name_to_begin_with(article):
    for name in ("華潤電力", "CR Power", "0836.HK", "區志明", "氫能源"):
        assert found(name), name
    assert not found("粵海投資")


def test_renaming_a_company_in_the_admin(article, editor_client, indexed):
    assert found("華潤電力")  # and the anonymous page is kept
    company = article.companies.get()
    with indexed():
        change(editor_client, Company, company, name="粵海投資", name_en="")
    assert found("粵海投資") and found("粤海投资")
    assert not found("華潤電力") and not found("CR Power")


def test_changing_a_ticker_inside_the_company_admin(article, editor_client, indexed):
    company = article.companies.get()
    with indexed():
        change(editor_client, Company, company, **{"tickers-0-symbol": "1038"})
    assert found("1038.HK") and not found("0836.HK")


def test_deleting_a_ticker_inside_the_company_admin(article, editor_client, indexed):
    company = article.companies.get()
    with indexed():
        change(editor_client, Company, company, **{"tickers-0-DELETE": "on"})
    assert not Ticker.objects.exists()
    assert not found("0836.HK") and found("華潤電力")


def test_renaming_a_ticker_in_the_ticker_admin(article, editor_client, indexed):
    ticker = Ticker.objects.get()
    with indexed():
        change(editor_client, Ticker, ticker, symbol="1038")
    assert found("1038.HK") and not found("0836.HK")


def test_moving_a_ticker_to_another_company(article, editor_client, indexed):
    other = make_company(name="粵海投資")
    with indexed():
        other_article = make_live_article(headline="粵海投資公告")
        other_article.companies.add(other)
        change(editor_client, Ticker, Ticker.objects.get(), company=other.pk)
    assert not found("0836.HK")
    response = Client().get(reverse("articles:search"), {"q": "0836.HK"})
    assert "粵海投資公告" in response.content.decode()


def test_renaming_an_author_in_the_admin(article, editor_client, indexed):
    author = Author.objects.get(name="區志明")
    with indexed():
        change(editor_client, Author, author, name="歐陽志明")
    assert found("歐陽志明") and not found("區志明")


def test_renaming_a_tag_in_the_admin(article, editor_client, indexed):
    tag = Tag.objects.get(name="氫能源")
    with indexed():
        change(editor_client, Tag, tag, name="儲能")
    assert found("儲能") and not found("氫能源")


def test_deleting_a_tag_in_the_admin(article, admin_client, indexed):
    tag = Tag.objects.get(name="氫能源")
    url = reverse("admin:taggit_tag_delete", args=[tag.pk])
    with indexed():
        response = admin_client.post(url, {"post": "yes"})
    assert response.status_code == 302
    assert not Tag.objects.exists()
    assert not found("氫能源") and found("華潤電力")


def test_deleting_a_company_in_the_admin(article, admin_client, indexed):
    company = article.companies.get()
    url = reverse("admin:companies_company_delete", args=[company.pk])
    with indexed():
        response = admin_client.post(url, {"post": "yes"})
    assert response.status_code == 302
    assert not found("華潤電力") and not found("0836.HK") and found("區志明")


def test_an_author_on_a_byline_cannot_be_deleted(article, admin_client, indexed):
    # Bylines protect their author: the name stays in the article's document.
    author = Author.objects.get(name="區志明")
    url = reverse("admin:articles_author_delete", args=[author.pk])
    with indexed():
        admin_client.post(url, {"post": "yes"})
    assert Author.objects.filter(pk=author.pk).exists()
    assert found("區志明")


def test_merging_companies_in_the_admin(article, editor_client, indexed):
    keep = make_company("6638.HK", name="金融壹賬通")
    dup = article.companies.get()
    changelist = reverse("admin:companies_company_changelist")
    with indexed():
        response = editor_client.post(
            changelist,
            {
                "action": "merge_selected",
                "_selected_action": [keep.pk, dup.pk],
                "post": "yes",
                "keep": keep.pk,
            },
        )
    assert response.status_code == 302
    assert list(Company.objects.all()) == [keep]
    # The article now names the company it was merged into, all its tickers.
    assert found("6638.HK") and found("0836.HK") and found("金融壹賬通")


def test_loading_companies_from_csv(article, tmp_path, indexed):
    path = tmp_path / "companies.csv"
    path.write_text(
        "exchange,symbol,name_zh_hant,name_en,aliases\n"
        "HK,0836,華潤電力,China Resources Power,華電|CRP\n"
        "SZ,000836,華潤電力,,\n",
        "utf-8",
    )
    assert not found("CRP")
    with indexed():
        call_command("load_companies", str(path), stdout=StringIO())
    assert found("CRP") and found("China Resources Power") and found("000836.SZ")


def test_a_dry_run_of_the_csv_load_changes_no_document(article, tmp_path, indexed):
    path = tmp_path / "companies.csv"
    path.write_text(
        "exchange,symbol,name_zh_hant,name_en,aliases\nHK,0836,華潤電力,,CRP\n",
        "utf-8",
    )
    with indexed():
        call_command("load_companies", str(path), "--dry-run", stdout=StringIO())
    assert not found("CRP")


def test_merging_tags_in_the_tag_admin(article, editor_client, indexed):
    tag = Tag.objects.get(name="氫能源")
    other = Tag.objects.create(name="氫能")
    changelist = reverse("admin:taggit_tag_changelist")
    editor_client.post(
        changelist,
        {"action": "render_tag_form", "_selected_action": [tag.pk, other.pk]},
    )
    with indexed():
        response = editor_client.post(
            reverse("admin:taggit_tag_merge_tags"), {"new_tag_name": "綠色能源"}
        )
    assert response.status_code == 302
    assert list(article.tags.names()) == ["綠色能源"]
    assert found("綠色能源") and not found("氫能源")


@pytest.mark.django_db(transaction=True)
def test_deleting_tags_with_the_changelist_action_reindexes_after_the_delete(
    admin_client,
):
    # Committed for real: the reindex must wait for the delete's commit.
    article = make_live_article(headline=HEADLINE, body="<p>營業額按年上升。</p>")
    article.tags.add("氫能源")
    from articles.search import index_article

    index_article(article.pk)
    assert found("氫能源")
    tag = Tag.objects.get()
    response = admin_client.post(
        reverse("admin:taggit_tag_changelist"),
        {"action": "delete_selected", "_selected_action": [tag.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not Tag.objects.exists()
    assert not found("氫能源")


def test_only_who_may_change_tags_may_merge_them(article, writer_client):
    tag = Tag.objects.get(name="氫能源")
    other = Tag.objects.create(name="氫能")
    changelist = reverse("admin:taggit_tag_changelist")
    assert "render_tag_form" not in writer_client.get(changelist).content.decode()
    writer_client.post(
        changelist,
        {"action": "render_tag_form", "_selected_action": [tag.pk, other.pk]},
    )
    session = writer_client.session
    session["selected_tag_ids"] = f"{tag.pk},{other.pk}"
    session.save()
    merge = reverse("admin:taggit_tag_merge_tags")
    assert writer_client.get(merge).status_code == 403
    assert writer_client.post(merge, {"new_tag_name": "綠色能源"}).status_code == 403
    assert list(article.tags.names()) == ["氫能源"]
    assert not Tag.objects.filter(name="綠色能源").exists()
