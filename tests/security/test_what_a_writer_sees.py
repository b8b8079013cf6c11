"""Issue 17, finding 6: what a writer may see (docs/security.md, "Roles").

A writer sees their own articles and live ones, and nothing of a colleague's
unpublished copy: not its tags (suggestions, the tag admin, the article
list's filter), not the counts it would move (company coverage), not the
text it had before publication (revisions of a live article). Readers do
not learn that a tag exists only on drafts.
"""

import pytest
from django.test import Client
from django.urls import reverse
from taggit.models import Tag

from articles import revisions, tagging, workflow
from tests.factories import (
    make_article,
    make_company,
    make_editor,
    make_live_article,
    make_writer,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_cache")]

SECRET_TAG = "併購傳聞"  # only on a colleague's draft
LIVE_TAG = "併購完成"
OWN_TAG = "併購分析"


@pytest.fixture
def desk(db):
    """A writer, a colleague's draft, the writer's own draft and a live article."""
    writer = make_writer()
    make_article(headline="同事的草稿").tags.set([SECRET_TAG, LIVE_TAG])
    make_article(headline="自己的草稿", created_by=writer).tags.set([OWN_TAG])
    make_live_article(headline="已刊出").tags.set([LIVE_TAG])
    return writer


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def test_tag_suggestions_offer_a_writer_no_tag_of_a_colleagues_draft(desk):
    url = reverse("admin:articles_tag_suggest")
    answer = logged_in(desk).get(url, {"q": "併購"}).json()
    assert sorted(answer["results"]) == sorted([LIVE_TAG, OWN_TAG])
    assert logged_in(desk).get(url, {"q": SECRET_TAG}).json() == {
        "results": [],
        "existing": None,
    }


def test_a_tag_on_no_article_is_offered_to_a_writer(desk):
    Tag.objects.create(name="電動車", slug="電動車")
    url = reverse("admin:articles_tag_suggest")
    answer = logged_in(desk).get(url, {"q": "电动车"}).json()
    assert answer == {"results": ["電動車"], "existing": "電動車"}


def test_tag_suggestions_offer_an_editor_every_tag(desk):
    url = reverse("admin:articles_tag_suggest")
    answer = logged_in(make_editor()).get(url, {"q": "併購"}).json()
    assert sorted(answer["results"]) == sorted([SECRET_TAG, LIVE_TAG, OWN_TAG])


def test_the_tag_admin_lists_a_writer_only_tags_they_may_see(desk):
    page = logged_in(desk).get(reverse("admin:taggit_tag_changelist"))
    assert page.status_code == 200
    names = {tag.name for tag in page.context["cl"].result_list}
    assert names == {LIVE_TAG, OWN_TAG}
    editor_page = logged_in(make_editor()).get(reverse("admin:taggit_tag_changelist"))
    assert SECRET_TAG in {tag.name for tag in editor_page.context["cl"].result_list}


def test_a_writer_cannot_probe_tag_names_by_adding_one_in_the_tag_admin(desk):
    response = logged_in(desk).post(
        reverse("admin:taggit_tag_add"), {"name": SECRET_TAG, "slug": "x"}
    )
    assert response.status_code == 403


def test_the_article_lists_tag_filter_shows_a_writer_no_secret_tag(desk):
    page = logged_in(desk).get(reverse("admin:articles_article_changelist"))
    assert SECRET_TAG not in page.content.decode()
    assert LIVE_TAG in page.content.decode()


def test_tag_counts_a_writer_sees_count_only_articles_they_may_see(desk):
    counts = {tag.name: tag.n for tag in workflow.tags_visible_to(desk)}
    assert counts == {LIVE_TAG: 1, OWN_TAG: 1}


def test_another_spelling_of_a_secret_tag_is_not_respelled_for_a_writer(desk):
    make_article().tags.set(["醫藥"])
    names, respelled = tagging.match_existing_tags(
        ["医药"], among=workflow.tags_visible_to(desk)
    )
    assert (names, respelled) == (["医药"], [])


def test_company_coverage_counts_only_live_articles(desk):
    company = make_company("0700.HK", name="騰訊控股")
    make_live_article().companies.add(company)
    url = reverse("admin:companies_company_changelist")
    before = logged_in(desk).get(url).context["cl"].result_list[0].coverage_count
    # An editor saves a draft about the company: the writer sees no change.
    make_article().companies.add(company)
    after = logged_in(desk).get(url).context["cl"].result_list[0].coverage_count
    assert before == after == 1


def save_revision(article, by, **changes):
    for name, value in changes.items():
        setattr(article, name, value)
    article.save()
    return revisions.record_revision(article, by=by)


@pytest.fixture
def edited_then_published(db):
    """A live article whose draft once said something cut before publication."""
    editor = make_editor()
    article = make_article(body="<p>收購價每股 12 元（未公布）</p>")
    save_revision(article, editor)
    save_revision(article, editor, body="<p>雙方正在洽談。</p>")
    workflow.publish(article, by=editor)
    save_revision(article, editor, body="<p>雙方已簽約。</p>")
    return article


def revisions_page(user, article, **query):
    url = reverse("admin:articles_article_revisions", args=[article.pk])
    return logged_in(user).get(url, query)


def test_a_writer_sees_no_text_cut_before_publication(edited_then_published):
    article = edited_then_published
    cut = article.revisions.order_by("version").first()
    page = revisions_page(make_writer(), article)
    assert page.status_code == 200
    assert cut not in page.context["history"]
    assert len(page.context["history"]) == 2
    assert "12 元" not in page.content.decode()
    # Asking for it by number shows nothing of it either.
    crafted = revisions_page(
        make_writer(), article, a=cut.pk, b=article.revisions.latest().pk
    )
    assert cut not in (crafted.context["older"], crafted.context["newer"])


def test_editors_and_the_articles_own_writer_see_every_revision(
    edited_then_published,
):
    article = edited_then_published
    cut = article.revisions.order_by("version").first()
    assert cut in revisions_page(make_editor(), article).context["history"]
    own = make_writer()
    article.created_by = own
    article.save()
    assert cut in revisions_page(own, article).context["history"]


@pytest.mark.parametrize("prefix", ["", "/zh-hans"])
def test_a_tag_used_only_on_drafts_is_as_unknown_to_readers_as_no_tag(
    client, desk, prefix
):
    secret = tagging.all_tags().get(name=SECRET_TAG)
    live = tagging.all_tags().get(name=LIVE_TAG)
    for path in (
        f"{prefix}/tags/{secret.slug}/",
        f"{prefix}/feeds/tags/{secret.slug}/rss/",
        f"{prefix}/feeds/tags/{secret.slug}/atom/",
        f"{prefix}/tags/no-such-tag-{secret.pk}/",
    ):
        assert client.get(path).status_code == 404, path
    assert client.get(f"{prefix}/tags/{live.slug}/").status_code == 200


def test_a_writer_reads_no_note_made_before_a_colleagues_article_went_live(db):
    editor = make_editor()
    article = make_article()
    workflow.submit(article, by=editor)
    workflow.send_back(article, by=editor, note="數字未經核實，暫緩")
    workflow.submit(article, by=editor)
    workflow.publish(article, by=editor)
    url = reverse("admin:articles_article_change", args=[article.pk])
    writer_page = logged_in(make_writer()).get(url)
    assert writer_page.status_code == 200
    assert [t.action for t in writer_page.context["transitions"]] == ["publish"]
    assert "暫緩" not in writer_page.content.decode()
    assert "暫緩" in logged_in(editor).get(url).content.decode()
