"""Issue 17, finding 4: one client address, from a trusted proxy count.

Behind TRUSTED_PROXY_COUNT proxies the client is the address the outermost
trusted proxy appended to X-Forwarded-For; with no trusted proxy the header
is ignored. Login throttling (django-axes), the newsletter's sign-up limit,
the password-reset limit and consent records all use that one address.
"""

import pytest
from django.test import Client, RequestFactory

from newsletter.models import Subscriber
from newsletter.subscribing import hash_ip
from newsroom.clients import client_address
from tests.factories import make_editor

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_cache")]

PROXY = "10.0.0.10"  # the proxy next to the app server: REMOTE_ADDR
OUTER_PROXY = "10.0.0.20"
CLIENT = "203.0.113.7"
SPOOFED = "198.51.100.66"
PASSWORD = "correct horse 電池 staple"


def request_from(remote_addr, forwarded_for=None):
    headers = {"REMOTE_ADDR": remote_addr}
    if forwarded_for is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return RequestFactory().get("/", **headers)


@pytest.mark.parametrize(
    ("proxies", "remote_addr", "forwarded_for", "expected"),
    [
        # No proxy trusted: the connection is the client, the header a lie.
        (0, CLIENT, None, CLIENT),
        (0, CLIENT, SPOOFED, CLIENT),
        # One proxy: it appends the address it saw.
        (1, PROXY, CLIENT, CLIENT),
        (1, PROXY, f"{SPOOFED}, {CLIENT}", CLIENT),
        # Two: the outer one appends the client, the inner one the outer one.
        (2, PROXY, f"{CLIENT}, {OUTER_PROXY}", CLIENT),
        (2, PROXY, f"{SPOOFED}, {CLIENT}, {OUTER_PROXY}", CLIENT),
        # A request that reached us around the proxies: the connection.
        (1, CLIENT, None, CLIENT),
        (2, PROXY, "", PROXY),
        (2, PROXY, "not an address", PROXY),
    ],
)
def test_client_address_is_what_the_outermost_trusted_proxy_saw(
    settings, proxies, remote_addr, forwarded_for, expected
):
    settings.TRUSTED_PROXY_COUNT = proxies
    assert client_address(request_from(remote_addr, forwarded_for)) == expected


def login(client, username, password, forwarded_for):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )


def test_behind_a_proxy_failed_logins_from_one_client_do_not_lock_out_another(
    settings,
):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.AXES_FAILURE_LIMIT = 3
    make_editor(username="desk-editor", password=PASSWORD)
    attacker = Client()
    codes = [
        login(attacker, "desk-editor", "wrong", "192.0.2.1").status_code
        for _ in range(3)
    ]
    assert codes == [200, 200, 429]
    # The real editor, through the same proxy, from their own address.
    assert login(Client(), "desk-editor", PASSWORD, CLIENT).status_code == 302


def test_a_spoofed_header_does_not_escape_the_login_throttle(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.AXES_FAILURE_LIMIT = 2
    make_editor(username="desk-editor", password=PASSWORD)
    attacker = Client()
    for n in range(2):
        login(attacker, "desk-editor", "wrong", f"192.0.2.{n}, {CLIENT}")
    refused = login(attacker, "desk-editor", PASSWORD, f"192.0.2.99, {CLIENT}")
    assert refused.status_code == 429


def test_with_no_trusted_proxy_the_header_is_ignored_by_the_login_throttle(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    settings.AXES_FAILURE_LIMIT = 2
    make_editor(username="desk-editor", password=PASSWORD)
    for n in range(2):
        login(Client(), "desk-editor", "wrong", f"192.0.2.{n}")
    assert login(Client(), "desk-editor", PASSWORD, CLIENT).status_code == 429


def post_through_proxy(path, data, forwarded_for):
    return Client().post(
        path, data, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded_for
    )


def sign_up(email, forwarded_for):
    return post_through_proxy("/newsletter/subscribe/", {"email": email}, forwarded_for)


def test_behind_a_proxy_the_sign_up_limit_counts_each_client(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.NEWSLETTER_SIGNUPS_PER_HOUR = 2
    for n in range(2):
        assert sign_up(f"r{n}@example.com", "192.0.2.1").status_code == 200
    assert sign_up("r2@example.com", f"{CLIENT}, 192.0.2.1").status_code == 429
    assert sign_up("r3@example.com", CLIENT).status_code == 200


def test_the_consent_record_keeps_the_clients_address_hash(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    sign_up("reader@example.com", f"{SPOOFED}, {CLIENT}")
    subscriber = Subscriber.objects.get(email="reader@example.com")
    assert subscriber.consent_ip_hash == hash_ip(CLIENT)
    assert subscriber.consent_ip_hash != hash_ip(PROXY)


def reset(forwarded_for):
    return post_through_proxy(
        "/admin/password_reset/", {"email": "someone@example.com"}, forwarded_for
    )


def test_behind_a_proxy_the_password_reset_limit_counts_each_client(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.PASSWORD_RESETS_PER_HOUR = 2
    for _ in range(2):
        assert reset("192.0.2.1").status_code == 302
    refused = reset("192.0.2.1")
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 3600
    assert reset(CLIENT).status_code == 302
