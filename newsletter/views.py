"""The public newsletter pages: sign up, confirm, unsubscribe, past issues.

The state changes themselves are in subscribing.py; these views only turn
requests into calls and answers into pages.
"""

from django.conf import settings
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from newsroom import editions
from newsroom.clients import client_address

from . import following, ratelimit, subscribing, tokens
from .forms import FollowForm, SignupForm
from .models import Issue, Script, Subscriber, SubscriptionEvent

Status = Subscriber.Status
Method = SubscriptionEvent.Method


def _edition_script() -> str:
    """The script of the edition this request is in: /zh-hans/ → Simplified."""
    return Script.HANS if get_language() == editions.SIMPLIFIED else Script.HANT


def _index(request, *, form=None, rate_limited=False, status=200):
    issues = Issue.objects.filter(status=Issue.Status.SENT).order_by("-week")
    context = {
        "newsletter_form": form,
        "issues": issues.only("week", "subject", "preheader", "sent_at"),
        "rate_limited": rate_limited,
    }
    return render(request, "newsletter/index.html", context, status=status)


def _refused_by_rate_limit(request):
    """A 429 page when this IP has signed up too often, else None."""
    allowed, retry_after = ratelimit.allow_signup(request)
    if allowed:
        return None
    response = _index(request, rate_limited=True, status=429)
    response["Retry-After"] = str(retry_after)
    return response


def index(request):
    """The sign-up form and the issues sent so far.

    The form carries no CSRF token (see ``subscribe``), so this page, like
    every article page with the form on it, stays publicly cacheable.
    """
    return _index(request)


# Not CSRF-protected, on purpose: the form is on every article page, and those
# pages are cached by a CDN for everyone, so they cannot carry a per-person
# token or set a cookie. A forged sign-up can do no harm: it changes nobody's
# subscription (active subscribers are left alone, anyone else only becomes
# pending) and can only send a confirmation email that does nothing unless
# the mailbox's owner acts on it. Flooding is held back per IP address and per
# address (ratelimit.py). The answer never says whether an address is known.
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def subscribe(request):
    if request.method != "POST":
        return redirect("newsletter:index")
    refused = _refused_by_rate_limit(request)
    if refused:
        return refused
    form = SignupForm(request.POST, default_script=_edition_script())
    if not form.is_valid():
        return _index(request, form=form)
    subscribing.sign_up(
        email=form.cleaned_data["email"],
        script=form.cleaned_data["script"],
        page=form.cleaned_data["page"],
        ip=client_address(request),
        method=Method.FORM,
    )
    # The same page whatever happened: unknown, pending, active or
    # unsubscribed addresses are not told apart.
    return render(
        request,
        "newsletter/confirm_sent.html",
        {
            "email": form.cleaned_data["email"],
            "confirm_hours": settings.NEWSLETTER_CONFIRM_HOURS,
        },
    )


def _bad_link(request, template, error: tokens.BadToken | None = None):
    context = {
        "expired": error is not None and error.args[:1] == ("expired",),
        "confirm_hours": settings.NEWSLETTER_CONFIRM_HOURS,
        "unsubscribe_email": settings.NEWSLETTER_UNSUBSCRIBE_EMAIL,
    }
    return render(request, template, context, status=400)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request, token):
    """Confirm a sign-up: GET shows a button, POST confirms.

    GET changes nothing: mail scanners open every link in an email.
    """
    try:
        subscriber = tokens.subscriber_from_confirm_token(token)
    except tokens.BadToken as error:
        return _bad_link(request, "newsletter/confirm_invalid.html", error)
    if subscriber.status in (Status.UNSUBSCRIBED, Status.BOUNCED):
        # An old link must not undo a later unsubscribe: sign up again.
        return _bad_link(request, "newsletter/confirm_invalid.html")
    _subscriber, target = tokens.confirmation_from_token(token)
    if request.method == "POST":
        subscribing.confirm(subscriber, method=Method.CONFIRM_LINK)
        if target and subscriber.status == Status.ACTIVE:
            try:
                following.follow(subscriber, target, method=Method.CONFIRM_LINK)
            except following.UnknownTarget:
                pass  # the company was deleted since: the subscription stands
    if subscriber.status == Status.ACTIVE:
        return render(
            request,
            "newsletter/confirm_done.html",
            {"subscriber": subscriber, "manage_url": tokens.manage_path(subscriber)},
        )
    return render(request, "newsletter/confirm.html", {"subscriber": subscriber})


