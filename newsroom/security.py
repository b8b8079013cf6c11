"""Security plumbing shared by the whole site.

- ``ContentSecurityPolicyMiddleware``: django-csp's middleware with the
  policy in settings.CONTENT_SECURITY_POLICY, plus inline styles where a
  page needs them (the admin, the standalone 500 page). It sits below the
  page cache (newsroom/pagecache.py), so a kept page is kept with its
  header; a page whose request drew a nonce is never kept (the nonce would
  be reused).
- ``PasswordResetView`` and its form: links in reset e-mails point at
  SITE_URL, never at the Host header of the request that asked for them; the
  mail is sent by a task (newsroom/mailing.py), so the answer takes the same
  time for a known and an unknown address; resets are limited per client
  address (a 429 page) and reset mails per address (silently, so the limit
  tells nobody which addresses are known).
- Login throttling is django-axes (settings: AXES_*): it is the usual choice
  in the Django ecosystem, keeps its counts in the database (so every app
  server sees them) and answers a locked-out login the same way whether the
  user name exists or not (templates/registration/locked_out.html, 429).
- ``security_txt``: /.well-known/security.txt (RFC 9116), saying where to
  report a vulnerability (SECURITY_CONTACT).
"""

import logging
from datetime import timedelta
from urllib.parse import urlsplit

from csp.middleware import CSPMiddleware
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import views as auth_views
from django.http import HttpResponse
from django.shortcuts import render
from django.template import loader
from django.utils import timezone
from django.views.decorators.cache import cache_control

from newsroom import mailing, ratelimit
from newsroom.clients import client_address

logger = logging.getLogger(__name__)

# Where inline style attributes and <style> elements are allowed: the admin
# (Django's own templates and the rich-text editor's tables use them).
INLINE_STYLE_PREFIXES = ("/admin/",)
_INLINE_STYLES = {"style-src": ["'unsafe-inline'"]}


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if response.status_code >= 500 or request.path_info.startswith(
            INLINE_STYLE_PREFIXES
        ):
            parts.update = {**(parts.update or {}), **_INLINE_STYLES}
        return parts


def allows_inline_styles(response):
    """Mark a view's response as needing inline styles (an e-mail shown on
    the web keeps its inlined CSS)."""
    response._csp_update = {**getattr(response, "_csp_update", {}), **_INLINE_STYLES}
    return response


def used_nonce(request) -> bool:
    """A nonce was drawn for this request: its page must not be shared."""
    return isinstance(getattr(request, "_csp_nonce", None), str)


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's form, with the link's address taken from SITE_URL, mailed by a task.

    Django builds the link from the request's Host header; ALLOWED_HOSTS
    refuses foreign hosts, but a reset e-mail should not depend on that
    list being tight. The message is rendered here and queued
    (newsroom/mailing.py): the answer never waits for SMTP, so its timing
    does not tell a known address from an unknown one. An address gets at
    most PASSWORD_RESET_MAILS_PER_HOUR reset mails, whoever asks.
    """

    def save(self, *args, **kwargs):
        site = urlsplit(settings.SITE_URL)
        kwargs["domain_override"] = site.netloc
        kwargs["use_https"] = site.scheme == "https"
        return super().save(*args, **kwargs)

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        allowed, _retry_after = ratelimit.hit(
            "reset-address:"
            + ratelimit.hashed(to_email.lower(), purpose="password-reset-address"),
            limit=settings.PASSWORD_RESET_MAILS_PER_HOUR,
            period=ratelimit.HOUR,
        )
        if not allowed:
            logger.warning("Password reset mail to user %s held back", context["uid"])
            return
        subject = "".join(
            loader.render_to_string(subject_template_name, context).splitlines()
        )
        html = ""
        if html_email_template_name:
            html = loader.render_to_string(html_email_template_name, context)
        mailing.send_mail_task.enqueue(
            subject=subject,
            body=loader.render_to_string(email_template_name, context),
            html=html,
            to=[to_email],
            from_email=from_email,
        )


class PasswordResetView(auth_views.PasswordResetView):
    """Django's view, with PASSWORD_RESETS_PER_HOUR requests per client address."""

    form_class = PasswordResetForm

    @property
    def extra_email_context(self):
        return {"site_name": settings.NEWSROOM_NAME}

    def post(self, request, *args, **kwargs):
        allowed, retry_after = ratelimit.hit(
            "reset-client:"
            + ratelimit.hashed(
                client_address(request), purpose="password-reset-client"
            ),
            limit=settings.PASSWORD_RESETS_PER_HOUR,
            period=ratelimit.HOUR,
        )
        if not allowed:
            response = render(
                request, "registration/password_reset_throttled.html", status=429
            )
            response["Retry-After"] = str(retry_after)
            return response
        return super().post(request, *args, **kwargs)


def locked_out(request, response=None, credentials=None):
    """django-axes' answer to a paused login (AXES_LOCKOUT_CALLABLE): 429,
    the same page for every user name, known or not."""
    minutes = max(1, round(settings.AXES_COOLOFF_TIME.total_seconds() / 60))
    return render(
        request, "registration/locked_out.html", {"minutes": minutes}, status=429
    )


@cache_control(public=True, max_age=86400)
def security_txt(request):
    """Where to report a vulnerability, as RFC 9116 asks: a contact, an
    expiry (rolling, a year ahead: the file is generated, so it never goes
    stale), the languages we read and the file's own address."""
    expires = (timezone.now() + timedelta(days=365)).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    site = settings.SITE_URL.rstrip("/")
    lines = [
        *(f"Contact: {contact}" for contact in settings.SECURITY_CONTACTS),
        f"Expires: {expires.strftime('%Y-%m-%dT%H:%M:%SZ')}",
        "Preferred-Languages: zh-Hant, zh-Hans, en",
        f"Canonical: {site}/.well-known/security.txt",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
