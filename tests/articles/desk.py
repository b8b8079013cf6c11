"""Helpers for the desk's tests (dashboard, quick actions): a fixed clock and
articles in each of the dashboard's states."""

import itertools
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from articles.desk.scheduling import HONG_KONG
from articles.models import Article, Correction, ImportRecord, Transition
from tests.factories import make_article

Status = Article.Status
_seq = itertools.count(1)

# A Thursday, mid-morning in Hong Kong (02:00 UTC).
THURSDAY_10AM = datetime(2026, 12, 3, 10, 0, tzinfo=HONG_KONG)


class Clock:
    """``timezone.now()`` for everything (models, workflow, views) in a test."""

    def __init__(self, monkeypatch, now):
        self.now = now
        monkeypatch.setattr(timezone, "now", lambda: self.now)

    def advance(self, **kwargs):
        self.now += timedelta(**kwargs)


def in_english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def hk(*args) -> datetime:
    return datetime(*args, tzinfo=HONG_KONG)


def log(article, action, from_status, to_status, *, by, at, note=""):
    return Transition.objects.create(
        article=article,
        action=action,
        from_status=from_status,
        to_status=to_status,
        by=by,
        at=at,
        note=note,
    )


def in_review(*, by, at, **kwargs) -> Article:
    article = make_article(status=Status.REVIEW, created_by=by, **kwargs)
    log(article, "submit", Status.DRAFT, Status.REVIEW, by=by, at=at)
    return article


def sent_back(*, writer, editor, at, note, **kwargs) -> Article:
    article = make_article(created_by=writer, **kwargs)
    log(article, "submit", Status.DRAFT, Status.REVIEW, by=writer, at=at)
    log(article, "send_back", Status.REVIEW, Status.DRAFT, by=editor, at=at, note=note)
    return article


def scheduled(*, at, by=None, **kwargs) -> Article:
    article = make_article(status=Status.PUBLISHED, publish_at=at, **kwargs)
    if by is not None:
        log(article, "publish", Status.REVIEW, Status.PUBLISHED, by=by, at=at)
    return article


def corrected(*, at, **kwargs) -> Article:
    article = make_article(
        status=Status.PUBLISHED, publish_at=at - timedelta(days=1), **kwargs
    )
    Correction.objects.create(article=article, corrected_at=at, wrong="舊", right="新")
    return article


def imported(*, at, by=None, **kwargs) -> Article:
    article = make_article(created_by=by, **kwargs)
    n = next(_seq)
    ImportRecord.objects.create(
        article=article,
        source_name=f"wire-{n}.txt",
        raw_text="原文",
        fingerprint=f"fingerprint-{n}",
        imported_at=at,
        imported_by=by,
    )
    return article
