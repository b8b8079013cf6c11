"""Interface words of the apps we build on, in the desk's languages.

django-taggit, django-axes and django-tasks ship no Traditional Chinese (and
some of their admin labels are plain strings, not translatable). Their words
are listed here so ``makemessages`` keeps them in our catalogues, and
``install()`` (run once at start-up) points the plain labels at them. Group
names are data (articles.roles); they are shown translated.
"""

from django.utils.text import format_lazy
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

WORDS = [
    # django-taggit
    _("Taggit"),
    _("Tags"),
    _("tag"),
    _("tags"),
    _("tagged item"),
    _("tagged items"),
    _("content type"),
    _("object ID"),
    _("%(object)s tagged with %(tag)s"),
    _("A comma-separated list of tags."),
    _("Please provide a comma-separated list of tags."),
    pgettext_lazy("A tag name", "name"),
    pgettext_lazy("A tag slug", "slug"),
    # django-axes
    _("Access Attempt"),
    _("Access lock out"),
    _("Attempt Remaining"),
    _("Attempt Time"),
    _("Clean up expired attempts"),
    _("Expires At"),
    _("Failed Logins"),
    _("Form Data"),
    _("GET Data"),
    _("HTTP Accept"),
    _("IP Address"),
    _("Locked Out"),
    _("Logout Time"),
    _("Meta Data"),
    _("Not set"),
    _("POST Data"),
    _("Path"),
    _("Session key hash (sha256)"),
    _("The time when access attempt expires and is no longer valid."),
    _("User Agent"),
    _("Username"),
    _("access attempt expiration"),
    _("access attempt expirations"),
    _("access attempt"),
    _("access attempts"),
    _("access failure"),
    _("access failures"),
    _("access log"),
    _("access logs"),
    _("Axes"),
    # django-tasks
    _("Task Result"),
    _("Task Results"),
    _("args kwargs"),
    _("backend name"),
    _("enqueued at"),
    _("exception class path"),
    _("finished at"),
    _("priority"),
    _("queue name"),
    _("return value"),
    _("run after"),
    _("started at"),
    _("status"),
    _("task path"),
    _("traceback"),
    _("worker id"),
    _("Background tasks"),
    _("Merge selected tags"),
    pgettext_lazy("Task", "Ready"),
    pgettext_lazy("Task", "Running"),
    pgettext_lazy("Task", "Failed"),
    pgettext_lazy("Task", "Successful"),
    # django.contrib.sessions, which Django leaves untranslated in Chinese.
    _("Sessions"),
    # Group names (articles.roles), shown translated.
    _("Editors"),
    _("Writers"),
]


def _translated_group_name(group) -> str:
    return gettext(group.name) if group.name else ""


def _link_name(link) -> str:
    first, second = (f for f in link._meta.fields if f.is_relation)
    return f"{getattr(link, first.name)} — {getattr(link, second.name)}"


def _name_links(apps) -> None:
    """Many-to-many link rows (listed before a delete) named in the reader's
    language: 文章 — 公司, 騰訊回購 — 騰訊控股, not "Article_companies object"."""
    for model in apps.get_models(include_auto_created=True):
        if not model._meta.auto_created:
            continue
        first, second = (f for f in model._meta.fields if f.is_relation)
        name = format_lazy(
            "{} — {}",
            first.related_model._meta.verbose_name,
            second.related_model._meta.verbose_name,
        )
        model._meta.verbose_name = model._meta.verbose_name_plural = name
        model.__str__ = _link_name


def install() -> None:
    """Give the apps' untranslatable labels our translatable ones."""
    from django.apps import apps
    from django.contrib.auth.models import Group

    _name_links(apps)
    labels = {"django_tasks_database": _("Background tasks"), "axes": _("Axes")}
    for label, name in labels.items():
        if label in apps.app_configs:
            apps.get_app_config(label).verbose_name = name

    from taggit.admin import TagAdmin

    TagAdmin.render_tag_form.short_description = _("Merge selected tags")
    try:
        from django_tasks_db.admin import DBTaskResultAdmin
    except ImportError:  # pragma: no cover - the backend is always installed here
        pass
    else:
        DBTaskResultAdmin.formatted_traceback.short_description = _("traceback")
        DBTaskResultAdmin.display_run_after.short_description = _("run after")
    Group.__str__ = _translated_group_name
    _name_axes_records()


def _name_axes_records() -> None:
    """django-axes names its records in English ("Access Log for editor @ …")."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    from .display import hk_datetime

    def attempt(record):
        return gettext("Login attempt at %(time)s") % {
            "time": hk_datetime(record.attempt_time)
        }

    def login(record):
        return gettext("Login by %(username)s at %(time)s") % {
            "username": record.username,
            "time": hk_datetime(record.attempt_time),
        }

    def failure(record):
        return gettext("Failed login by %(username)s at %(time)s from %(address)s") % {
            "username": record.username,
            "time": hk_datetime(record.attempt_time),
            "address": record.ip_address,
        }

    AccessAttempt.__str__ = attempt
    AccessLog.__str__ = login
    AccessFailureLog.__str__ = failure
