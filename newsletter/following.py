"""What subscribers follow: companies and tags, added, removed, searched, erased.

A follow is named in links and forms as a *target*: "c:<company id>" or
"t:<tag id>". From a company or tag page, a new address goes through the
usual double opt-in with the target riding in the confirmation link; an
active subscriber is mailed a signed link that adds it. Either way the page
answers the same, so nobody learns who subscribes, and nobody can add
follows (and so alerts) to someone else's address without their mailbox.
"""

import logging

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from taggit.models import Tag

from companies.matching import resolve
from companies.models import Company
from newsroom import chinese

from . import ratelimit, subscribing, tokens
from .models import Follow, Frequency, Script, Subscriber, SubscriptionEvent

logger = logging.getLogger(__name__)

Kind = SubscriptionEvent.Kind
Method = SubscriptionEvent.Method
SEARCH_RESULTS = 10


class UnknownTarget(ValueError):
    """The target names no company or tag (any more)."""


def target_of(obj) -> str:
    """The target string for a Company or a Tag."""
    return f"c:{obj.pk}" if isinstance(obj, Company) else f"t:{obj.pk}"


def resolve_target(target: str):
    """The Company or Tag a target names; raises UnknownTarget."""
    kind, _sep, pk = (target or "").partition(":")
    model = {"c": Company, "t": Tag}.get(kind)
    if model is None or not pk.isdigit():
        raise UnknownTarget(target)
    found = model.objects.filter(pk=int(pk)).first()
    if found is None:
        raise UnknownTarget(target)
    return found


def follow(subscriber: Subscriber, target, *, method: str, at=None) -> bool:
    """Add a follow (a Company, a Tag or a target string); False if already there."""
    obj = resolve_target(target) if isinstance(target, str) else target
    field = "company" if isinstance(obj, Company) else "tag"
    at = at or timezone.now()
    try:
        with transaction.atomic():
            Follow.objects.create(subscriber=subscriber, created_at=at, **{field: obj})
            SubscriptionEvent.objects.create(
                subscriber=subscriber,
                kind=Kind.FOLLOWED,
                method=method,
                at=at,
                detail=str(obj)[:300],
            )
    except IntegrityError:
        return False
    return True


def unfollow(subscriber: Subscriber, follow_id: int, *, method: str) -> bool:
    """Remove one of the subscriber's follows; False if it was not theirs."""
    with transaction.atomic():
        found = (
            Follow.objects.filter(subscriber=subscriber, pk=follow_id)
            .select_related("company", "tag")
            .first()
        )
        if found is None:
            return False
        found.delete()
        SubscriptionEvent.objects.create(
            subscriber=subscriber,
            kind=Kind.UNFOLLOWED,
            method=method,
            detail=str(found.company or found.tag)[:300],
        )
    return True


def request_follow(
    *, email: str, target: str, script: str = Script.HANT, page: str = "", ip=""
) -> None:
    """The "follow by email" form: opt-in for new addresses, a link for active ones.

    Raises ValidationError for a malformed address and UnknownTarget for a
    bad target; otherwise answers nothing, whatever the address.
    """
    obj = resolve_target(target)
    subscribing.refuse_control_characters(email)
    email = email.strip()
    subscribing.validate_email_address(email)
    existing = Subscriber.objects.with_email(email).first()
    if existing is None or existing.status != Subscriber.Status.ACTIVE:
        subscribing.sign_up(
            email=email,
            script=script,
            page=page,
            ip=ip,
            method=Method.FORM,
            follow=target_of(obj),
        )
        return
    if Follow.objects.filter(subscriber=existing, **_field(obj)).exists():
        return  # nothing to add; no mail either
    if not ratelimit.allow_confirmation_mail(existing.email):
        logger.warning("Follow email to subscriber %s held back", existing.pk)
        return
    subscribing.send_templated(
        existing,
        "follow",
        lambda: {
            "followed": obj,
            "follow_url": tokens.follow_url(existing, target_of(obj)),
            "manage_url": tokens.manage_url(existing),
        },
    )


def _field(obj) -> dict:
    return {"company": obj} if isinstance(obj, Company) else {"tag": obj}


def set_preferences(subscriber: Subscriber, *, frequency: str, script: str) -> None:
    if frequency not in Frequency.values or script not in Script.values:
        raise ValueError("unknown frequency or script")
    Subscriber.objects.filter(pk=subscriber.pk).update(
        frequency=frequency, script=script
    )
    subscriber.frequency, subscriber.script = frequency, script


def alerts_off(subscriber: Subscriber, *, method: str) -> bool:
    """Back to the weekly newsletter only (the alerts' one-click link)."""
    changed = (
        Subscriber.objects.filter(pk=subscriber.pk)
        .exclude(frequency=Frequency.WEEKLY)
        .update(frequency=Frequency.WEEKLY)
    )
    if changed:
        SubscriptionEvent.objects.create(
            subscriber=subscriber, kind=Kind.ALERTS_OFF, method=method
        )
    subscriber.frequency = Frequency.WEEKLY
    return bool(changed)


def erase(subscriber: Subscriber) -> None:
    """Delete everything kept about the subscriber: record, events, follows, sends."""
    Subscriber.objects.filter(pk=subscriber.pk).delete()


def search_companies(query: str) -> list[Company]:
    """Companies a reader may mean by ``query``: a ticker in any spelling or a
    name in either script (the company resolver first, then names containing it).
    """
    query = (query or "").strip()[:100]
    if not query:
        return []
    exact = resolve(query)
    if exact is not None:
        return [exact]
    # Names are stored in Traditional (and sometimes Simplified): try both.
    spellings = {query, chinese.to_simplified(query), chinese.to_traditional(query)}
    condition = Q()
    for spelling in spellings:
        condition |= (
            Q(name__icontains=spelling)
            | Q(name_hans__icontains=spelling)
            | Q(name_en__icontains=spelling)
        )
    return list(
        Company.objects.filter(condition)
        .prefetch_related("tickers")
        .order_by("name")[:SEARCH_RESULTS]
    )