def _one_click(request) -> bool:
    try:
        return request.POST.get("List-Unsubscribe") == "One-Click"
    except MultiPartParserError:
        # A body we cannot read is still a request to unsubscribe.
        return False


# Not CSRF-protected, on purpose: mailbox providers POST to this link with no
# cookie and no token (RFC 8058 one-click unsubscribe), and the signed token in
# the URL is what authorises it. The worst a forged POST can do is what the
# link is for.
@csrf_exempt
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token):
    """GET shows one button and changes nothing; POST unsubscribes at once."""
    try:
        subscriber = tokens.subscriber_from_unsubscribe_token(token)
    except tokens.BadToken as error:
        return _bad_link(request, "newsletter/unsubscribe_invalid.html", error)
    if request.method == "POST":
        method = Method.ONE_CLICK if _one_click(request) else Method.LINK
        subscribing.unsubscribe(subscriber, method=method)
        # 200 and a page, never a redirect: one-click clients do not follow.
        return render(
            request, "newsletter/unsubscribe_done.html", {"subscriber": subscriber}
        )
    return render(request, "newsletter/unsubscribe.html", {"subscriber": subscriber})


# Not CSRF-protected, for the reasons given at ``subscribe``: the form is on
# company and tag pages that a CDN caches for everyone. A forged request can
# only mail a link to the address's owner; it follows nothing by itself.
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def follow(request):
    """The "follow by email" form: the same answer whatever the address."""
    if request.method != "POST":
        return redirect("newsletter:index")
    refused = _refused_by_rate_limit(request)
    if refused:
        return refused
    form = FollowForm(request.POST, default_script=_edition_script())
    followed = None
    if form.is_valid():
        try:
            followed = following.resolve_target(form.cleaned_data["target"])
        except following.UnknownTarget:
            form.add_error(None, _("There is nothing to follow here any more."))
    if followed is None:
        return render(
            request, "newsletter/follow_form_page.html", {"form": form}, status=400
        )
    following.request_follow(
        email=form.cleaned_data["email"],
        target=form.cleaned_data["target"],
        script=form.cleaned_data["script"],
        page=form.cleaned_data["page"],
        ip=client_address(request),
    )
    return render(
        request,
        "newsletter/follow_sent.html",
        {
            "email": form.cleaned_data["email"],
            "followed": followed,
            "confirm_hours": settings.NEWSLETTER_CONFIRM_HOURS,
        },
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def follow_confirm(request, token):
    """An active subscriber's "add this follow" link: GET shows a button."""
    try:
        subscriber, target = tokens.follow_from_token(token)
        followed = following.resolve_target(target)
    except tokens.BadToken as error:
        return _bad_link(request, "newsletter/confirm_invalid.html", error)
    except following.UnknownTarget:
        return _bad_link(request, "newsletter/confirm_invalid.html")
    if subscriber.status != Status.ACTIVE:
        return _bad_link(request, "newsletter/confirm_invalid.html")
    done = False
    if request.method == "POST":
        following.follow(subscriber, followed, method=Method.CONFIRM_LINK)
        done = True
    context = {
        "subscriber": subscriber,
        "followed": followed,
        "done": done,
        "manage_url": tokens.manage_path(subscriber),
    }
    return render(request, "newsletter/follow_confirm.html", context)
