"""Subscribers, weekly issues and their deliveries.

A subscriber is only ever mailed an issue while active (confirmed by double
opt-in, not unsubscribed, not bounced). Every change of a subscriber's status
leaves a SubscriptionEvent (when, how), the record the Unsolicited Electronic
Messages Ordinance expects us to keep. A Delivery per issue and recipient is
what makes a send resumable and never double.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from newsroom.display import in_hong_kong

WEEK_FORMAT = "%G-W%V"


class Script(models.TextChoices):
    HANT = "zh-Hant", _("Traditional Chinese")
    HANS = "zh-Hans", _("Simplified Chinese")


class Frequency(models.TextChoices):
    """How often a subscriber hears about what they follow."""

    WEEKLY = "weekly", _("with the weekly newsletter only")
    DAILY = "daily", _("a daily digest")
    IMMEDIATE = "immediate", _("as soon as it is published")


class SubscriberQuerySet(models.QuerySet):
    def active(self):
        """The only subscribers an issue may be sent to."""
        return self.filter(status=Subscriber.Status.ACTIVE)

    def with_email(self, email: str):
        return self.filter(email__iexact=email.strip())


class Subscriber(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for confirmation")
        ACTIVE = "active", _("active")
        UNSUBSCRIBED = "unsubscribed", _("unsubscribed")
        BOUNCED = "bounced", _("bounced")
        # Marked the newsletter as spam (a provider's feedback loop).
        COMPLAINED = "complained", _("complained (marked as spam)")

    email = models.EmailField(_("email address"), max_length=254)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PENDING
    )
    script = models.CharField(
        _("script"), max_length=8, choices=Script.choices, default=Script.HANT
    )
    frequency = models.CharField(
        _("alerts"),
        max_length=10,
        choices=Frequency.choices,
        default=Frequency.WEEKLY,
        help_text=_("How often the subscriber hears about what they follow."),
    )
    # Consent: when, on which page, from where (a salted hash, never the IP).
    consent_at = models.DateTimeField(_("consent given at"), null=True, blank=True)
    consent_page = models.CharField(_("signed up on"), max_length=300, blank=True)
    consent_ip_hash = models.CharField(_("IP address hash"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("unsubscribed at"), null=True, blank=True)
    bounced_at = models.DateTimeField(_("bounced at"), null=True, blank=True)

    objects = SubscriberQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("subscriber")
        verbose_name_plural = _("subscribers")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="subscriber_email_ci_uniq")
        ]
        indexes = [models.Index(fields=["status", "id"], name="subscriber_status_idx")]

    def __str__(self):
        return self.email

    def save(self, *args, **kwargs):
        self.email = self.email.strip()
        super().save(*args, **kwargs)


class SubscriptionEvent(models.Model):
    """One change of a subscriber's status: when, what and how."""

    class Kind(models.TextChoices):
        SIGNED_UP = "signed_up", _("signed up")
        CONFIRMED = "confirmed", _("confirmed")
        FOLLOWED = "followed", _("followed")
        UNFOLLOWED = "unfollowed", _("stopped following")
        ALERTS_OFF = "alerts_off", _("stopped alerts")
        UNSUBSCRIBED = "unsubscribed", _("unsubscribed")
        BOUNCED = "bounced", _("bounced")
        COMPLAINED = "complained", _("complained")

    class Method(models.TextChoices):
        FORM = "form", _("web form")
        CONFIRM_LINK = "confirm_link", _("confirmation link")
        ONE_CLICK = "one_click", _("one-click unsubscribe (RFC 8058)")
        LINK = "link", _("unsubscribe page")
        PERSONAL_PAGE = "personal_page", _("the subscriber's own page")
        MAILTO = "mailto", _("unsubscribe email")
        ADMIN = "admin", _("an editor, in the admin")
        SMTP = "smtp", _("permanent delivery failure")
        PROVIDER = "provider", _("the email service's report")

    subscriber = models.ForeignKey(
        Subscriber, on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(_("what"), max_length=16, choices=Kind.choices)
    method = models.CharField(_("how"), max_length=16, choices=Method.choices)
    at = models.DateTimeField(_("when"), default=timezone.now)
    detail = models.CharField(_("detail"), max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("subscription event")
        verbose_name_plural = _("subscription events")

    def __str__(self):
        return f"{self.subscriber} {self.kind} ({self.method})"


def week_bounds(week: str) -> tuple[datetime.datetime, datetime.datetime]:
    """Monday 00:00 to the next Monday 00:00, Hong Kong time, of an ISO week."""
    monday = datetime.datetime.strptime(week + "-1", "%G-W%V-%u")
    tz = timezone.get_default_timezone()
    start = timezone.make_aware(monday, tz)
    return start, timezone.make_aware(monday + datetime.timedelta(days=7), tz)


def current_week(now=None) -> str:
    """The ISO week it is in Hong Kong (Sunday night there is still this week)."""
    return in_hong_kong(now or timezone.now()).strftime(WEEK_FORMAT)


class Issue(models.Model):
    """The newsletter of one ISO week (e.g. 2026-W47)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        READY = "ready", _("ready")
        SENDING = "sending", _("sending")
        SENT = "sent", _("sent")

    week = models.CharField(
        _("week"),
        max_length=8,
        unique=True,
        help_text=_("ISO week, e.g. 2026-W47: Monday to Sunday, Hong Kong time."),
    )
    subject = models.CharField(_("subject"), max_length=150)
    preheader = models.CharField(
        _("preheader"),
        max_length=150,
        blank=True,
        help_text=_("The line mail programs show after the subject."),
    )
    editor_note = models.TextField(_("editor's note"), blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.DRAFT
    )
    articles = models.ManyToManyField(
        "articles.Article",
        through="IssuePick",
        related_name="newsletter_issues",
        verbose_name=_("articles"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    sending_started_at = models.DateTimeField(
        _("sending started"), null=True, blank=True, editable=False
    )
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-week"]
        verbose_name = _("newsletter issue")
        verbose_name_plural = _("newsletter issues")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(week__regex=r"^[0-9]{4}-W[0-9]{2}$"),
                name="issue_week_format",
            )
        ]

    def __str__(self):
        return f"{self.week} {self.subject}"

    def get_absolute_url(self):
        return reverse("newsletter:issue", kwargs={"week": self.week})

    @property
    def bounds(self):
        return week_bounds(self.week)


class IssuePick(models.Model):
    """An article in an issue, in the order editors chose."""

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="picks")
    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="newsletter_picks"
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("pick")
        verbose_name_plural = _("picks")
        constraints = [
            models.UniqueConstraint(
                fields=["issue", "article"], name="issue_pick_article_uniq"
            )
        ]

    def __str__(self):
        return f"{self.issue.week} #{self.position}"


class Delivery(models.Model):
    """One recipient of one issue; frozen when sending starts.

    pending → sending → sent or failed (or skipped: unsubscribed meanwhile).
    A row left in "sending" means the outcome is unknown (a crash between the
    SMTP call and the status update); it is not resent unless asked.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        SENDING = "sending", _("sending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")
        SKIPPED = "skipped", _("skipped")

    issue = models.ForeignKey(
        Issue, on_delete=models.CASCADE, related_name="deliveries"
    )
    subscriber = models.ForeignKey(
        Subscriber, on_delete=models.CASCADE, related_name="deliveries"
    )
    email = models.EmailField(_("email address"), max_length=254)
    script = models.CharField(_("script"), max_length=8, choices=Script.choices)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    message_id = models.CharField(_("Message-ID"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["issue", "subscriber"], name="delivery_issue_subscriber_uniq"
            )
        ]
        indexes = [
            models.Index(fields=["issue", "status", "id"], name="delivery_queue_idx")
        ]

    def __str__(self):
        return f"{self.issue.week} → {self.email} ({self.status})"


class Follow(models.Model):
    """A company or a tag a subscriber follows: exactly one of the two."""

    subscriber = models.ForeignKey(
        Subscriber, on_delete=models.CASCADE, related_name="follows"
    )
    company = models.ForeignKey(
        "companies.Company",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="followers",
        verbose_name=_("company"),
    )
    tag = models.ForeignKey(
        "taggit.Tag",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="followers",
        verbose_name=_("tag"),
    )
    created_at = models.DateTimeField(_("since"), default=timezone.now)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("follow")
        verbose_name_plural = _("follows")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(company__isnull=False, tag__isnull=True)
                    | models.Q(company__isnull=True, tag__isnull=False)
                ),
                name="follow_company_xor_tag",
            ),
            models.UniqueConstraint(
                fields=["subscriber", "company"],
                condition=models.Q(company__isnull=False),
                name="follow_subscriber_company_uniq",
            ),
            models.UniqueConstraint(
                fields=["subscriber", "tag"],
                condition=models.Q(tag__isnull=False),
                name="follow_subscriber_tag_uniq",
            ),
        ]

    def __str__(self):
        return f"{self.subscriber} → {self.company or self.tag}"

    @property
    def key(self) -> tuple[str, int]:
        """("c", company id) or ("t", tag id): what alerts and sections match on."""
        return ("c", self.company_id) if self.company_id else ("t", self.tag_id)


