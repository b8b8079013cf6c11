"""Who may do what, by every path: the permission matrix (issue 9, point 3).

MATRIX is the table: one row per sensitive endpoint reached by one path (the
form or page a person is shown, the admin's bulk action, or a crafted POST no
page offers), one column per role. Each cell is one test, asserting both the
HTTP answer and the database: a refusal that changed data anyway fails.

Outcomes:
LOGIN      redirected to the admin login, nothing changed
DENIED     403, nothing changed
REFUSED    answered with an error message or form errors, nothing changed
MISSING    404, nothing changed
IGNORED    accepted, but what the request tried to sneak in did not happen
           (status, publish times, hidden articles, other users' data)
ALLOWED    done

Below the matrix: a scheduled article edited by someone who may not publish
goes back for approval; the same edit by an editor keeps the schedule.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.contrib import messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Group, Permission, User
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles import revisions, workflow
from articles.models import Article, ImportRecord, PreviewLink, Transition
from articles.roles import EDITORS
from companies.models import Company
from newsletter import composing
from newsletter.models import Delivery, Issue
from tests.articles.importing import samples
from tests.articles.test_workflow import admin_post_data, change_url
from tests.factories import (
    make_article,
    make_company,
    make_editor,
    make_live_article,
    make_user,
    make_writer,
)

pytestmark = pytest.mark.django_db
Status = Article.Status

LOGIN, DENIED, REFUSED, MISSING, IGNORED, ALLOWED = (
    "login",
    "denied",
    "refused",
    "missing",
    "ignored",
    "allowed",
)
ROLES = ("anonymous", "writer", "editor", "superuser")

# fmt: off
MATRIX = [
    # endpoint          path                  anonymous writer   editor   superuser
    ("publish",         "form",               LOGIN,    REFUSED, ALLOWED, ALLOWED),
    ("publish",         "action",             LOGIN,    REFUSED, ALLOWED, ALLOWED),
    ("publish",         "crafted status",     LOGIN,    IGNORED, IGNORED, IGNORED),
    ("publish",         "crafted in review",  LOGIN,    DENIED,  ALLOWED, ALLOWED),
    ("schedule",        "form",               LOGIN,    REFUSED, ALLOWED, ALLOWED),
    ("schedule",        "form reschedule",    LOGIN,    DENIED,  ALLOWED, ALLOWED),
    ("schedule",        "crafted publish_at", LOGIN,    DENIED,  IGNORED, IGNORED),
    ("unpublish",       "form",               LOGIN,    DENIED,  ALLOWED, ALLOWED),
    ("unpublish",       "action",             LOGIN,    REFUSED, ALLOWED, ALLOWED),
    ("unpublish",       "crafted status",     LOGIN,    DENIED,  IGNORED, IGNORED),
    ("return to draft", "action",             LOGIN,    REFUSED, ALLOWED, ALLOWED),
    ("submit own",      "action",             LOGIN,    ALLOWED, ALLOWED, ALLOWED),
    ("delete",          "action",             LOGIN,    REFUSED, ALLOWED, ALLOWED),
    ("delete",          "form",               LOGIN,    DENIED,  ALLOWED, ALLOWED),
    ("others' draft",   "form",               LOGIN,    DENIED,  ALLOWED, ALLOWED),
    ("others' draft",   "list",               LOGIN,    IGNORED, ALLOWED, ALLOWED),
    ("others' draft",   "search",             LOGIN,    IGNORED, ALLOWED, ALLOWED),
    ("others' draft",   "preview",            LOGIN,    DENIED,  ALLOWED, ALLOWED),
    ("others' draft",   "action submit",      LOGIN,    IGNORED, ALLOWED, ALLOWED),
    ("others' draft",   "crafted edit",       LOGIN,    DENIED,  ALLOWED, ALLOWED),
    ("others' draft",   "crafted submit",     LOGIN,    DENIED,  ALLOWED, ALLOWED),
    ("history",         "admin log",          LOGIN,    DENIED,  ALLOWED, ALLOWED),
    ("history",         "revisions",          LOGIN,    DENIED,  ALLOWED, ALLOWED),
    ("history",         "own article",        LOGIN,    ALLOWED, ALLOWED, ALLOWED),
    ("compare",         "form",               LOGIN,    DENIED,  ALLOWED, ALLOWED),
    ("restore",         "crafted",            LOGIN,    DENIED,  ALLOWED, ALLOWED),
    ("restore",         "own live article",   LOGIN,    DENIED,  ALLOWED, ALLOWED),
    ("preview link",    "create",             LOGIN,    DENIED,  ALLOWED, ALLOWED),
    ("preview link",    "revoke",             LOGIN,    DENIED,  ALLOWED, ALLOWED),
    ("company merge",   "form",               LOGIN,    IGNORED, ALLOWED, ALLOWED),
    ("company merge",   "action",             LOGIN,    IGNORED, ALLOWED, ALLOWED),
    ("company merge",   "crafted keep",       LOGIN,    IGNORED, REFUSED, REFUSED),
    ("import",          "form",               LOGIN,    ALLOWED, ALLOWED, ALLOWED),
    ("import",          "crafted status",     LOGIN,    IGNORED, IGNORED, IGNORED),
    ("import",          "another's record",   LOGIN,    REFUSED, ALLOWED, ALLOWED),
    ("newsletter send", "form ready",         LOGIN,    DENIED,  ALLOWED, ALLOWED),
    ("newsletter send", "action ready",       LOGIN,    DENIED,  ALLOWED, ALLOWED),
    ("newsletter send", "crafted send",       LOGIN,    DENIED,  MISSING, MISSING),
    ("newsletter send", "crafted status",     LOGIN,    DENIED,  IGNORED, IGNORED),
    ("user admin",      "form",               LOGIN,    DENIED,  DENIED,  ALLOWED),
    ("user admin",      "crafted own",        LOGIN,    DENIED,  DENIED,  ALLOWED),
    ("user admin",      "add",                LOGIN,    DENIED,  DENIED,  ALLOWED),
    ("user admin",      "password",           LOGIN,    DENIED,  DENIED,  ALLOWED),
    ("user admin",      "action delete",      LOGIN,    DENIED,  DENIED,  ALLOWED),
    ("user admin",      "group permissions",  LOGIN,    DENIED,  DENIED,  ALLOWED),
]
# fmt: on

CELLS = [
    pytest.param(endpoint, path, role, expected, id=f"{endpoint}|{path}|{role}")
    for endpoint, path, *outcomes in MATRIX
    for role, expected in zip(ROLES, outcomes, strict=True)
]


@dataclass
class World:
    writer: User  # the writer column's person; "own" articles are theirs
    other_writer: User
    editor: User
    superuser: User

    def actor(self, role):
        return {
            "anonymous": None,
            "writer": self.writer,
            "editor": self.editor,
            "superuser": self.superuser,
        }[role]


@pytest.fixture
def world():
    return World(
        writer=make_writer(),
        other_writer=make_writer(),
        editor=make_editor(),
        superuser=make_user(is_superuser=True),
    )


def english_client(user=None) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    if user is not None:
        client.force_login(user)
    return client


# --- the endpoints: each sets up its data, and returns how to call it and how to
# --- tell that it was done -----------------------------------------------------

CASES = {}


def case(endpoint, path):
    def register(function):
        CASES[endpoint, path] = function
        return function

    return register


CHANGELIST = reverse("admin:articles_article_changelist")
HKT = ZoneInfo("Asia/Hong_Kong")


def status_of(article):
    return Article.objects.filter(pk=article.pk).values_list("status", flat=True).get()


def article_action(action, *articles, **extra):
    data = {"action": action, ACTION_CHECKBOX_NAME: [a.pk for a in articles], **extra}
    return lambda client: client.post(CHANGELIST, data)


def later(**delta) -> str:
    return (timezone.localtime() + timedelta(**delta)).strftime("%Y-%m-%dT%H:%M")


def scheduled_article(**kwargs):
    return make_article(
        status=Status.PUBLISHED,
        publish_at=timezone.now() + timedelta(days=1),
        **kwargs,
    )


def shown(response, text) -> bool:
    return text in response.content.decode()


@case("publish", "form")
def _(w):
    article = make_article(created_by=w.writer)
    data = admin_post_data(article, workflow_action="publish")
    return (
        lambda client: client.post(change_url(article), data),
        lambda response: (
            status_of(article) == Status.PUBLISHED
            and article.transitions.filter(action="publish").count() == 1
        ),
    )


@case("publish", "action")
def _(w):
    article = make_article(status=Status.REVIEW, created_by=w.writer)
    return (
        article_action("publish_selected", article),
        lambda response: (
            status_of(article) == Status.PUBLISHED
            and article.transitions.filter(action="publish").count() == 1
        ),
    )


@case("publish", "crafted status")
def _(w):
    article = make_article(created_by=w.writer)
    data = admin_post_data(
        article,
        headline="只改標題",
        status="published",
        publish_at="2020-01-01 00:00",
        first_published_at="2020-01-01 00:00",
        _publish="1",
    )
    return (
        lambda client: client.post(change_url(article), data),
        lambda response: (
            status_of(article) != Status.DRAFT
            or Article.objects.get(pk=article.pk).publish_at is not None
        ),
    )


@case("publish", "crafted in review")
def _(w):
    article = make_article(status=Status.REVIEW, created_by=w.writer)
    data = admin_post_data(article, workflow_action="publish")
    return (
        lambda client: client.post(change_url(article), data),
        lambda response: status_of(article) == Status.PUBLISHED,
    )


@case("schedule", "form")
def _(w):
    article = make_article(created_by=w.writer)
    data = admin_post_data(
        article, workflow_action="publish", workflow_at=later(hours=3)
    )
    return (
        lambda client: client.post(change_url(article), data),
        lambda response: Article.objects.get(pk=article.pk).is_scheduled,
    )


@case("schedule", "form reschedule")
def _(w):
    article = scheduled_article(created_by=w.writer)
    data = admin_post_data(
        article, workflow_action="reschedule", workflow_at=later(days=2)
    )
    return (
        lambda client: client.post(change_url(article), data),
        lambda response: (
            Article.objects.get(pk=article.pk).publish_at
            > article.publish_at + timedelta(hours=12)
        ),
    )


@case("schedule", "crafted publish_at")
def _(w):
    article = scheduled_article(created_by=w.writer)
    data = admin_post_data(article, publish_at="2020-01-01 00:00", status="published")
    return (
        lambda client: client.post(change_url(article), data),
        lambda response: (
            Article.objects.get(pk=article.pk).publish_at != article.publish_at
        ),
    )


@case("unpublish", "form")
def _(w):
    article = make_live_article(created_by=w.writer)
    data = admin_post_data(article, workflow_action="unpublish")
    return (
        lambda client: client.post(change_url(article), data),
        lambda response: status_of(article) == Status.UNPUBLISHED,
    )


@case("unpublish", "action")
def _(w):
    article = make_live_article(created_by=w.writer)
    return (
        article_action("unpublish_selected", article),
        lambda response: status_of(article) == Status.UNPUBLISHED,
    )


@case("unpublish", "crafted status")
def _(w):
    article = make_live_article(created_by=w.writer)
    data = admin_post_data(article, status="unpublished", publish_at="")
    return (
        lambda client: client.post(change_url(article), data),
        lambda response: status_of(article) != Status.PUBLISHED,
    )


@case("return to draft", "action")
def _(w):
    article = make_article(status=Status.UNPUBLISHED, created_by=w.writer)
    return (
        article_action("return_to_draft_selected", article),
        lambda response: status_of(article) == Status.DRAFT,
    )


@case("submit own", "action")
def _(w):
    article = make_article(created_by=w.writer)
    return (
        article_action("submit_selected", article),
        lambda response: status_of(article) == Status.REVIEW,
    )


@case("delete", "action")
def _(w):
    article = make_article(created_by=w.writer)
    return (
        article_action("delete_selected", article, post="yes"),
        lambda response: not Article.objects.filter(pk=article.pk).exists(),
    )


@case("delete", "form")
def _(w):
    article = make_article(created_by=w.writer)
    url = reverse("admin:articles_article_delete", args=[article.pk])
    return (
        lambda client: client.post(url, {"post": "yes"}),
        lambda response: not Article.objects.filter(pk=article.pk).exists(),
    )


def others_draft(w, **kwargs):
    return make_article(
        created_by=w.other_writer, headline="未公佈的收購傳聞", **kwargs
    )


@case("others' draft", "form")
def _(w):
    article = others_draft(w)
    return (
        lambda client: client.get(change_url(article)),
        lambda response: shown(response, article.headline),
    )


@case("others' draft", "list")
def _(w):
    article = others_draft(w)
    return (
        lambda client: client.get(CHANGELIST),
        lambda response: shown(response, article.headline),
    )


@case("others' draft", "search")
def _(w):
    article = others_draft(w)
    return (
        lambda client: client.get(CHANGELIST, {"q": "收購"}),
        lambda response: shown(response, article.headline),
    )


@case("others' draft", "preview")
def _(w):
    article = others_draft(w)
    url = reverse("admin:articles_article_preview", args=[article.pk])
    return (
        lambda client: client.get(url),
        lambda response: shown(response, article.headline),
    )


@case("others' draft", "action submit")
def _(w):
    article = others_draft(w)
    return (
        article_action("submit_selected", article),
        lambda response: status_of(article) == Status.REVIEW,
    )


@case("others' draft", "crafted edit")
def _(w):
    article = others_draft(w)
    data = admin_post_data(article, headline="搶改")
    return (
        lambda client: client.post(change_url(article), data),
        lambda response: Article.objects.get(pk=article.pk).headline == "搶改",
    )


@case("others' draft", "crafted submit")
def _(w):
    article = others_draft(w)
    data = admin_post_data(article, workflow_action="submit")
    return (
        lambda client: client.post(change_url(article), data),
        lambda response: status_of(article) == Status.REVIEW,
    )


def with_two_revisions(article):
    """Revisions v1 (with a sentence only it has) and v2 of ``article``."""
    article.body = "<p>舊稿：盈利預警的數字。</p>"
    article.save()
    first = revisions.record_revision(article, by=article.created_by)
    article.headline = f"{article.headline}（第二版）"
    article.body = "<p>新稿。</p>"
    article.save()
    second = revisions.record_revision(article, by=article.created_by)
    return first, second


@case("history", "admin log")
def _(w):
    article = others_draft(w)
    url = reverse("admin:articles_article_history", args=[article.pk])
    return (
        lambda client: client.get(url),
        lambda response: shown(response, article.headline),
    )


@case("history", "revisions")
def _(w):
    article = others_draft(w)
    with_two_revisions(article)
    url = reverse("admin:articles_article_revisions", args=[article.pk])
    return (
        lambda client: client.get(url),
        lambda response: shown(response, article.headline),
    )


@case("history", "own article")
def _(w):
    article = make_article(created_by=w.writer, status=Status.REVIEW)
    with_two_revisions(article)
    url = reverse("admin:articles_article_revisions", args=[article.pk])
    return (
        lambda client: client.get(url),
        lambda response: shown(response, article.headline),
    )


@case("compare", "form")
def _(w):
    article = others_draft(w)
    first, second = with_two_revisions(article)
    url = reverse("admin:articles_article_revisions", args=[article.pk])
    query = {"a": first.pk, "b": second.pk}
    return (
        lambda client: client.get(url, query),
        lambda response: shown(response, "盈利預警的數字"),
    )


def restore(article, revision):
    url = reverse("admin:articles_article_restore", args=[article.pk, revision.pk])
    return lambda client: client.post(url)


@case("restore", "crafted")
def _(w):
    article = others_draft(w)
    first, _second = with_two_revisions(article)
    return (
        restore(article, first),
        lambda response: "盈利預警" in Article.objects.get(pk=article.pk).body,
    )


@case("restore", "own live article")
def _(w):
    article = make_live_article(created_by=w.writer)
    first, _second = with_two_revisions(article)
    return (
        restore(article, first),
        lambda response: "盈利預警" in Article.objects.get(pk=article.pk).body,
    )


@case("preview link", "create")
def _(w):
    article = make_article(created_by=w.writer)
    url = reverse("admin:articles_article_preview_link", args=[article.pk])
    return (
        lambda client: client.post(url, {"label": "律師", "hours": "24"}),
        lambda response: PreviewLink.objects.filter(article=article).exists(),
    )


@case("preview link", "revoke")
def _(w):
    article = make_article(created_by=w.writer)
    link = PreviewLink.objects.create(
        article=article, created_by=w.editor, expires_at=timezone.now() + timedelta(1)
    )
    url = reverse(
        "admin:articles_article_revoke_preview_link", args=[article.pk, link.pk]
    )
    return (
        lambda client: client.post(url),
        lambda response: PreviewLink.objects.get(pk=link.pk).revoked_at is not None,
    )


COMPANIES = reverse("admin:companies_company_changelist")


def merge(*companies, **extra):
    data = {
        "action": "merge_selected",
        ACTION_CHECKBOX_NAME: [c.pk for c in companies],
        **extra,
    }
    return lambda client: client.post(COMPANIES, data)


@case("company merge", "form")
def _(w):
    keep, duplicate = make_company("6638.HK"), make_company("OCFT.US")
    return (
        merge(keep, duplicate, index="0"),
        lambda response: (
            "admin/companies/merge.html" in [t.name for t in response.templates]
        ),
    )


@case("company merge", "action")
def _(w):
    keep, duplicate = make_company("6638.HK"), make_company("OCFT.US")
    return (
        merge(keep, duplicate, post="yes", keep=str(keep.pk)),
        lambda response: not Company.objects.filter(pk=duplicate.pk).exists(),
    )


@case("company merge", "crafted keep")
def _(w):
    first, second, outsider = make_company(), make_company(), make_company()
    return (
        merge(first, second, post="yes", keep=str(outsider.pk)),
        lambda response: Company.objects.count() < 3,
    )


IMPORT = reverse("admin:articles_importrecord_import")


def upload(**extra):
    def post(client):
        file = SimpleUploadedFile("wire.txt", samples.WIRE_FEED.encode(), "text/plain")
        return client.post(IMPORT, {"file": file, **extra})

    return post


@case("import", "form")
def _(w):
    return (
        upload(),
        lambda response: Article.objects.filter(status=Status.DRAFT).count() == 2,
    )


@case("import", "crafted status")
def _(w):
    return (
        upload(
            status="published",
            publish_at="2020-01-01 00:00",
            user=str(w.other_writer.pk),
            created_by=str(w.other_writer.pk),
        ),
        lambda response: (
            Article.objects.exclude(status=Status.DRAFT).exists()
            or Article.objects.filter(created_by=w.other_writer).exists()
        ),
    )


@case("import", "another's record")
def _(w):
    article = others_draft(w)
    record = ImportRecord.objects.create(
        article=article,
        source_name="scoop.txt",
        raw_text="獨家原稿：某公司擬私有化",
        fingerprint="f" * 64,
        imported_by=w.other_writer,
    )
    url = reverse("admin:articles_importrecord_change", args=[record.pk])
    return (
        lambda client: client.get(url),
        lambda response: shown(response, "擬私有化"),
    )


def draft_issue():
    make_live_article(publish_at=datetime(2026, 3, 4, 12, tzinfo=HKT))
    return composing.create_issue("2026-W10")


def issue_status(issue):
    return Issue.objects.filter(pk=issue.pk).values_list("status", flat=True).get()


@case("newsletter send", "form ready")
def _(w):
    issue = draft_issue()
    url = reverse("admin:newsletter_issue_status", args=[issue.pk, "ready"])
    return (
        lambda client: client.post(url),
        lambda response: issue_status(issue) == Issue.Status.READY,
    )


@case("newsletter send", "action ready")
def _(w):
    issue = draft_issue()
    data = {"action": "mark_selected_ready", ACTION_CHECKBOX_NAME: [issue.pk]}
    url = reverse("admin:newsletter_issue_changelist")
    return (
        lambda client: client.post(url, data),
        lambda response: issue_status(issue) == Issue.Status.READY,
    )


@case("newsletter send", "crafted send")
def _(w):
    issue = draft_issue()
    composing.mark_ready(issue)
    url = reverse("admin:newsletter_issue_status", args=[issue.pk, "send"])
    return (
        lambda client: client.post(url),
        lambda response: issue_status(issue) != Issue.Status.READY,
    )


@case("newsletter send", "crafted status")
def _(w):
    issue = draft_issue()
    picks = list(issue.picks.all())
    data = {
        "subject": issue.subject,
        "preheader": issue.preheader,
        "editor_note": "",
        "status": "sent",
        "sent_at": "2026-03-09 09:00",
        "sending_started_at": "2026-03-09 08:00",
        "picks-TOTAL_FORMS": str(len(picks)),
        "picks-INITIAL_FORMS": str(len(picks)),
        "picks-MIN_NUM_FORMS": "0",
        "picks-MAX_NUM_FORMS": "1000",
    }
    for n, pick in enumerate(picks):
        data |= {
            f"picks-{n}-id": str(pick.pk),
            f"picks-{n}-issue": str(issue.pk),
            f"picks-{n}-article": str(pick.article_id),
            f"picks-{n}-position": str(pick.position),
        }
    url = reverse("admin:newsletter_issue_change", args=[issue.pk])
    return (
        lambda client: client.post(url, data),
        lambda response: (
            issue_status(issue) != Issue.Status.DRAFT
            or Issue.objects.get(pk=issue.pk).sent_at is not None
        ),
    )


def user_form(user, **fields):
    """What Django's user change form posts for ``user``, with ``fields``."""
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on",
        "is_staff": "on",
        "groups": [str(g) for g in user.groups.values_list("pk", flat=True)],
        "user_permissions": [],
        "date_joined_0": "2026-01-01",
        "date_joined_1": "09:00:00",
        **fields,
    }
    if user.is_superuser:
        data.setdefault("is_superuser", "on")
    return data


