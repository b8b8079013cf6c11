"""Background work for the newsletter (django-tasks).

The immediate backend runs a task as it is enqueued (development, tests); the
database backend hands it to ``manage.py db_worker`` (production). The
send_newsletter command calls the same function without a worker.
"""

from django_tasks import task

from . import sending
from .models import Issue


@task()
def send_issue_task(
    issue_id: int, resend_unknown: bool = False, only_missing: bool = False
) -> dict:
    """Send an issue; returns the report (what was sent, skipped, failed...)."""
    issue = Issue.objects.get(pk=issue_id)
    report = sending.send_issue(
        issue, resend_unknown=resend_unknown, only_missing=only_missing
    )
    return report.as_dict()