def default_digest_time() -> datetime.time:
    """18:00 in Hong Kong. A function, not a value: Django's check for fixed
    date and time defaults (fields.W161) warns about a fixed time in the ten
    seconds around it each day (compared with the time in UTC), and so
    failed `check --deploy --fail-level WARNING` at 18:00 UTC."""
    return datetime.time(18, 0)


class AlertSettings(models.Model):
    """The desk's settings for alerts: one row, edited in the admin."""

    digest_time = models.TimeField(
        _("daily digest time (Hong Kong)"),
        default=default_digest_time,
        help_text=_("When daily-digest subscribers get the day's articles."),
    )
    daily_cap = models.PositiveSmallIntegerField(
        _("alerts per subscriber per day"),
        default=10,
        help_text=_(
            "No subscriber gets more immediate alerts than this in one Hong Kong "
            "day; later articles wait for the weekly newsletter."
        ),
    )

    class Meta:
        verbose_name = _("alert settings")
        verbose_name_plural = _("alert settings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(pk=1), name="alert_settings_single_row"
            )
        ]

    def __str__(self):
        return str(_("alert settings"))

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)

    @classmethod
    def current(cls) -> "AlertSettings":
        return cls.objects.filter(pk=1).first() or cls(pk=1)


class AlertDelivery(models.Model):
    """One article for one subscriber, by alert or digest: never twice.

    The row is claimed (pending → sending, committed) before the mail goes
    out; a crash between the two leaves "sending", which is never resent.
    """

    class Kind(models.TextChoices):
        IMMEDIATE = "immediate", _("alert")
        DIGEST = "digest", _("daily digest")

    # The newsletter's states, with the same meaning.
    Status = Delivery.Status

    subscriber = models.ForeignKey(
        Subscriber, on_delete=models.CASCADE, related_name="alert_deliveries"
    )
    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="alert_deliveries"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.PENDING
    )
    reason = models.CharField(_("reason"), max_length=100, blank=True)
    message_id = models.CharField(_("Message-ID"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("alert delivery")
        verbose_name_plural = _("alert deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["subscriber", "article"], name="alert_subscriber_article_uniq"
            )
        ]
        indexes = [
            models.Index(fields=["article", "status", "id"], name="alert_queue_idx"),
            models.Index(fields=["subscriber", "claimed_at"], name="alert_cap_idx"),
            models.Index(fields=["sent_at"], name="alert_sent_idx"),
        ]

    def __str__(self):
        return f"{self.article_id} → {self.subscriber_id} ({self.status})"


# Used in templates and headers; kept here so every email says the same.
def postal_address() -> str:
    return settings.NEWSLETTER_POSTAL_ADDRESS