@case("user admin", "form")
def _(w):
    target = w.other_writer
    url = reverse("admin:auth_user_change", args=[target.pk])
    data = user_form(target, is_superuser="on")
    return (
        lambda client: client.post(url, data),
        lambda response: User.objects.get(pk=target.pk).is_superuser,
    )


@case("user admin", "crafted own")
def _(w):
    def post(client):
        # Whoever is logged in tries to promote themselves.
        me = User.objects.get(pk=client.session.get("_auth_user_id", w.writer.pk))
        url = reverse("admin:auth_user_change", args=[me.pk])
        editors = str(Group.objects.get(name=EDITORS).pk)
        return client.post(
            url,
            user_form(me, first_name="自封", is_superuser="on", groups=[editors]),
        )

    def done(response):
        return User.objects.filter(first_name="自封").exists()

    return post, done


@case("user admin", "add")
def _(w):
    data = {
        "username": "intruder",
        "usable_password": "true",
        "password1": "A-long-pass-phrase-2026!",
        "password2": "A-long-pass-phrase-2026!",
    }
    url = reverse("admin:auth_user_add")
    return (
        lambda client: client.post(url, data),
        lambda response: User.objects.filter(username="intruder").exists(),
    )


@case("user admin", "password")
def _(w):
    target = w.other_writer
    url = reverse("admin:auth_user_password_change", args=[target.pk])
    new = "A-long-pass-phrase-2026!"
    data = {"usable_password": "true", "password1": new, "password2": new}
    return (
        lambda client: client.post(url, data),
        lambda response: User.objects.get(pk=target.pk).check_password(new),
    )


