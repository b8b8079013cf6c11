"""The subscriber's own page, by signed link: follows, frequency, script, data."""

import re
import time

import pytest
from django.core import signing
from django.test import Client

from newsletter import tokens
from newsletter.models import Follow, Frequency, Script, Subscriber, SubscriptionEvent
from tests.factories import make_company
from tests.newsletter.following_helpers import follow, local, make_subscriber

pytestmark = pytest.mark.django_db


@pytest.fixture
def csrf_client():
    return Client(enforce_csrf_checks=True)


def page(client, subscriber, **params):
    return client.get(local(tokens.manage_url(subscriber)), params)


def post(client, subscriber, **data):
    url = local(tokens.manage_url(subscriber))
    html = client.get(url).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    return client.post(url, {"csrfmiddlewaretoken": token, **data})


def test_page_lists_follows_and_what_is_kept(client):
    subscriber = make_subscriber("reader@example.com")
    follow(subscriber, company=make_company("0700.HK", name="騰訊控股"))
    SubscriptionEvent.objects.create(
        subscriber=subscriber, kind="confirmed", method="confirm_link"
    )
    html = page(client, subscriber).content.decode()
    assert "騰訊控股" in html and "0700.HK" in html
    assert "reader@example.com" in html
    assert "<table" in html  # the events


def test_tampered_token_is_refused(client):
    subscriber = make_subscriber()
    url = local(tokens.manage_url(subscriber))
    assert client.get(url[:-4] + "abc/").status_code == 400


def test_expired_token_is_refused(client, monkeypatch):
    subscriber = make_subscriber()
    url = local(tokens.manage_url(subscriber))
    later = time.time() + tokens.MANAGE_DAYS * 86400 + 60
    monkeypatch.setattr(signing.time, "time", lambda: later)
    response = client.get(url)
    assert response.status_code == 400


def test_another_purposes_token_is_refused(client):
    subscriber = make_subscriber()
    token = tokens.unsubscribe_token(subscriber)
    assert client.get(f"/newsletter/me/{token}/").status_code == 400


@pytest.mark.parametrize(
    "query", ["騰訊控股", "腾讯控股", "Tencent", "700.hk", "0700.HK"]
)
def test_search_finds_a_company_by_name_in_either_script_or_ticker(client, query):
    make_company("0700.HK", name="騰訊控股", name_en="Tencent Holdings")
    subscriber = make_subscriber()
    html = page(client, subscriber, q=query).content.decode()
    assert 'name="target" value="c:' in html, query


def test_follow_and_unfollow_from_the_page(csrf_client):
    company = make_company()
    subscriber = make_subscriber()
    response = post(csrf_client, subscriber, action="follow", target=f"c:{company.pk}")
    assert response.status_code == 302
    created = Follow.objects.get(subscriber=subscriber)
    post(csrf_client, subscriber, action="unfollow", follow=str(created.pk))
    assert not Follow.objects.exists()


def test_cannot_remove_someone_elses_follow(csrf_client):
    other = follow(make_subscriber(), company=make_company())
    subscriber = make_subscriber()
    post(csrf_client, subscriber, action="unfollow", follow=str(other.pk))
    assert Follow.objects.filter(pk=other.pk).exists()


def test_change_frequency_and_script(csrf_client):
    subscriber = make_subscriber()
    post(
        csrf_client,
        subscriber,
        action="preferences",
        frequency=Frequency.DAILY,
        script=Script.HANS,
    )
    subscriber.refresh_from_db()
    assert (subscriber.frequency, subscriber.script) == (Frequency.DAILY, Script.HANS)


def test_post_without_csrf_token_changes_nothing(csrf_client):
    subscriber = make_subscriber()
    url = local(tokens.manage_url(subscriber))
    response = csrf_client.post(url, {"action": "unsubscribe"})
    assert response.status_code == 403
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.ACTIVE


def test_unsubscribe_from_the_page(csrf_client):
    subscriber = make_subscriber()
    post(csrf_client, subscriber, action="unsubscribe")
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.UNSUBSCRIBED


def test_erase_deletes_everything(csrf_client):
    subscriber = make_subscriber()
    follow(subscriber, company=make_company())
    post(csrf_client, subscriber, action="erase")  # not sure: nothing happens
    assert Subscriber.objects.exists()
    response = post(csrf_client, subscriber, action="erase", sure="yes")
    assert response.status_code == 200
    assert not Subscriber.objects.exists()
    assert not Follow.objects.exists()
    assert not SubscriptionEvent.objects.exists()


def test_page_in_simplified(client):
    subscriber = make_subscriber()
    url = "/zh-hans" + local(tokens.manage_url(subscriber))
    assert client.get(url).status_code == 200
