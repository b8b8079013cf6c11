"""The editors' desk in the Django admin: articles, authors, revisions, previews.

Status changes go through articles/workflow.py; this module only offers the
buttons and actions the person is allowed to use and reports the outcome.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Count
from django.http import (
    Http404,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from js_asset.media import Media

from companies.models import Company
from newsroom import pagecache
from newsroom.display import hk_datetime, person_name
from newsroom.public_admin import PublicContentAdmin

from .. import company_links, editing, preview, revisions, tagging, workflow
from ..models import (
    Article,
    ArticleAuthor,
    Author,
    Correction,
    PreviewLink,
    Revision,
    StaleArticleError,
)
from ..public.views import preview_response
from . import quick_actions, scheduling
from .dashboard import DeskFilter
from .forms import ArticleAdminForm, PreviewLinkForm
from .search_admin import SearchIndexAdminMixin

admin.site.site_header = _("Newsroom editorial desk")
admin.site.site_title = _("Newsroom")
admin.site.index_title = _("Editorial desk")


@admin.register(Author)
class AuthorAdmin(PublicContentAdmin):
    list_display = ["name", "slug", "user", "article_count"]
    search_fields = ["name", "slug", "email"]
    autocomplete_fields = ["user"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_articles=Count("bylines"))

    @admin.display(description=_("articles"), ordering="n_articles")
    def article_count(self, obj):
        return obj.n_articles


class BylineInline(admin.TabularInline):
    """The byline is part of the article: whoever may edit the article edits it."""

    model = ArticleAuthor
    autocomplete_fields = ["author"]
    fields = ["author", "position"]
    extra = 1
    min_num = 0
    verbose_name = _("author")
    verbose_name_plural = _("byline (in order)")

    def _may_edit(self, request, obj):
        if obj is None:
            return request.user.has_perm("articles.add_article")
        return workflow.can_edit(request.user, obj)

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("articles.view_article")

    def has_add_permission(self, request, obj=None):
        return self._may_edit(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._may_edit(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._may_edit(request, obj)


class CorrectionInline(admin.StackedInline):
    """Corrections are added, never edited or removed."""

    model = Correction
    extra = 0
    fields = ["corrected_at", "wrong", "right"]
    can_delete = False

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request, obj=None):
        return (
            obj is not None
            and obj.first_published_at is not None
            and request.user.has_perm("articles.add_correction")
        )

    def get_readonly_fields(self, request, obj=None):
        return []


class StatusFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [
            ("draft", _("Draft")),
            ("review", _("In review")),
            ("scheduled", _("Scheduled")),
            ("live", _("Live")),
            ("unpublished", _("Unpublished")),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "live":
            return queryset.live()
        if value == "scheduled":
            return queryset.scheduled()
        if value in {"draft", "review", "unpublished"}:
            return queryset.filter(status=value)
        return queryset


class AuthorFilter(admin.SimpleListFilter):
    title = _("author")
    parameter_name = "author"

    def lookups(self, request, model_admin):
        return [(a.pk, a.name) for a in Author.objects.only("pk", "name")]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(bylines__author_id=self.value())
        return queryset


class TagFilter(admin.SimpleListFilter):
    title = _("tag")
    parameter_name = "tag"

    def lookups(self, request, model_admin):
        tags = workflow.tags_visible_to(request.user).order_by("-n", "name")
        return [(t.slug, t.name) for t in tags[:40]]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(tags__slug=self.value())
        return queryset


STATUS_COLOURS = {
    "draft": "#6b7280",
    "review": "#b45309",
    "scheduled": "#1d4ed8",
    "published": "#047857",
    "unpublished": "#991b1b",
}


def _when(value):
    return hk_datetime(value) if value else "—"


@admin.register(Article)
class ArticleAdmin(SearchIndexAdminMixin, admin.ModelAdmin):
    form = ArticleAdminForm
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    change_form_template = "admin/articles/article/change_form.html"
    inlines = [BylineInline, CorrectionInline]
    list_display = [
        "headline",
        "status_badge",
        "kind",
        "byline",
        "publish_time",
        "updated_at_hk",
    ]
    list_display_links = ["headline"]
    list_filter = [
        StatusFilter,
        DeskFilter,
        "kind",
        AuthorFilter,
        TagFilter,
        "companies",
        "script",
    ]
    search_fields = ["headline", "title_en", "dek", "body_text"]
    date_hierarchy = "publish_at"
    autocomplete_fields = ["companies"]
    list_per_page = 50
    actions = [
        "submit_selected",
        "publish_selected",
        "unpublish_selected",
        "return_to_draft_selected",
    ]
    readonly_fields = [
        "status_badge",
        "publish_time_hk",
        "first_published_hk",
        "version",
        "created_by_name",
        "updated_by_name",
        "updated_at_hk",
    ]
    fieldsets = [
        (
            None,
            {"fields": ["kind", "headline", "title_en", "dek", "key_points", "body"]},
        ),
        (_("Tags and companies"), {"fields": ["tags", "companies"]}),
        (
            _("Hero image"),
            {"fields": ["hero_image", "hero_alt", "hero_caption", "hero_credit"]},
        ),
        (
            _("Source and language"),
            {
                "fields": ["source", "source_url", "script", "slug"],
                "classes": ["collapse"],
            },
        ),
        (
            _("Publishing"),
            {
                "fields": [
                    "status_badge",
                    "publish_time_hk",
                    "first_published_hk",
                    "version",
                    "created_by_name",
                    "updated_by_name",
                    "updated_at_hk",
                ]
            },
        ),
    ]

    # --- list -----------------------------------------------------------------

    def get_queryset(self, request):
        # The list, its search and its bulk actions see only these.
        return workflow.visible_to(request.user, self._all_articles(request))

    def _all_articles(self, request):
        return super().get_queryset(request).with_bylines()

    def get_object(self, request, object_id, from_field=None):
        # Any article by its id: one the person may not see is refused by
        # has_view_permission (403), not reported as deleted.
        opts = Article._meta
        field = opts.pk if from_field is None else opts.get_field(from_field)
        try:
            value = field.to_python(object_id)
            return self._all_articles(request).get(**{field.name: value})
        except (Article.DoesNotExist, ValidationError, ValueError):
            return None

    @admin.display(description=_("status"), ordering="status")
    def status_badge(self, obj):
        key = "scheduled" if obj.is_scheduled else obj.status
        return format_html(
            '<span class="nr-status nr-status-{}" style="background:{}">{}</span>',
            key,
            STATUS_COLOURS.get(key, "#6b7280"),
            obj.display_status,
        )

    @admin.display(description=_("authors"))
    def byline(self, obj):
        return "、".join(a.name for a in obj.byline_authors) or "—"

    @admin.display(description=_("publish time"), ordering="publish_at")
    def publish_time(self, obj):
        countdown = scheduling.goes_live_in(obj.publish_at) if obj.is_scheduled else ""
        if not countdown:
            return _when(obj.publish_at)
        return format_html(
            '{}<br><span class="nr-countdown">{}</span>',
            _when(obj.publish_at),
            countdown,
        )

    @admin.display(description=_("created by"))
    def created_by_name(self, obj):
        return person_name(obj.created_by) or "—"

    @admin.display(description=_("last saved by"))
    def updated_by_name(self, obj):
        return person_name(obj.updated_by) or "—"

    @admin.display(description=_("last saved"), ordering="updated_at")
    def updated_at_hk(self, obj):
        return _when(obj.updated_at)

    @admin.display(description=_("publish time"))
    def publish_time_hk(self, obj):
        countdown = scheduling.goes_live_in(obj.publish_at) if obj.is_scheduled else ""
        if not countdown:
            return scheduling.hk_time(obj.publish_at)
        return format_html(
            '{} <span class="nr-countdown">({})</span>',
            scheduling.hk_time(obj.publish_at),
            countdown,
        )

    @admin.display(description=_("first published"))
    def first_published_hk(self, obj):
        return scheduling.hk_time(obj.first_published_at)

    def get_list_display(self, request):
        if not workflow.can_publish(request.user):
            return self.list_display
        now = timezone.now()
        shared = {
            "presets": scheduling.preset_choices(now),
            "now_input": scheduling.input_value(now),
            "now_ms": int(now.timestamp() * 1000),
        }

        # Bound to this request (one ModelAdmin serves every thread).
        @admin.display(description=_("quick actions"))
        def quick_actions_column(obj):
            controls = quick_actions.controls_for(obj, request.user)
            if controls is None:
                return ""
            return render_to_string(
                "admin/articles/article/includes/quick_actions.html",
                {"qa": controls, **shared},
                request=request,
            )

        return [*self.list_display, quick_actions_column]

    def view_on_site(self, obj):
        if obj.is_live:
            return obj.get_absolute_url()
        return reverse("admin:articles_article_preview", args=[obj.pk])

    # --- permissions ------------------------------------------------------------

    def has_view_permission(self, request, obj=None):
        if not super().has_view_permission(request, obj):
            return False
        return obj is None or workflow.can_view(request.user, obj)

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or workflow.can_edit(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and workflow.can_delete(
            request.user, obj
        )

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not workflow.can_publish(request.user):
            for name in [
                "publish_selected",
                "unpublish_selected",
                "return_to_draft_selected",
            ]:
                actions.pop(name, None)
        return actions

    # --- form -------------------------------------------------------------------

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"user": request.user})

    def save_model(self, request, obj, form, change):
        """Saved with its related rows by ``save_related``, in one edit."""

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        pagecache.changed()  # a published article leaves the site

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        pagecache.changed()

    def save_related(self, request, form, formsets, change):
        article = form.instance
        before = {c.pk for c in form.initial.get("companies", [])} if change else set()

        def related():
            super(ArticleAdmin, self).save_related(request, form, formsets, change)
            self._save_editor_choices(request, form, formsets, article, before)

        # Raises StaleArticleError or TransitionNotAllowed (a PermissionDenied)
        # if the article changed since the form was checked; the admin's
        # transaction then rolls back and the browser's local copy keeps the
        # text.
        edit = editing.save_article(
            article,
            by=request.user,
            related=related,
            action=form.cleaned_data.get("workflow_action") or "",
            note=form.cleaned_data.get("workflow_note", ""),
            at=form.cleaned_data.get("workflow_at"),
        )
        for typed, existing in getattr(form, "tag_respellings", ()):
            messages.info(
                request,
                _("Tag “%(typed)s” was saved as the existing tag “%(existing)s”.")
                % {"typed": typed, "existing": existing},
            )
        if edit.linked.added:
            messages.info(
                request,
                _("Linked by the tickers in the copy: %(companies)s.")
                % {"companies": "、".join(c.name for c in edit.linked.added)},
            )
        _report_sent_back(request, edit)
        if edit.transition is not None:
            action = workflow.ACTIONS[edit.transition.action]
            messages.success(
                request,
                _("The article was %(done)s. It is now: %(status)s.")
                % {"done": action.done, "status": article.display_status},
            )
        # Tell the next page to drop the browser's local copy (see
        # static/articles/article-form.js); the key is the form's, derived here.
        draft_key = (
            f"article-{article.pk}" if change else f"article-new-{request.user.pk}"
        )
        saved = request.session.get("nr_saved_drafts", [])
        request.session["nr_saved_drafts"] = [*saved[-9:], draft_key]

    def _save_editor_choices(self, request, form, formsets, article, before):
        """What the form says beyond its fields: companies removed or chosen
        from the suggestions, and who wrote a new correction."""
        after = {c.pk for c in form.cleaned_data.get("companies", [])}
        company_links.record_editor_changes(
            article, before=before, after=after, by=request.user
        )
        chosen = request.POST.get("_link_company", "")
        if chosen.isdigit():
            company = Company.objects.filter(pk=int(chosen)).first()
            if company is not None:
                company_links.link_company(article, company)
                messages.success(
                    request, _("Linked %(company)s.") % {"company": company.name}
                )
        for formset in formsets:
            if formset.model is Correction:
                for correction in formset.new_objects:
                    if correction.created_by_id is None:
                        correction.created_by = request.user
                        correction.save(update_fields=["created_by"])

    def response_change(self, request, obj):
        if "_link_company" in request.POST:
            # Accepting a suggestion saves the form; the editor stays on it.
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)

    def render_change_form(
        self, request, context, add=False, change=False, form_url="", obj=None
    ):
        article = obj or context["adminform"].form.instance
        context.update(
            workflow_actions=workflow.available_actions(article, request.user),
            transitions=workflow.transitions_visible_to(request.user, obj)
            if obj
            else [],
            preview_links=obj.preview_links.select_related("created_by") if obj else [],
            can_share_preview=obj is not None
            and request.user.has_perm("articles.add_previewlink"),
            preview_form=PreviewLinkForm(),
            stale_current=context["adminform"].form.stale_current,
            revision_count=workflow.revisions_visible_to(request.user, obj).count()
            if obj
            else 0,
        )
        if obj is not None:
            context.update(
                company_suggestions=company_links.suggest_companies(obj),
                unknown_tickers=company_links.unknown_tickers(obj),
                removed_companies=company_links.removed_companies(obj),
                can_add_company=request.user.has_perm("companies.add_company"),
            )
        # The rich-text editor's import map is an inline script: it carries
        # this request's CSP nonce (newsroom/security.py).
        nonce = getattr(request, "csp_nonce", "")
        context["media"] = Media.from_media(context["media"], nonce=nonce)
        return super().render_change_form(request, context, add, change, form_url, obj)

    # --- bulk actions -------------------------------------------------------------

    def _bulk(self, request, queryset, name, **kwargs):
        done, refused = 0, []
        for article in queryset:
            try:
                workflow.apply(name, article, by=request.user, **kwargs)
                done += 1
            except workflow.TransitionNotAllowed as error:
                refused.append(f"《{article.headline}》：{error.args[0]}")
        if done:
            messages.success(
                request,
                ngettext(
                    "%(count)d article %(done)s.", "%(count)d articles %(done)s.", done
                )
                % {"count": done, "done": workflow.ACTIONS[name].done},
            )
        for line in refused:
            messages.error(request, line)

    @admin.action(description=_("Submit selected drafts for review"))
    def submit_selected(self, request, queryset):
        self._bulk(request, queryset, "submit")

    @admin.action(
        description=_("Publish selected articles now"), permissions=["publish"]
    )
    def publish_selected(self, request, queryset):
        self._bulk(request, queryset, "publish")

    @admin.action(description=_("Unpublish selected articles"), permissions=["publish"])
    def unpublish_selected(self, request, queryset):
        self._bulk(request, queryset, "unpublish")

    @admin.action(
        description=_("Return selected unpublished articles to draft"),
        permissions=["publish"],
    )
    def return_to_draft_selected(self, request, queryset):
        self._bulk(request, queryset, "return_to_draft")

    def has_publish_permission(self, request):
        return workflow.can_publish(request.user)

    # --- extra views: revisions, previews ----------------------------------

    def get_inline_instances(self, request, obj=None):
        # Corrections belong to published articles; elsewhere the empty
        # inline is only noise.
        return [
            inline
            for inline in super().get_inline_instances(request, obj)
            if not isinstance(inline, CorrectionInline)
            or (obj is not None and obj.first_published_at is not None)
        ]

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path(
                "<int:pk>/revisions/",
                wrap(self.revisions_view),
                name="articles_article_revisions",
            ),
            path(
                "<int:pk>/revisions/<int:revision_pk>/restore/",
                wrap(self.restore_view),
                name="articles_article_restore",
            ),
            path(
                "tags/suggest/",
                wrap(self.tag_suggest_view),
                name="articles_tag_suggest",
            ),
            path(
                "<int:pk>/quick/<str:name>/",
                wrap(self.quick_action_view),
                name="articles_article_quick",
            ),
            path(
                "<int:pk>/preview/",
                wrap(self.preview_view),
                name="articles_article_preview",
            ),
            path(
                "<int:pk>/preview-links/",
                wrap(self.create_preview_link_view),
                name="articles_article_preview_link",
            ),
            path(
                "<int:pk>/preview-links/<int:link_pk>/revoke/",
                wrap(self.revoke_preview_link_view),
                name="articles_article_revoke_preview_link",
            ),
            *super().get_urls(),
        ]

    def tag_suggest_view(self, request):
        """Tag names starting with (then containing) ``q`` in any script, most
        used first; ``existing``: the tag ``q`` spells otherwise (电动车 → 電動車).
        """
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        # NUL: PostgreSQL refuses it in a query parameter.
        query = (request.GET.get("q") or "").strip()[:50]
        if not query:
            return JsonResponse({"results": [], "existing": None})
        visible = workflow.tags_visible_to(request.user)
        starting = tagging.tags_spelled_like(query, match="prefix", among=visible)
        names = list(starting.values_list("name", flat=True)[:10])
        if len(names) < 10:
            containing = tagging.tags_spelled_like(
                query, match="contains", among=visible
            )
            containing = containing.exclude(name__in=names)
            names += list(containing.values_list("name", flat=True)[: 10 - len(names)])
        existing = tagging.existing_spelling(query, among=visible)
        return JsonResponse(
            {"results": names, "existing": existing if existing != query else None}
        )

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "tags":
            field.widget.attrs.update(
                {
                    "data-suggest-url": reverse("admin:articles_tag_suggest"),
                    "data-existing-message": _(
                        "“%(typed)s” will be saved as the existing tag “%(name)s”."
                    ),
                    "data-use-label": _("Use “%(name)s”"),
                    "autocomplete": "off",
                    "class": "vTextField nr-tags",
                }
            )
        return field

    def _article_or_404(self, request, pk):
        article = get_object_or_404(self._all_articles(request), pk=pk)
        if not self.has_view_or_change_permission(request, article):
            raise PermissionDenied
        return article

    def revisions_view(self, request, pk):
        article = self._article_or_404(request, pk)
        history = list(workflow.revisions_visible_to(request.user, article))
        by_pk = {r.pk: r for r in history}
        older = by_pk.get(_int(request.GET.get("a")))
        newer = by_pk.get(_int(request.GET.get("b")))
        if older is None and newer is None and len(history) >= 2:
            newer, older = history[0], history[1]
        if older and newer and older.version > newer.version:
            older, newer = newer, older
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Revisions of “%s”") % article.headline,
            "article": article,
            "history": history,
            "older": older,
            "newer": newer,
            "changes": revisions.compare(older.data, newer.data)
            if older and newer
            else None,
            "can_restore": workflow.can_edit(request.user, article),
        }
        return TemplateResponse(
            request, "admin/articles/article/revisions.html", context
        )

    def restore_view(self, request, pk, revision_pk):
        if request.method != "POST":
            return HttpResponseRedirect(
                reverse("admin:articles_article_revisions", args=[pk])
            )
        article = self._article_or_404(request, pk)
        if not workflow.can_edit(request.user, article):
            raise PermissionDenied
        revision = get_object_or_404(Revision, pk=revision_pk, article=article)
        try:
            edit = editing.restore_revision(article, revision, by=request.user)
        except StaleArticleError:
            messages.error(
                request,
                _(
                    "Someone saved the article just now, so nothing was restored. "
                    "Check the latest version, then restore again if you still "
                    "want to."
                ),
            )
            return HttpResponseRedirect(
                reverse("admin:articles_article_revisions", args=[pk])
            )
        _report_sent_back(request, edit)
        messages.success(
            request,
            _(
                "Version %(old)d restored as version %(new)d. Nothing was lost: "
                "the version it replaced is kept too."
            )
            % {"old": revision.version, "new": article.version},
        )
        return HttpResponseRedirect(reverse("admin:articles_article_change", args=[pk]))

    def quick_action_view(self, request, pk, name):
        """Publish now, schedule or send back from a dashboard or list row."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if name not in quick_actions.NAMES:
            raise Http404
        if not workflow.can_publish(request.user):
            raise PermissionDenied
        article = get_object_or_404(self.get_queryset(request), pk=pk)
        return quick_actions.carry_out(request, article, name)

    def preview_view(self, request, pk):
        return preview_response(request, self._article_or_404(request, pk))

    def create_preview_link_view(self, request, pk):
        article = self._article_or_404(request, pk)
        if request.method != "POST" or not request.user.has_perm(
            "articles.add_previewlink"
        ):
            raise PermissionDenied
        form = PreviewLinkForm(request.POST)
        if form.is_valid():
            link = preview.create_link(
                article,
                by=request.user,
                hours=form.cleaned_data["hours"],
                label=form.cleaned_data["label"],
            )
            url = request.build_absolute_uri(preview.link_path(link))
            messages.success(
                request,
                format_html(
                    '{} <input class="vTextField nr-copy" readonly value="{}"> {}',
                    _("Preview link:"),
                    url,
                    _("valid until %s.") % _when(link.expires_at),
                ),
            )
        else:
            errors = format_html_join(" ", "{}", ((e,) for e in form.errors.values()))
            messages.error(
                request, format_html("{} {}", _("No link was made:"), errors)
            )
        return HttpResponseRedirect(
            reverse("admin:articles_article_change", args=[pk]) + "#preview-links"
        )

    def revoke_preview_link_view(self, request, pk, link_pk):
        article = self._article_or_404(request, pk)
        if request.method != "POST" or not request.user.has_perm(
            "articles.add_previewlink"
        ):
            raise PermissionDenied
        link = PreviewLink.objects.filter(pk=link_pk, article=article).first()
        if link is None:
            raise Http404
        preview.revoke(link)
        messages.success(
            request, _("The preview link was revoked; it now shows nothing.")
        )
        return HttpResponseRedirect(
            reverse("admin:articles_article_change", args=[pk]) + "#preview-links"
        )


def _report_sent_back(request, edit):
    if edit.sent_back is not None:
        messages.warning(
            request,
            _(
                "The article was scheduled: your edit sent it back for approval. "
                "It is in review and no longer scheduled until an editor who may "
                "publish schedules it again."
            ),
        )


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


from . import import_admin, tag_admin  # noqa: E402, F401 (each registers its admin)