@case("user admin", "action delete")
def _(w):
    target = w.other_writer
    data = {"action": "delete_selected", ACTION_CHECKBOX_NAME: [target.pk]}
    url = reverse("admin:auth_user_changelist")
    return (
        lambda client: client.post(url, {**data, "post": "yes"}),
        lambda response: not User.objects.filter(pk=target.pk).exists(),
    )


@case("user admin", "group permissions")
def _(w):
    group = Group.objects.get(name=EDITORS)
    before = set(group.permissions.values_list("pk", flat=True))
    extra = Permission.objects.get(codename="change_user")
    data = {"name": group.name, "permissions": [str(p) for p in before | {extra.pk}]}
    url = reverse("admin:auth_group_change", args=[group.pk])
    return (
        lambda client: client.post(url, data),
        lambda response: group.permissions.filter(pk=extra.pk).exists(),
    )


# --- what each cell checks -------------------------------------------------------


def sensitive_state():
    """Everything a refused request must leave as it was."""
    return {
        "articles": {
            pk: rest
            for pk, *rest in Article.objects.values_list(
                "pk", "status", "publish_at", "first_published_at", "version"
            )
        },
        "transitions": Transition.objects.count(),
        "preview_links": set(PreviewLink.objects.values_list("pk", "revoked_at")),
        "companies": set(Company.objects.values_list("pk", flat=True)),
        "imports": ImportRecord.objects.count(),
        "issues": set(Issue.objects.values_list("pk", "status", "sent_at")),
        "deliveries": Delivery.objects.count(),
        "users": set(
            User.objects.values_list(
                "pk", "is_active", "is_staff", "is_superuser", "password", "first_name"
            )
        ),
        "memberships": set(User.groups.through.objects.values_list("user", "group")),
        "group_permissions": Group.permissions.through.objects.count(),
    }


