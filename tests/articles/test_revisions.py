"""Every save keeps a revision; editors compare any two and restore one."""

import pytest
from django.urls import reverse

from articles import editing, revisions, workflow
from articles.models import Article
from tests.articles.test_workflow import admin_post_data
from tests.factories import (
    make_article,
    make_author,
    make_company,
    make_editor,
    make_writer,
)

pytestmark = pytest.mark.django_db


def save_via_admin(client, article, **changes):
    article.refresh_from_db()
    response = client.post(
        reverse("admin:articles_article_change", args=[article.pk]),
        admin_post_data(article, **changes),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    article.refresh_from_db()


def test_each_admin_save_keeps_a_revision_with_tags_companies_and_authors(client):
    editor = make_editor()
    client.force_login(editor)
    author, company = (
        make_author(name="李記者"),
        make_company("0853.HK", name="微創醫療"),
    )
    article = make_article(headline="第一版", authors=[author])
    article.companies.add(company)
    save_via_admin(client, article, tags="醫療，器械")
    save_via_admin(client, article, headline="第二版")

    assert article.revisions.count() == 2
    latest = article.revisions.latest()
    assert latest.version == article.version
    assert latest.created_by == editor
    assert latest.data["headline"] == "第二版"
    assert latest.data["tags"] == ["醫療", "器械"]  # as typed
    assert latest.data["companies"] == [{"id": company.pk, "name": "微創醫療"}]
    assert latest.data["authors"] == [{"id": author.pk, "name": "李記者"}]


def test_transition_without_content_change_adds_no_duplicate_revision():
    editor = make_editor()
    article = make_article()
    revisions.record_revision(article, by=editor)
    workflow.submit(article, by=editor)
    assert article.revisions.count() == 1


def test_compare_shows_readable_changes_of_headline_key_points_and_body():
    old = {
        "headline": "萬科債務談判",
        "key_points": ["一", "二"],
        "body": "<p>甲</p><p>乙</p>",
    }
    new = {
        "headline": "萬科債務重組",
        "key_points": ["一", "三"],
        "body": "<p>甲</p><p>丙</p>",
    }
    changes = {c["name"]: c["rows"] for c in revisions.compare(old, new)}
    assert set(changes) == {"headline", "key_points", "body"}
    assert changes["headline"] == [
        ("changed", "萬科債務<del>談判</del><ins>重組</ins>")
    ]
    assert ("same", "甲") in changes["body"]
    assert ("changed", "<del>乙</del><ins>丙</ins>") in changes["body"]


def test_compare_escapes_html_in_content():
    changes = revisions.compare(
        {"headline": "a"}, {"headline": "<img src=x onerror=alert(1)>"}
    )
    html = "".join(str(h) for _k, h in changes[0]["rows"])
    assert "<img" not in html
    assert "&lt;img" in html


def test_editor_compares_two_revisions_in_admin(client):
    editor = make_editor()
    client.force_login(editor)
    article = make_article(headline="舊標題")
    save_via_admin(client, article)
    save_via_admin(client, article, headline="新標題")
    first, second = article.revisions.order_by("version")
    response = client.get(
        reverse("admin:articles_article_revisions", args=[article.pk]),
        {"a": first.pk, "b": second.pk},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<del>舊</del><ins>新</ins>標題" in html


def test_editor_restores_a_revision_as_a_new_version(client):
    editor = make_editor()
    client.force_login(editor)
    a1, a2 = make_author(), make_author()
    company = make_company("601012.SH")
    article = make_article(headline="原版", authors=[a1, a2])
    article.companies.add(company)
    save_via_admin(client, article, tags="光伏")
    original = article.revisions.latest()
    article.companies.clear()
    save_via_admin(client, article, headline="改壞了", tags="其他")
    article.bylines.filter(author=a1).delete()

    response = client.post(
        reverse("admin:articles_article_restore", args=[article.pk, original.pk])
    )
    assert response.status_code == 302
    article = Article.objects.get(pk=article.pk)
    assert article.headline == "原版"
    assert list(article.tags.names()) == ["光伏"]
    assert list(article.companies.all()) == [company]
    assert article.byline_authors == [a1, a2]
    # The bad version is still there to go back to.
    assert article.revisions.filter(data__headline="改壞了").exists()
    assert str(original.version) in article.revisions.latest().note


def test_restore_keeps_the_status():
    editor = make_editor()
    article = make_article(headline="v1")
    first = revisions.record_revision(article, by=editor)
    workflow.publish(article, by=editor)
    article.headline = "v2"
    article.save()
    editing.restore_revision(article, first, by=editor)
    article.refresh_from_db()
    assert article.headline == "v1"
    assert article.is_live


def test_restore_brings_the_tags_back_in_the_order_typed():
    editor = make_editor()
    article = make_article()
    article.tags.add("醫療")
    article.tags.add("器械")
    first = revisions.record_revision(article, by=editor)
    article.tags.set(["器械", "互聯網"])
    editing.restore_revision(article, first, by=editor)
    article.refresh_from_db()
    assert list(article.tags.names()) == ["醫療", "器械"]


def test_writer_cannot_restore_someone_elses_article(client):
    editor, writer = make_editor(), make_writer()
    article = make_article(headline="v1")
    first = revisions.record_revision(article, by=editor)
    article.headline = "v2"
    article.save()
    client.force_login(writer)
    response = client.post(
        reverse("admin:articles_article_restore", args=[article.pk, first.pk])
    )
    assert response.status_code == 403
    article.refresh_from_db()
    assert article.headline == "v2"
