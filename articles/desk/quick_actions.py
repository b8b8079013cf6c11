"""One-click workflow actions from the dashboard and the change list.

Editors publish now, schedule at a Hong Kong time (or a preset: 09:30 market
open, 12:00 midday) and send back with a note without opening the change
form. Each is a POST to ``ArticleAdmin.quick_action_view`` (CSRF-checked by
the admin) that goes through articles/workflow.py like every other path;
this module says which actions a row offers and carries one out.

The controls sit in table rows, and the change list's rows are inside its
own <form>: so each action has a form of its own, outside the table
(``quick_forms.html``), and the controls name it with the ``form``
attribute.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext

from .. import workflow
from ..models import Article
from . import scheduling

NAMES = ("publish", "schedule", "send_back")


@dataclass(frozen=True)
class Controls:
    """The quick actions one row offers, and the ids its forms carry."""

    article: Article
    prefix: str
    publish: bool
    schedule: bool
    send_back: bool

    @property
    def form_id(self) -> str:
        return f"nr-quick-{self.prefix}{self.article.pk}"

    @property
    def scheduled(self) -> bool:
        return self.article.is_scheduled

    def __bool__(self) -> bool:
        return self.publish or self.schedule or self.send_back


def controls_for(article: Article, user, *, prefix: str = "") -> Controls | None:
    """The quick actions ``user`` may take on ``article`` now, or None."""
    if not workflow.can_publish(user):
        return None
    allowed = {action.name for action in workflow.available_actions(article, user)}
    publishes = bool(allowed & {"publish", "reschedule"})
    controls = Controls(
        article,
        prefix,
        publish=publishes,
        schedule=publishes,
        send_back="send_back" in allowed,
    )
    return controls or None


def form_action(article_pk: int, name: str) -> str:
    return reverse("admin:articles_article_quick", args=[article_pk, name])


def safe_next(request) -> str:
    """Where the editor was (a page of this site), or the article list."""
    wanted = request.POST.get("next", "")
    if wanted.startswith("/") and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return reverse("admin:articles_article_changelist")


def carry_out(request, article: Article, name: str) -> HttpResponseRedirect:
    """Apply quick action ``name`` to ``article``; report; go back.

    A refusal (wrong state, no note, a time that has passed) changes nothing
    and says why.
    """
    back = HttpResponseRedirect(safe_next(request))
    headline = article.headline
    try:
        if name == "publish":
            workflow.publish(article, by=request.user)
            messages.success(
                request,
                gettext("“%(headline)s” is published.") % {"headline": headline},
            )
        elif name == "schedule":
            at, error = _schedule_time(request.POST)
            if error:
                messages.error(request, error)
                return back
            workflow.publish(article, by=request.user, at=at)
            messages.success(request, _scheduled_message(article, at))
        elif name == "send_back":
            workflow.send_back(
                article, by=request.user, note=request.POST.get("note", "")[:2000]
            )
            messages.success(
                request,
                gettext("“%(headline)s” was sent back to the writer.")
                % {"headline": headline},
            )
    except workflow.TransitionNotAllowed as error:
        messages.error(
            request,
            gettext("“%(headline)s”: nothing was changed. %(reason)s")
            % {"headline": headline, "reason": error.args[0]},
        )
    return back


def _schedule_time(data):
    """The chosen time (a preset button's value, else the typed time), or an error."""
    text = data.get("preset_at") or data.get("at") or ""
    if not text.strip():
        return None, gettext("Pick a time to schedule the article for.")
    at = scheduling.parse_input(text)
    if at is None:
        return None, gettext("“%(text)s” is not a date and time.") % {"text": text}
    if scheduling.is_past(at):
        return None, gettext(
            "That time (%(when)s) has already passed: nothing was scheduled. "
            "Pick a future time, or publish now."
        ) % {"when": scheduling.hk_time(at)}
    return at, ""


def _scheduled_message(article: Article, at) -> str:
    if not article.is_scheduled:
        return gettext("“%(headline)s” is published.") % {"headline": article.headline}
    return gettext("“%(headline)s” is scheduled for %(when)s (%(countdown)s).") % {
        "headline": article.headline,
        "when": scheduling.hk_time(at),
        "countdown": scheduling.goes_live_in(at, timezone.now()),
    }