def guarded(state, before):
    """What an accepted request must not change beyond content it may write:
    the statuses and publish times of the articles there ``before``, and the
    rest (new drafts and import records aside)."""
    state = dict(state)
    state["articles"] = {
        pk: rest[:3] for pk, rest in state["articles"].items() if pk in before
    }
    del state["imports"]
    return state


def refusal_shown(response) -> bool:
    """An error message, or a form sent back with errors."""
    context = response.context or {}
    adminform = context.get("adminform")
    if adminform is not None and adminform.form.errors:
        return True
    stored = getattr(response.wsgi_request, "_messages", [])
    return any(m.level >= messages.WARNING for m in stored)


@pytest.mark.parametrize(("endpoint", "path", "role", "expected"), CELLS)
def test_permission_matrix(world, endpoint, path, role, expected):
    send, done = CASES[endpoint, path](world)
    client = english_client(world.actor(role))
    before = sensitive_state()

    response = send(client)

    after = sensitive_state()
    if expected == ALLOWED:
        assert response.status_code in (200, 302), response.status_code
        assert not refusal_shown(response)
        assert done(response)
    elif expected == IGNORED:
        assert response.status_code in (200, 302), response.status_code
        assert not refusal_shown(response)
        assert not done(response)
        assert guarded(after, before["articles"]) == guarded(before, before["articles"])
    else:
        if expected == LOGIN:
            assert response.status_code == 302
            assert response.url.startswith(reverse("admin:login"))
        elif expected == DENIED:
            assert response.status_code == 403
        elif expected == MISSING:
            assert response.status_code == 404
        else:
            assert response.status_code in (200, 302), response.status_code
            assert refusal_shown(response)
        assert not done(response)
        assert after == before
    # No admin path sends the newsletter: that is the send_newsletter command.
    assert mail.outbox == []
    assert not Delivery.objects.exists()


