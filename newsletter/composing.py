"""What goes into an issue: the week's default picks, new issues, issue status.

An issue covers one ISO week, Monday 00:00 to the next Monday 00:00, Hong Kong
time (``models.week_bounds``). Its default picks are the week's live articles,
features first, then briefs, each newest first (the order the site lists
them in). Editors change the picks in the admin; these functions are what the
admin, the commands and the tests call.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from articles.models import Article

from .models import WEEK_FORMAT, Issue, IssuePick, current_week, week_bounds

# Mail programs show about this much of a preheader.
PREHEADER_LENGTH = 110


def parse_week(week: str) -> str:
    """``week`` normalised (2026-w47 → 2026-W47); ValidationError if not a real week."""
    week = (week or "").strip().upper()
    try:
        monday = datetime.datetime.strptime(week + "-1", "%G-W%V-%u")
    except ValueError:
        monday = None
    # strptime accepts 2025-W53 and rolls it into 2026: refuse weeks that
    # do not exist rather than quietly picking another one.
    if monday is None or monday.strftime(WEEK_FORMAT) != week:
        raise ValidationError(
            _("%(week)s is not an ISO week; write it like 2026-W47."),
            code="bad_week",
            params={"week": week or "''"},
        )
    return week


def issue_for_week(week: str) -> Issue:
    """The issue of ``week`` (as parse_week reads it); ValidationError if none."""
    week = parse_week(week)
    issue = Issue.objects.filter(week=week).first()
    if issue is None:
        raise ValidationError(
            _("There is no issue for %(week)s."), code="no_issue", params={"week": week}
        )
    return issue


def next_week(now=None) -> str:
    """The week after the current one: what the desk usually prepares."""
    start, _end = week_bounds(current_week(now))
    return (start + datetime.timedelta(days=7)).strftime(WEEK_FORMAT)


def week_articles(week: str):
    """The week's live articles: features, then briefs, each newest first."""
    start, end = week_bounds(week)
    articles = Article.objects.live().filter(publish_at__gte=start, publish_at__lt=end)
    features = list(articles.features().order_by("-publish_at", "-pk"))
    briefs = list(articles.briefs().order_by("-publish_at", "-pk"))
    return features + briefs


def default_subject(week: str, articles) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        if articles:
            return gettext("%(name)s weekly: %(headline)s") % {
                "name": settings.NEWSROOM_NAME,
                "headline": articles[0].headline,
            }
        return gettext("%(name)s weekly, %(week)s") % {
            "name": settings.NEWSROOM_NAME,
            "week": week,
        }


def default_preheader(articles) -> str:
    """The lead's dek, or else the next headlines, cut to what mail programs show."""
    if not articles:
        return ""
    text = articles[0].dek.strip() or "、".join(a.headline for a in articles[1:4])
    text = " ".join(text.split())
    if len(text) > PREHEADER_LENGTH:
        text = text[: PREHEADER_LENGTH - 1].rstrip() + "…"
    return text


@transaction.atomic
def set_picks(issue: Issue, articles) -> None:
    """Replace the issue's picks with ``articles``, in that order."""
    issue.picks.all().delete()
    IssuePick.objects.bulk_create(
        IssuePick(issue=issue, article=article, position=position)
        for position, article in enumerate(articles, start=1)
    )


@transaction.atomic
def create_issue(week: str, **fields) -> Issue:
    """A draft issue for ``week``, pre-filled with the week's articles.

    Subject and preheader default to the lead article's headline and dek;
    pass them (or the editor's note) to set them yourself.
    """
    week = parse_week(week)
    articles = week_articles(week)
    issue = Issue(week=week, **fields)
    issue.subject = issue.subject or default_subject(week, articles)
    issue.preheader = issue.preheader or default_preheader(articles)
    issue.full_clean()
    issue.save()
    set_picks(issue, articles)
    return issue


class IssueNotEditable(Exception):
    """The issue is being sent or was sent; its content is the record."""


def fill_with_week(issue: Issue) -> int:
    """Give an issue without picks the week's articles; returns how many.

    An issue that has picks is left alone (0): the editor's choice wins.
    """
    if issue.status not in (Issue.Status.DRAFT, Issue.Status.READY):
        raise IssueNotEditable(issue.week)
    with transaction.atomic():
        locked = Issue.objects.select_for_update().get(pk=issue.pk)
        if locked.picks.exists():
            return 0
        articles = week_articles(locked.week)
        set_picks(locked, articles)
        changed = []
        if not locked.preheader:
            locked.preheader = default_preheader(articles)
            changed.append("preheader")
        if changed:
            locked.save(update_fields=[*changed, "updated_at"])
    issue.refresh_from_db()
    return len(articles)


class NotReady(Exception):
    """The issue cannot be marked ready; the message says why."""


def mark_ready(issue: Issue) -> None:
    """Draft → ready: the editor says the issue may be sent."""
    with transaction.atomic():
        locked = Issue.objects.select_for_update().get(pk=issue.pk)
        if locked.status != Issue.Status.DRAFT:
            raise NotReady(
                _("Only a draft can be marked ready; this issue is %(status)s.")
                % {"status": locked.get_status_display()}
            )
        live = Article.objects.live().filter(newsletter_picks__issue=locked)
        if not live.exists():
            raise NotReady(_("The issue has no live articles to send."))
        locked.status = Issue.Status.READY
        locked.save(update_fields=["status", "updated_at"])
    issue.refresh_from_db()


def back_to_draft(issue: Issue) -> None:
    """Ready → draft, to change the issue again before it is sent."""
    updated = Issue.objects.filter(pk=issue.pk, status=Issue.Status.READY).update(
        status=Issue.Status.DRAFT, updated_at=timezone.now()
    )
    if not updated:
        raise NotReady(_("Only a ready issue can go back to draft."))
    issue.refresh_from_db()
