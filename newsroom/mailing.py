"""Mail that leaves the request: every message to one person goes through a task.

A request that mails someone (a newsletter confirmation, a password reset)
enqueues the message and answers at once, so the answer takes the same time
whether an address is known, unknown or its mail server is slow: only a
worker talks to SMTP (the database backend in production; the immediate
backend runs the task at once in development and tests). A failed send is
logged by the worker, never shown to whoever asked.
"""

import logging
import smtplib

from django.core.mail import EmailMultiAlternatives
from django_tasks import task

logger = logging.getLogger(__name__)


@task()
def send_mail_task(
    subject: str,
    body: str,
    to: list[str],
    html: str = "",
    headers: dict | None = None,
    from_email: str | None = None,
) -> bool:
    """Send one message; False (and a log line) if the mail server refused it.

    Callers enqueue it (``send_mail_task.enqueue(subject=..., ...)``) with
    rendered text only, so a worker reads no row and a rolled-back request
    (with the database backend) sends nothing.
    """
    message = EmailMultiAlternatives(
        subject, body, from_email=from_email, to=to, headers=headers or {}
    )
    if html:
        message.attach_alternative(html, "text/html")
    try:
        message.send()
    except (smtplib.SMTPException, OSError):
        logger.exception("Sending mail %r failed", subject)
        return False
    return True