def test_every_row_of_the_matrix_has_a_case_and_every_case_a_row():
    assert {(endpoint, path) for endpoint, path, *_ in MATRIX} == set(CASES)


# --- seeing: the admin's rule and its queryset agree ---------------------------


def test_writers_see_their_own_and_live_articles_only():
    writer, other = make_writer(), make_writer()
    mine = [make_article(created_by=writer, status=s) for s in Status.values]
    theirs = {s: make_article(created_by=other, status=s) for s in Status.values}
    scheduled = scheduled_article(created_by=other)
    visible = set(workflow.visible_to(writer, Article.objects.all()))
    assert visible == {*mine, theirs[Status.PUBLISHED]}
    for article in [*mine, *theirs.values(), scheduled]:
        assert workflow.can_view(writer, article) == (article in visible)
    editor = make_editor()
    assert workflow.visible_to(editor, Article.objects.all()).count() == len(
        Article.objects.all()
    )


# --- editing after approval ------------------------------------------------------


@pytest.fixture
def sub_editor(db):
    """A future role: edits any article, but may not publish."""
    user = make_user()
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="articles",
            codename__in=["view_article", "change_article", "edit_any_article"],
        )
    )
    return User.objects.get(pk=user.pk)  # fresh permission cache


def test_edit_by_someone_who_may_not_publish_sends_a_scheduled_article_back(
    sub_editor,
):
    article = make_article(status=Status.REVIEW)
    # Approved: scheduled by an editor.
    workflow.publish(article, by=make_editor(), at=timezone.now() + timedelta(days=1))
    client = english_client(sub_editor)

    response = client.post(
        change_url(article), admin_post_data(article, headline="審批後再改")
    )

    assert response.status_code == 302
    article.refresh_from_db()
    assert article.headline == "審批後再改"  # the edit is kept ...
    assert article.status == Status.REVIEW  # ... but it needs approval again
    assert article.publish_at is None
    assert article.first_published_at is None  # it never went out
    assert not Article.objects.scheduled().filter(pk=article.pk).exists()
    log = article.transitions.first()
    assert (log.action, log.from_status, log.to_status, log.by) == (
        "edit_sent_back",
        Status.PUBLISHED,
        Status.REVIEW,
        sub_editor,
    )
    followed = client.get(response.url)
    assert "sent it back for approval" in followed.content.decode()


