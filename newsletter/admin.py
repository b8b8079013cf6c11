"""The newsletter in the admin: issues and their picks, previews, deliveries.

Editors make an issue for a week (subject and picks pre-filled from the
week's live articles), add, remove and reorder picks (autocomplete offers
live articles only), preview the email as HTML and plain text in both
scripts, and mark it ready. Sending is the send_newsletter command (or its
task); an issue being sent or sent is read-only: it is the record of what
went out. Subscribers and deliveries are shown read-only; an editor may
unsubscribe someone (recorded as done in the admin).
"""

import smtplib

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from articles.models import Article
from newsroom.display import hk_datetime, person_name

from . import alerts, composing, rendering, sending, subscribing, tokens
from .messages import HeaderInjection, refuse_line_breaks
from .models import (
    AlertDelivery,
    AlertSettings,
    Delivery,
    Follow,
    Issue,
    IssuePick,
    Script,
    Subscriber,
    SubscriptionEvent,
    current_week,
)

PREVIEW_FORMATS = ("html", "text")
LOCKED_STATUSES = (Issue.Status.SENDING, Issue.Status.SENT)


def _is_locked(issue) -> bool:
    return issue is not None and (
        issue.status in LOCKED_STATUSES or issue.sent_at is not None
    )


# --- picks: autocomplete over live articles only -------------------------------


class LiveArticleAutocompleteJsonView(AutocompleteJsonView):
    """The admin's autocomplete, narrowed to what readers can see."""

    def get_queryset(self):
        live = Article.objects.live().values("pk")
        return super().get_queryset().filter(pk__in=live)


class LiveArticleSelect(AutocompleteSelect):
    def get_url(self):
        return reverse(f"{self.admin_site.name}:newsletter_issuepick_autocomplete")


