"""Every status change an article can go through, and who may make it.

This module is the only writer of ``Article.status``, ``publish_at`` and
``first_published_at``. The admin's change form, its bulk actions, management
commands and tests all call the functions here, so a permission check or a
log entry cannot be skipped by taking another path.

    draft ──submit──▶ review ──publish──▶ published ──unpublish──▶ unpublished
      ▲                 │                     (publish_at in the future
      └───send back─────┘                      = scheduled)
      ▲                                                          │
      └──────────────────────return to draft─────────────────────┘

Editors may also publish straight from draft: at market open a brief an
editor wrote needs no second pair of eyes from the same desk.

Who may see, edit and approve (``can_view``, ``can_edit``, ``check``) is
decided here too, and an edit that needs approval again is sent back for it
(``content_edited``): a scheduled article is approved copy, and only someone
who may publish can change it and keep the schedule.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from . import changes, tagging
from .models import Article, ArticleAuthor, Transition
from .revisions import record_revision

Status = Article.Status
PUBLISH_PERMISSION = "articles.publish_article"
EDIT_ANY_PERMISSION = "articles.edit_any_article"


class TransitionNotAllowed(PermissionDenied):
    """The person may not make this change, or the article is not in a state for it."""


@dataclass(frozen=True)
class Action:
    name: str
    label: str  # what the button says
    done: str  # what happened, for messages: "3 articles published."
    sources: frozenset[str]
    target: str
    permission: str | None  # None: the article's own writer, or anyone who may edit it
    needs_note: bool = False
    guard: Callable[[Article], bool] | None = None


def _is_scheduled(article: Article) -> bool:
    return article.is_scheduled


ACTIONS: dict[str, Action] = {
    action.name: action
    for action in [
        Action(
            "submit",
            _("Submit for review"),
            _("submitted for review"),
            frozenset({Status.DRAFT}),
            Status.REVIEW,
            None,
        ),
        Action(
            "send_back",
            _("Send back to the writer"),
            _("sent back to the writer"),
            frozenset({Status.REVIEW}),
            Status.DRAFT,
            PUBLISH_PERMISSION,
            needs_note=True,
        ),
        Action(
            "publish",
            _("Publish"),
            _("published"),
            frozenset({Status.DRAFT, Status.REVIEW}),
            Status.PUBLISHED,
            PUBLISH_PERMISSION,
        ),
        # A scheduled article can be brought forward or moved: it is
        # published but not yet live.
        Action(
            "reschedule",
            _("Change publish time"),
            _("rescheduled"),
            frozenset({Status.PUBLISHED}),
            Status.PUBLISHED,
            PUBLISH_PERMISSION,
            guard=_is_scheduled,
        ),
        Action(
            "unpublish",
            _("Unpublish"),
            _("unpublished"),
            frozenset({Status.PUBLISHED}),
            Status.UNPUBLISHED,
            PUBLISH_PERMISSION,
        ),
        Action(
            "return_to_draft",
            _("Return to draft"),
            _("returned to draft"),
            frozenset({Status.UNPUBLISHED}),
            Status.DRAFT,
            PUBLISH_PERMISSION,
        ),
    ]
}


def is_own(user, article: Article) -> bool:
    """The user wrote or is on the byline of ``article``."""
    if not user.is_authenticated:
        return False
    if article.created_by_id == user.pk:
        return True
    return article.pk is not None and article.bylines.filter(author__user=user).exists()


def can_view(user, article: Article) -> bool:
    """Editors see every article; writers their own and what readers see.

    Unpublished copy is often price-sensitive (results, deals): a colleague's
    draft, or a story scheduled for the market's open, is need-to-know.
    """
    if not user.is_active or not (
        user.has_perm("articles.view_article")
        or user.has_perm("articles.change_article")
    ):
        return False
    if user.has_perm(EDIT_ANY_PERMISSION):
        return True
    return article.pk is None or article.is_live or is_own(user, article)


def visible_to(user, queryset: QuerySet, *, via: str = "") -> QuerySet:
    """The rows of ``queryset`` whose article ``can_view`` lets ``user`` see.

    ``via``: the path from the queryset's model to the article, e.g.
    ``"article__"`` for import records; empty for articles.
    """
    if not user.is_active:
        return queryset.none()
    if user.has_perm(EDIT_ANY_PERMISSION):
        return queryset
    bylined = ArticleAuthor.objects.filter(author__user=user).values("article_id")
    live = Article.objects.live().values("pk")
    return queryset.filter(
        Q(**{f"{via}created_by": user})
        | Q(**{f"{via}pk__in": bylined})
        | Q(**{f"{via}pk__in": live})
    )


def revisions_visible_to(user, article: Article) -> QuerySet:
    """The revisions of ``article`` (which ``user`` can view) they may read.

    Editors and the article's own writers read them all. Anyone else sees a
    live article as readers do: its history from the revision that went live
    at first publication on, never the copy as it stood before (text cut
    before publication is as need-to-know as the draft was).
    """
    history = article.revisions.select_related("created_by")
    if user.has_perm(EDIT_ANY_PERMISSION) or is_own(user, article):
        return history
    if article.first_published_at is None:
        return history.none()
    went_live = (
        history.filter(created_at__lte=article.first_published_at)
        .order_by("-version")
        .values("version")[:1]
    )
    return history.filter(version__gte=Subquery(went_live))


def tags_visible_to(user):
    """The tags ``user`` may know of, with ``n``: on how many articles they see.

    Editors see every tag. A writer sees the tags of the articles they may
    see (their own and live ones) and tags on no article at all; never one
    that only a colleague's unpublished copy carries: that copy is
    need-to-know, and so are the names it is tagged with and their counts.
    """
    from taggit.models import Tag, TaggedItem

    if user.has_perm(EDIT_ANY_PERMISSION):
        return tagging.all_tags()
    seen = visible_to(user, Article.objects.all()).values("pk")
    on_seen = Tag.objects.filter(article__in=seen).values("pk")
    used = TaggedItem.objects.values("tag_id")
    return Tag.objects.filter(Q(pk__in=on_seen) | ~Q(pk__in=used)).annotate(
        n=Count("article", filter=Q(article__in=seen), distinct=True)
    )


def transitions_visible_to(user, article: Article) -> QuerySet:
    """The status log of ``article`` that ``user`` may read, by the same rule
    as revisions: notes made before a colleague's article went live (a send
    back and why) are as need-to-know as its draft was."""
    log = article.transitions.select_related("by")
    if user.has_perm(EDIT_ANY_PERMISSION) or is_own(user, article):
        return log
    if article.first_published_at is None:
        return log.none()
    published = log.filter(to_status=Article.Status.PUBLISHED)
    # The publication that took it live; with a publish time set in the past,
    # the first one after it.
    went_live = Coalesce(
        Subquery(
            published.filter(at__lte=article.first_published_at)
            .order_by("-at")
            .values("at")[:1]
        ),
        Subquery(published.order_by("at").values("at")[:1]),
    )
    return log.filter(at__gte=went_live)


def can_edit(user, article: Article) -> bool:
    """Editors change any article; writers change their own drafts only.

    What readers see now changes only by someone who may publish (a
    correction is a publishing decision); ``content_edited`` sends a
    scheduled article edited by anyone else back for approval.
    """
    if not user.is_active or not user.has_perm("articles.change_article"):
        return False
    if user.has_perm(EDIT_ANY_PERMISSION):
        return not article.is_live or can_publish(user)
    if article.pk is None:
        return user.has_perm("articles.add_article")
    return article.status == Status.DRAFT and is_own(user, article)


def can_publish(user) -> bool:
    return user.is_active and user.has_perm(PUBLISH_PERMISSION)


def can_delete(user, article: Article | None = None) -> bool:
    """Deleting loses edits for good: editors only, and a published (live or
    scheduled) article only by someone who may publish, as deleting it takes
    it off the site."""
    if not (
        user.is_active
        and user.has_perm("articles.delete_article")
        and user.has_perm(EDIT_ANY_PERMISSION)
    ):
        return False
    return article is None or article.status != Status.PUBLISHED or can_publish(user)


def check(action: Action | str, article: Article, user) -> Action:
    """The action, if ``user`` may apply it to ``article`` now.

    Raises TransitionNotAllowed (a PermissionDenied) otherwise.
    """
    if isinstance(action, str):
        if action not in ACTIONS:
            raise TransitionNotAllowed(_("Unknown action “%s”.") % action)
        action = ACTIONS[action]
    if action.permission is not None:
        if not (user.is_active and user.has_perm(action.permission)):
            raise TransitionNotAllowed(
                _("You do not have permission for “%(action)s”.")
                % {"action": action.label}
            )
    elif not can_edit(user, article):
        raise TransitionNotAllowed(_("You can only submit your own drafts."))
    if article.status not in action.sources or (
        action.guard and not action.guard(article)
    ):
        raise TransitionNotAllowed(
            _("“%(action)s” is not possible while the article is %(status)s.")
            % {"action": action.label, "status": article.display_status}
        )
    return action


def available_actions(article: Article, user) -> list[Action]:
    """The actions ``user`` may apply to ``article`` now, in table order."""
    available = []
    for action in ACTIONS.values():
        try:
            check(action, article, user)
        except TransitionNotAllowed:
            continue
        available.append(action)
    return available


def apply(
    name: str,
    article: Article,
    *,
    by,
    note: str = "",
    at: datetime | None = None,
) -> Transition:
    """Apply the action called ``name``: checked, atomic, logged."""
    with transaction.atomic():
        # Work on the row as it is now, locked, not on a possibly stale copy.
        fresh = Article.objects.select_for_update().get(pk=article.pk)
        action = check(name, fresh, by)
        note = (note or "").strip()
        if action.needs_note and not note:
            raise TransitionNotAllowed(
                _("Say what needs changing: a note is required.")
            )
        now = timezone.now()
        from_status = fresh.status
        if action.target == Status.PUBLISHED:
            fresh.publish_at = at or now
            if (
                fresh.first_published_at is None
                or fresh.first_published_at > fresh.publish_at
            ):
                fresh.first_published_at = fresh.publish_at
        elif at is not None:
            raise TransitionNotAllowed(
                _("Only publishing or rescheduling takes a publish time.")
            )
        fresh.status = action.target
        transition = _save_and_log(
            fresh, action.name, from_status, by=by, at=now, note=note
        )
        announce(fresh, action.name)
    _copy_state(fresh, article)
    return transition


def announce(article: Article, action: str) -> None:
    """Tell other apps of a status change once it has committed.

    The hooks are named in settings.ARTICLE_TRANSITION_HOOKS (the newsletter's
    alerts), so articles/ never imports the apps that act on its changes.
    """
    for path in getattr(settings, "ARTICLE_TRANSITION_HOOKS", ()):
        hook = import_string(path)
        # robust: a hook that fails is logged; the change itself stands.
        transaction.on_commit(
            lambda hook=hook: hook(article_id=article.pk, action=action), robust=True
        )


def content_edited(article: Article, *, by) -> Transition | None:
    """Check an edit of ``article``'s content, saved by ``by``; withdraw approval.

    Call in the transaction that saved the edit, after saving it. Raises
    TransitionNotAllowed if ``by`` may not edit the article as it is now (the
    transaction then rolls the edit back). A scheduled article edited by
    someone who may not publish goes back to review, its publish time
    cleared: what an editor approved is no longer what would go out. Returns
    that Transition, or None when the status stays (an edit by someone who
    may publish keeps the schedule: saving it is approving it).
    """
    with transaction.atomic():
        fresh = Article.objects.select_for_update().get(pk=article.pk)
        if not can_edit(by, fresh):
            raise TransitionNotAllowed(
                _("You may not edit this article while it is %(status)s.")
                % {"status": fresh.display_status}
            )
        if not fresh.is_scheduled or can_publish(by):
            return None
        now = timezone.now()
        fresh.status = Status.REVIEW
        fresh.publish_at = None
        if fresh.first_published_at is not None and fresh.first_published_at > now:
            # Set when it was scheduled; it never went out.
            fresh.first_published_at = None
        transition = _save_and_log(
            fresh,
            "edit_sent_back",
            Status.PUBLISHED,
            by=by,
            at=now,
            note=str(_("Edited after approval: sent back for approval.")),
        )
    _copy_state(fresh, article)
    return transition


def _save_and_log(
    fresh: Article, action: str, from_status: str, *, by, at: datetime, note: str
) -> Transition:
    """Save the locked row's new status; log it and keep a revision; at the
    commit, reindex and tell the page cache if readers saw or may see it."""
    fresh.updated_by = by
    fresh.save()
    public = Status.PUBLISHED in (from_status, fresh.status)
    changes.article_written(fresh, public=public)
    transition = Transition.objects.create(
        article=fresh,
        action=action,
        from_status=from_status,
        to_status=fresh.status,
        publish_at=fresh.publish_at if fresh.status == Status.PUBLISHED else None,
        by=by,
        at=at,
        note=note,
    )
    record_revision(fresh, by=by)
    return transition


def _copy_state(fresh: Article, article: Article) -> None:
    """Let the caller's object reflect the change."""
    for field in (
        "status",
        "publish_at",
        "first_published_at",
        "version",
        "updated_by",
        "updated_at",
    ):
        setattr(article, field, getattr(fresh, field))


def submit(article: Article, *, by, note: str = "") -> Transition:
    return apply("submit", article, by=by, note=note)


def send_back(article: Article, *, by, note: str) -> Transition:
    return apply("send_back", article, by=by, note=note)


def publish(
    article: Article, *, by, at: datetime | None = None, note: str = ""
) -> Transition:
    """Publish now, or schedule when ``at`` lies in the future."""
    name = "reschedule" if article.status == Status.PUBLISHED else "publish"
    return apply(name, article, by=by, at=at, note=note)


def unpublish(article: Article, *, by, note: str = "") -> Transition:
    return apply("unpublish", article, by=by, note=note)


def return_to_draft(article: Article, *, by, note: str = "") -> Transition:
    return apply("return_to_draft", article, by=by, note=note)