def test_restore_by_someone_who_may_not_publish_sends_a_scheduled_article_back(
    sub_editor,
):
    article = scheduled_article()
    first, _second = with_two_revisions(article)
    client = english_client(sub_editor)
    url = reverse("admin:articles_article_restore", args=[article.pk, first.pk])
    assert client.post(url).status_code == 302
    article.refresh_from_db()
    assert "盈利預警" in article.body
    assert (article.status, article.publish_at) == (Status.REVIEW, None)
    assert article.transitions.get().action == "edit_sent_back"


def test_edit_by_an_editor_keeps_the_schedule():
    editor = make_editor()
    article = scheduled_article()
    when = article.publish_at
    client = english_client(editor)
    response = client.post(
        change_url(article), admin_post_data(article, headline="編輯核准的修改")
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.headline == "編輯核准的修改"
    assert article.is_scheduled and article.publish_at == when
    assert not article.transitions.exists()


def test_an_editor_corrects_a_live_article_and_it_stays_live():
    article = make_live_article()
    when = article.publish_at
    client = english_client(make_editor())
    response = client.post(
        change_url(article), admin_post_data(article, headline="更正後的標題")
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert (article.headline, article.is_live, article.publish_at) == (
        "更正後的標題",
        True,
        when,
    )
    assert not article.transitions.exists()


def test_someone_who_may_not_publish_cannot_edit_a_live_article(sub_editor):
    article = make_live_article()
    client = english_client(sub_editor)
    assert client.get(change_url(article)).status_code == 200  # read-only
    response = client.post(
        change_url(article), admin_post_data(article, headline="未經批准的改動")
    )
    assert response.status_code == 403
    article.refresh_from_db()
    assert article.headline != "未經批准的改動"
    assert article.is_live


def test_an_edit_in_review_by_someone_who_may_not_publish_stays_in_review(
    sub_editor,
):
    article = make_article(status=Status.REVIEW)
    client = english_client(sub_editor)
    response = client.post(
        change_url(article), admin_post_data(article, headline="審稿中修改")
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert (article.headline, article.status) == ("審稿中修改", Status.REVIEW)
    assert not article.transitions.exists()


def test_an_article_that_went_live_during_the_edit_refuses_it(sub_editor):
    """The check runs again on the locked row as it is when the edit is saved."""
    article = make_live_article()
    with pytest.raises(workflow.TransitionNotAllowed):
        workflow.content_edited(article, by=sub_editor)
    assert workflow.content_edited(article, by=make_editor()) is None


def test_someone_who_may_not_publish_cannot_delete_a_published_article(sub_editor):
    sub_editor.user_permissions.add(Permission.objects.get(codename="delete_article"))
    sub_editor = User.objects.get(pk=sub_editor.pk)
    assert workflow.can_delete(sub_editor, make_article())
    assert not workflow.can_delete(sub_editor, make_live_article())
    assert not workflow.can_delete(sub_editor, scheduled_article())
