"""Following a company or tag by email: from its page, by confirmation link."""

import pytest
from django.core import mail
from taggit.models import Tag

from newsletter.models import Follow, Subscriber
from tests.factories import make_company, make_live_article
from tests.newsletter.following_helpers import follow, link_path, make_subscriber

pytestmark = pytest.mark.django_db

FOLLOW = "/newsletter/follow/"


def post_follow(client, email, target):
    return client.post(FOLLOW, {"email": email, "target": target, "page": "/x/"})


def test_company_page_has_a_follow_by_email_form_without_csrf_token(client):
    company = make_company("0700.HK")
    html = client.get(company.get_absolute_url()).content.decode()
    assert 'action="/newsletter/follow/"' in html
    assert f'name="target" value="c:{company.pk}"' in html
    assert "csrfmiddlewaretoken" not in html


def test_tag_page_has_a_follow_by_email_form(client):
    tag = Tag.objects.create(name="央行", slug="yang-hang")
    make_live_article().tags.add(tag)  # a tag on drafts only has no page
    html = client.get(f"/tags/{tag.slug}/").content.decode()
    assert f'name="target" value="t:{tag.pk}"' in html


def test_new_address_gets_double_opt_in_with_the_company_chosen(client):
    company = make_company()
    response = post_follow(client, "new@example.com", f"c:{company.pk}")
    assert response.status_code == 200
    subscriber = Subscriber.objects.get(email="new@example.com")
    assert subscriber.status == Subscriber.Status.PENDING
    assert not Follow.objects.exists()
    path = link_path(mail.outbox[0].body, "confirm")
    client.post(path)
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.ACTIVE
    assert list(subscriber.follows.values_list("company", flat=True)) == [company.pk]


def test_active_subscriber_gets_a_link_that_adds_the_follow_on_post_only(client):
    company = make_company()
    subscriber = make_subscriber("reader@example.com")
    post_follow(client, "reader@example.com", f"c:{company.pk}")
    assert not subscriber.follows.exists()
    path = link_path(mail.outbox[0].body, "follow")
    assert client.get(path).status_code == 200
    assert not subscriber.follows.exists()  # mail scanners open links
    client.post(path)
    assert subscriber.follows.get().company == company


def test_tags_are_followed_the_same_way(client):
    tag = Tag.objects.create(name="降息", slug="jiang-xi")
    subscriber = make_subscriber("reader@example.com")
    post_follow(client, "reader@example.com", f"t:{tag.pk}")
    client.post(link_path(mail.outbox[0].body, "follow"))
    assert subscriber.follows.get().tag == tag


def test_the_answer_is_the_same_whatever_the_address(client):
    company = make_company()
    make_subscriber("active@example.com")
    make_subscriber("gone@example.com", status=Subscriber.Status.UNSUBSCRIBED)
    pages = []
    for email in ("active@example.com", "gone@example.com", "unknown@example.com"):
        response = post_follow(client, email, f"c:{company.pk}")
        assert response.status_code == 200
        pages.append(response.content.decode().replace(email, "EMAIL"))
    assert pages[0] == pages[1] == pages[2]


def test_tampered_follow_link_is_refused(client):
    company = make_company()
    subscriber = make_subscriber("reader@example.com")
    post_follow(client, "reader@example.com", f"c:{company.pk}")
    path = link_path(mail.outbox[0].body, "follow")
    assert client.post(path[:-3] + "xx/").status_code == 400
    assert not subscriber.follows.exists()


def test_unknown_target_is_refused_with_a_page(client):
    response = post_follow(client, "reader@example.com", "c:999999")
    assert response.status_code == 400
    assert not mail.outbox


def test_a_subscriber_follows_a_company_once(client):
    company = make_company()
    subscriber = make_subscriber()
    follow(subscriber, company=company)
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        follow(subscriber, company=company)


def test_a_follow_names_a_company_or_a_tag_not_both(client):
    from django.db import IntegrityError, transaction

    subscriber = make_subscriber()
    tag = Tag.objects.create(name="港股", slug="gang-gu")
    with pytest.raises(IntegrityError), transaction.atomic():
        follow(subscriber, company=make_company(), tag=tag)
    with pytest.raises(IntegrityError), transaction.atomic():
        follow(subscriber)