class IssuePickInline(admin.TabularInline):
    model = IssuePick
    fields = ["position", "article", "kind", "published"]
    readonly_fields = ["kind", "published"]
    extra = 1
    verbose_name = _("article")
    verbose_name_plural = _("articles, in order (lower numbers first)")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("article")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "article":
            kwargs["widget"] = LiveArticleSelect(db_field, self.admin_site)
            kwargs["queryset"] = Article.objects.live()
            kwargs["label"] = _("article")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        if obj is not None:
            # A pick whose article went offline may stay (it is left out of
            # the email) so the rest of the issue can still be saved.
            live = Article.objects.live().values("pk")
            formset.form.base_fields["article"].queryset = Article.objects.filter(
                Q(pk__in=live) | Q(newsletter_picks__issue=obj)
            ).distinct()
        return formset

    @admin.display(description=_("kind"))
    def kind(self, pick):
        return pick.article.get_kind_display() if pick.article_id else "—"

    @admin.display(description=_("published"))
    def published(self, pick):
        if not pick.article_id:
            return "—"
        if not pick.article.is_live:
            return _("not live: left out of the email")
        return hk_datetime(pick.article.publish_at)

    def _editable(self, obj):
        return not _is_locked(obj)

    def has_add_permission(self, request, obj=None):
        return self._editable(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._editable(obj) and super().has_delete_permission(request, obj)


# --- issues ------------------------------------------------------------------


class IssueForm(forms.ModelForm):
    class Meta:
        model = Issue
        fields = ["week", "subject", "preheader", "editor_note"]

    def clean_week(self):
        try:
            return composing.parse_week(self.cleaned_data["week"])
        except ValidationError as error:
            raise forms.ValidationError(error.messages) from error

    def _one_line(self, name):
        value = self.cleaned_data.get(name, "")
        try:
            refuse_line_breaks(value, name)
        except HeaderInjection as error:
            raise forms.ValidationError(
                _("Write this on one line, without line breaks."), code="line_break"
            ) from error
        return value

    def clean_subject(self):
        return self._one_line("subject")

    def clean_preheader(self):
        return self._one_line("preheader")


@admin.register(Issue)
class IssueAdmin(admin.ModelAdmin):
    form = IssueForm
    change_form_template = "admin/newsletter/issue/change_form.html"
    inlines = [IssuePickInline]
    list_display = ["week", "subject", "status", "pick_count", "sent_at"]
    list_filter = ["status"]
    search_fields = ["week", "subject"]
    actions = ["fill_selected", "mark_selected_ready"]
    readonly_fields = ["status", "sending_started_at", "sent_at", "deliveries"]
    fieldsets = [
        (None, {"fields": ["week", "subject", "preheader", "editor_note"]}),
        (
            _("Sending"),
            {"fields": ["status", "sending_started_at", "sent_at", "deliveries"]},
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_picks=Count("picks"))

    @admin.display(description=_("articles"), ordering="n_picks")
    def pick_count(self, issue):
        return issue.n_picks

    @admin.display(description=_("deliveries"))
    def deliveries(self, issue):
        if issue.pk is None:
            return "—"
        rows = (
            Delivery.objects.filter(issue=issue)
            .values("status")
            .annotate(n=Count("pk"))
            .order_by("status")
        )
        labels = dict(Delivery.Status.choices)
        if not rows:
            return _("none yet")
        return format_html_join(
            ", ", "{}: {}", ((labels[r["status"]], r["n"]) for r in rows)
        )

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        initial.setdefault("week", current_week())
        return initial

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is None and "subject" in form.base_fields:
            form.base_fields["subject"].required = False
            form.base_fields["subject"].help_text = _(
                "Leave empty to use the lead article's headline."
            )
        return form

    def get_readonly_fields(self, request, obj=None):
        if _is_locked(obj):
            return [
                "week",
                "subject",
                "preheader",
                "editor_note",
                *self.readonly_fields,
            ]
        if obj is not None:
            # The week names the issue (and its web address) once it exists.
            return ["week", *self.readonly_fields]
        return self.readonly_fields

    def has_delete_permission(self, request, obj=None):
        # Deliveries of a sent issue are the record of who was mailed.
        return not _is_locked(obj) and super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if not change:
            articles = composing.week_articles(obj.week)
            obj.subject = obj.subject or composing.default_subject(obj.week, articles)
            obj.preheader = obj.preheader or composing.default_preheader(articles)
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        issue = form.instance
        if not change and not issue.picks.exists():
            if not composing.fill_with_week(issue):
                messages.warning(
                    request,
                    _(
                        "No live article was published in %(week)s (Hong Kong "
                        "time): the issue has no articles. Add them by hand, or "
                        "delete the issue and pick another week."
                    )
                    % {"week": issue.week},
                )

    # --- actions ---------------------------------------------------------------

    # Both change issues: offered (and run, whatever is posted) only to
    # people who may change them, not to those who may only look.
    @admin.action(
        description=_("Fill with the week's articles (empty issues)"),
        permissions=["change"],
    )
    def fill_selected(self, request, queryset):
        filled = 0
        for issue in queryset:
            if _is_locked(issue):
                continue
            if composing.fill_with_week(issue):
                filled += 1
        self.message_user(
            request,
            ngettext(
                "%(n)d issue filled with its week's articles.",
                "%(n)d issues filled with their week's articles.",
                filled,
            )
            % {"n": filled},
            messages.SUCCESS if filled else messages.WARNING,
        )

    @admin.action(description=_("Mark ready to send"), permissions=["change"])
    def mark_selected_ready(self, request, queryset):
        for issue in queryset:
            try:
                composing.mark_ready(issue)
            except composing.NotReady as error:
                self.message_user(request, f"{issue.week}: {error}", messages.ERROR)
            else:
                self.message_user(
                    request,
                    _("%(week)s is ready to send.") % {"week": issue.week},
                    messages.SUCCESS,
                )

    # --- the change page's buttons and previews ---------------------------------

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "pick-articles/",
                view(
                    LiveArticleAutocompleteJsonView.as_view(admin_site=self.admin_site)
                ),
                name="newsletter_issuepick_autocomplete",
            ),
            path(
                "<int:pk>/preview/<str:script>/<str:fmt>/",
                view(self.preview_view),
                name="newsletter_issue_preview",
            ),
            path(
                "<int:pk>/proof/",
                view(require_POST(self.proof_view)),
                name="newsletter_issue_proof",
            ),
            path(
                "<int:pk>/status/<str:action>/",
                view(require_POST(self.status_view)),
                name="newsletter_issue_status",
            ),
            *super().get_urls(),
        ]

    def preview_view(self, request, pk, script, fmt):
        """The email as a Traditional or Simplified subscriber gets it."""
        issue = get_object_or_404(Issue, pk=pk)
        if not self.has_view_permission(request, issue):
            raise PermissionDenied
        if script not in Script.values or fmt not in PREVIEW_FORMATS:
            raise Http404
        rendered = rendering.render_issue(issue, script)
        # No real subscriber: the link goes to the newsletter's page instead.
        html, text = rendered.personalise(tokens.absolute(reverse("newsletter:index")))
        if fmt == "text":
            body = f"Subject: {rendered.subject}\n\n{text}"
            return HttpResponse(body, content_type="text/plain; charset=utf-8")
        return HttpResponse(html, content_type="text/html; charset=utf-8")

    def proof_view(self, request, pk):
        """ "Send a proof to me": both editions to the editor's own address."""
        issue = get_object_or_404(Issue, pk=pk)
        if not self.has_view_permission(request, issue):
            raise PermissionDenied
        address = request.user.email
        if not address:
            self.message_user(
                request,
                _("Your account has no email address: add one to receive proofs."),
                messages.ERROR,
            )
        else:
            try:
                sent = sending.send_proof(issue, address)
            except (HeaderInjection, OSError, smtplib.SMTPException) as error:
                self.message_user(
                    request,
                    _("The proof could not be sent: %(error)s") % {"error": error},
                    messages.ERROR,
                )
            else:
                self.message_user(
                    request,
                    ngettext(
                        "%(n)d proof sent to %(address)s.",
                        "%(n)d proofs sent to %(address)s (one per edition).",
                        sent,
                    )
                    % {"n": sent, "address": address},
                    messages.SUCCESS,
                )
        return HttpResponseRedirect(
            reverse("admin:newsletter_issue_change", args=[issue.pk])
        )

    def status_view(self, request, pk, action):
        """The change page's buttons: fill, mark ready, back to draft."""
        issue = get_object_or_404(Issue, pk=pk)
        if not self.has_change_permission(request, issue) or _is_locked(issue):
            raise PermissionDenied
        try:
            if action == "fill":
                count = composing.fill_with_week(issue)
                if count:
                    message = ngettext(
                        "Added %(n)d article from the week.",
                        "Added %(n)d articles from the week.",
                        count,
                    ) % {"n": count}
                else:
                    message = _(
                        "Nothing added: the issue already has articles, or the "
                        "week has none."
                    )
                self.message_user(request, message)
            elif action == "ready":
                composing.mark_ready(issue)
                self.message_user(request, _("The issue is ready to send."))
            elif action == "draft":
                composing.back_to_draft(issue)
                self.message_user(request, _("The issue is a draft again."))
            else:
                raise Http404
        except composing.NotReady as error:
            self.message_user(request, str(error), messages.ERROR)
        return HttpResponseRedirect(
            reverse("admin:newsletter_issue_change", args=[issue.pk])
        )

    def render_change_form(self, request, context, add=False, change=False, **kw):
        issue = context.get("original")
        if issue is not None:
            context["previews"] = [
                (
                    label,
                    [
                        (
                            fmt_label,
                            reverse(
                                "admin:newsletter_issue_preview",
                                args=[issue.pk, script, fmt],
                            ),
                        )
                        for fmt, fmt_label in (("html", "HTML"), ("text", _("text")))
                    ],
                )
                for script, label in Script.choices
            ]
            context["issue_locked"] = _is_locked(issue)
        return super().render_change_form(request, context, add, change, **kw)


