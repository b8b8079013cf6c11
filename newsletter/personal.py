"""The subscriber's own page, opened by the signed link in every message.

No account and no password: the link is the key (``tokens.manage_token``,
expiring after ``tokens.MANAGE_DAYS``). The page shows and changes what the
subscriber follows, how often they hear about it and in which script, and
everything kept about them, with buttons to unsubscribe and to erase it all.
Each change is a POST (with Django's CSRF check) answered by a redirect back.
"""

from django.conf import settings
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from . import following, subscribing, tokens
from .forms import PreferencesForm
from .models import Follow, SubscriptionEvent

Method = SubscriptionEvent.Method


def _bad_link(request, error):
    context = {
        "expired": error.args[:1] == ("expired",),
        "unsubscribe_email": settings.NEWSLETTER_UNSUBSCRIBE_EMAIL,
    }
    return render(request, "newsletter/manage_invalid.html", context, status=400)


def _back(request, done: str):
    return HttpResponseRedirect(f"{request.path}?done={done}")


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def manage(request, token):
    try:
        subscriber = tokens.subscriber_from_manage_token(token)
    except tokens.BadToken as error:
        return _bad_link(request, error)
    form = PreferencesForm(
        initial={"frequency": subscriber.frequency, "script": subscriber.script}
    )
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "preferences":
            form = PreferencesForm(request.POST)
            if form.is_valid():
                following.set_preferences(subscriber, **form.cleaned_data)
                return _back(request, "preferences")
        elif action == "follow":
            try:
                following.follow(
                    subscriber,
                    request.POST.get("target", ""),
                    method=Method.PERSONAL_PAGE,
                )
            except following.UnknownTarget:
                pass
            return _back(request, "followed")
        elif action == "unfollow":
            follow_id = request.POST.get("follow", "")
            if follow_id.isdigit():
                following.unfollow(
                    subscriber, int(follow_id), method=Method.PERSONAL_PAGE
                )
            return _back(request, "unfollowed")
        elif action == "unsubscribe":
            subscribing.unsubscribe(subscriber, method=Method.PERSONAL_PAGE)
            return _back(request, "unsubscribed")
        elif action == "erase" and request.POST.get("sure") == "yes":
            following.erase(subscriber)
            return render(request, "newsletter/manage_erased.html")
    query = request.GET.get("q", "").strip()
    follows = list(
        Follow.objects.filter(subscriber=subscriber)
        .select_related("company", "tag")
        .prefetch_related("company__tickers")
    )
    followed_companies = {f.company_id for f in follows if f.company_id}
    results = following.search_companies(query) if query else []
    context = {
        "subscriber": subscriber,
        "form": form,
        "follows": follows,
        "query": query,
        "results": [(c, c.pk in followed_companies) for c in results],
        "events": subscriber.events.all()[:200],
        "done": request.GET.get("done", ""),
        "unsubscribe_url": tokens.unsubscribe_url(subscriber),
    }
    return render(request, "newsletter/manage.html", context)


# Not CSRF-protected, on purpose, like ``views.unsubscribe``: mailbox
# providers POST here with no cookie (RFC 8058 one-click); the signed token
# authorises it, and the worst a forged POST can do is stop the alerts.
@csrf_exempt
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def alerts_off(request, token):
    """GET shows one button; POST stops alerts (the weekly newsletter stays)."""
    try:
        subscriber = tokens.subscriber_from_alerts_off_token(token)
    except tokens.BadToken as error:
        return _bad_link(request, error)
    done = request.method == "POST"
    if done:
        following.alerts_off(subscriber, method=Method.ONE_CLICK)
    return render(
        request,
        "newsletter/alerts_off.html",
        {"subscriber": subscriber, "done": done},
    )