# --- subscribers and deliveries: the record, read-only -------------------------


class SubscriptionEventInline(admin.TabularInline):
    model = SubscriptionEvent
    fields = ["at", "kind", "method", "detail"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class FollowInline(SubscriptionEventInline):
    model = Follow
    fields = ["company", "tag", "created_at"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("company", "tag")


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records kept as they happened: viewed in the admin, never edited there.

    Subscribers change only through newsletter/subscribing.py (the consent and
    unsubscribe record is kept, UEMO); deliveries only through sending.py.
    """

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Subscriber)
class SubscriberAdmin(ReadOnlyAdmin):
    """Status changes go through newsletter/subscribing.py, which keeps the events."""

    list_display = [
        "email",
        "status",
        "script",
        "frequency",
        "created_at",
        "confirmed_at",
    ]
    list_filter = ["status", "script", "frequency"]
    search_fields = ["email"]
    date_hierarchy = "created_at"
    inlines = [FollowInline, SubscriptionEventInline]

    def lookup_allowed(self, lookup, value, request=None):
        # The company admin links here: "who follows this company".
        if lookup in ("follows__company__id__exact", "follows__tag__id__exact"):
            return True
        return super().lookup_allowed(lookup, value, request)

    actions = ["unsubscribe_selected"]

    def get_actions(self, request):
        actions = super().get_actions(request)
        # Listing needs view; unsubscribing someone needs change.
        if not request.user.has_perm("newsletter.change_subscriber"):
            actions.pop("unsubscribe_selected", None)
        return actions

    @admin.action(description=_("Unsubscribe the selected people"))
    def unsubscribe_selected(self, request, queryset):
        done = sum(
            subscribing.unsubscribe(
                subscriber,
                method=SubscriptionEvent.Method.ADMIN,
                detail=f"by {person_name(request.user)}",
            )
            for subscriber in queryset
        )
        self.message_user(
            request,
            ngettext("%(n)d person unsubscribed.", "%(n)d people unsubscribed.", done)
            % {"n": done},
        )


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = ["email", "issue", "status_label", "attempts", "sent_at"]
    list_filter = ["status", "issue"]
    search_fields = ["email"]
    list_select_related = ["issue"]
    readonly_fields = [
        "issue",
        "subscriber",
        "email",
        "script",
        "status",
        "attempts",
        "last_error",
        "message_id",
        "updated_at",
        "sent_at",
    ]

    @admin.display(description=_("status"), ordering="status")
    def status_label(self, delivery):
        if delivery.status == Delivery.Status.SENDING:
            return format_html(
                "<strong>{}</strong>", _("unknown (interrupted while sending)")
            )
        return delivery.get_status_display()


@admin.register(AlertDelivery)
class AlertDeliveryAdmin(ReadOnlyAdmin):
    """Every alert and digest entry: who, which article, what became of it."""

    list_display = ["article", "subscriber", "kind", "status", "reason", "sent_at"]
    list_filter = ["status", "kind"]
    list_select_related = ["article", "subscriber"]
    search_fields = ["subscriber__email"]
    date_hierarchy = "created_at"


@admin.register(AlertSettings)
class AlertSettingsAdmin(admin.ModelAdmin):
    """The digest time and the daily cap: one row, changed by the desk."""

    def has_add_permission(self, request):
        return not AlertSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # A worker waits for the new time; the old chain ends by itself.
        alerts.schedule_digest()
