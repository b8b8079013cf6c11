"""The admin side of the importer: imported-copy records and the "Import copy" page.

Records are read-only: the raw text and the dropped lines are kept so an
editor can check a draft against what arrived. The upload page runs the same
``storing.import_upload`` as the ``import_articles`` command and shows the
same report, with links to the new drafts. Anyone who may add articles
(editors and writers) may import.
"""

from django import forms
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_protect

from .. import workflow
from ..importing import decoding, preview
from ..importing.parsing import ParseLimitError
from ..importing.report import FileReport, reason_label
from ..importing.storing import (
    ImportOptions,
    create_drafts,
    import_text,
    import_upload,
    read_upload_text,
)
from ..models import Article, ImportRecord

# Room for the multipart envelope and the form's other fields.
UPLOAD_OVERHEAD_BYTES = 64 * 1024


def upload_limit() -> int:
    """Largest file accepted, in bytes (``IMPORT_MAX_UPLOAD_MB``, default 5)."""
    return decoding.max_bytes(
        getattr(settings, "IMPORT_MAX_UPLOAD_MB", decoding.DEFAULT_MAX_MB)
    )


class SizeLimitUploadHandler(FileUploadHandler):
    """Skips an uploaded file as soon as it passes the limit, before it is kept."""

    def __init__(self, request=None, *, limit: int):
        super().__init__(request)
        self.limit = limit
        self.received = 0
        self.too_large = False

    def new_file(self, *args, **kwargs):
        self.received = 0
        super().new_file(*args, **kwargs)

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            self.too_large = True
            raise SkipFile
        return raw_data

    def file_complete(self, file_size):
        return None


class ImportCopyForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "Plain text: a CMS export, a scraped page, wire copy or a press "
            "release. UTF-8, UTF-16, GB18030/GBK or Big5."
        ),
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("As the copy says (short copy is a brief)"))]
        + list(Article.Kind.choices),
        help_text=_("A headline starting with 簡訊: is always a brief."),
    )
    author = forms.CharField(
        label=_("Byline"),
        required=False,
        max_length=100,
        help_text=_("For copy that names no author."),
    )
    source = forms.CharField(
        label=_("Source"),
        required=False,
        max_length=200,
        help_text=_("For copy that does not say where it comes from."),
    )
    dry_run = forms.BooleanField(
        label=_("Only show what would be created"), required=False
    )
    preview = forms.BooleanField(
        label=_("Check the split before drafts are created"),
        required=False,
        initial=True,
        help_text=_(
            "See each article the file was split into, correct it (merge, "
            "split, mark lines), then create the drafts."
        ),
    )


class PreviewForm(forms.Form):
    """What the preview carries between steps: the text and the options."""

    text = forms.CharField(strip=False)
    name = forms.CharField(max_length=500)
    encoding = forms.CharField(max_length=100, required=False)
    kind = forms.ChoiceField(
        required=False, choices=[("", "")] + list(Article.Kind.choices)
    )
    author = forms.CharField(required=False, max_length=100)
    source = forms.CharField(required=False, max_length=200)


@admin.register(ImportRecord)
class ImportRecordAdmin(admin.ModelAdmin):
    list_display = [
        "source_name",
        "article_link",
        "imported_at",
        "imported_by",
        "unknown_tickers_list",
    ]
    list_select_related = ["article", "imported_by"]
    list_filter = ["imported_at"]
    search_fields = ["source_name", "article__headline"]
    date_hierarchy = "imported_at"
    fields = [
        "article_link",
        "source_name",
        "imported_at",
        "imported_by",
        "unknown_tickers_list",
        "warnings_list",
        "dropped_list",
        "raw_text_block",
        "fingerprint",
    ]
    readonly_fields = fields
    change_list_template = "admin/articles/importrecord/change_list.html"

    def get_queryset(self, request):
        # A record shows the raw copy: only of articles the person may see.
        return workflow.visible_to(
            request.user, super().get_queryset(request), via="article__"
        )

    # Read-only: a record is what arrived; editing it would defeat the point.

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return can_import(request.user) or super().has_view_permission(request, obj)

    def has_module_permission(self, request):
        return can_import(request.user) or super().has_module_permission(request)

    @admin.display(description=_("article"), ordering="article__headline")
    def article_link(self, record):
        url = reverse("admin:articles_article_change", args=[record.article_id])
        return format_html('<a href="{}">{}</a>', url, record.article.headline)

    @admin.display(description=_("unknown tickers"))
    def unknown_tickers_list(self, record):
        return ", ".join(record.unknown_tickers) or "—"

    @admin.display(description=_("warnings"))
    def warnings_list(self, record):
        if not record.warnings:
            return "—"
        return format_html(
            "<ul>{}</ul>",
            format_html_join("", "<li>{}</li>", ((w,) for w in record.warnings)),
        )

    @admin.display(description=_("dropped lines"))
    def dropped_list(self, record):
        rows = [
            (reason_label(item.get("reason", "")), item.get("text", ""))
            for item in record.dropped_lines
            if isinstance(item, dict)
        ]
        if not rows:
            return "—"
        return format_html(
            "<ul>{}</ul>", format_html_join("", "<li><b>{}</b>: {}</li>", rows)
        )

    @admin.display(description=_("raw text"))
    def raw_text_block(self, record):
        return format_html(
            '<pre style="white-space: pre-wrap; max-width: 60em">{}</pre>',
            record.raw_text,
        )

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "can_import": can_import(request.user),
        }
        return super().changelist_view(request, extra_context)

    def get_urls(self):
        def upload(request):
            # The size limit must be in place before anything reads the body,
            # and the CSRF check reads it: so CSRF is checked inside.
            handler = SizeLimitUploadHandler(request, limit=upload_limit())
            request.upload_handlers.insert(0, handler)
            return csrf_protect(self.import_view)(request, handler=handler)

        upload.csrf_exempt = True
        return [
            path(
                "import/",
                self.admin_site.admin_view(upload),
                name="articles_importrecord_import",
            ),
            *super().get_urls(),
        ]

    def import_view(self, request, *, handler):
        """Upload a file of raw copy; show the report, with links to the drafts."""
        if not can_import(request.user):
            raise PermissionDenied
        limit = upload_limit()
        report = None
        too_large = request.method == "POST" and _declared_size(request) > (
            limit + UPLOAD_OVERHEAD_BYTES
        )
        if request.method == "POST" and not too_large:
            form = ImportCopyForm(request.POST, request.FILES)
            too_large = handler.too_large
        else:
            form = ImportCopyForm()
        if too_large:
            form = ImportCopyForm()
            form.errors["file"] = form.error_class(
                [
                    gettext("File too large: the limit is %(limit).1f MB.")
                    % {"limit": limit / 1024 / 1024}
                ]
            )
        elif request.method == "POST" and request.POST.get("step") == "preview":
            return self.preview_view(request, limit)
        elif (
            request.method == "POST"
            and form.is_valid()
            and (form.cleaned_data["preview"] and not form.cleaned_data["dry_run"])
        ):
            response, report = self.start_preview(request, form.cleaned_data, limit)
            if response is not None:
                return response
            form = ImportCopyForm(
                initial={k: v for k, v in form.cleaned_data.items() if k != "file"}
            )
        elif request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            report = import_upload(
                data["file"],
                ImportOptions(
                    kind=data["kind"],
                    author=data["author"].strip(),
                    source=data["source"].strip(),
                    dry_run=data["dry_run"],
                    user=request.user,
                    max_bytes=limit,
                ),
            )
            form = ImportCopyForm(
                initial={k: v for k, v in data.items() if k != "file"}
            )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Import copy"),
            "form": form,
            "report": report,
            "limit_mb": limit / 1024 / 1024,
        }
        return TemplateResponse(
            request, "admin/articles/importrecord/import.html", context
        )

    def _options(self, request, data, limit) -> ImportOptions:
        return ImportOptions(
            kind=data["kind"],
            author=data["author"].strip(),
            source=data["source"].strip(),
            user=request.user,
            max_bytes=limit,
        )

    def start_preview(self, request, data, limit):
        """``(response, report)``: the split shown, or the report if none can be."""
        upload = data["file"]
        report = FileReport(upload.name)
        text = read_upload_text(upload, report, limit=limit)
        if text is None:
            return None, report
        try:
            split = preview.initial_split(text)
        except ParseLimitError:
            return None, import_text(text, report, self._options(request, data, limit))
        if len(split.lines) > preview.MAX_PREVIEW_LINES:
            # Too long to correct line by line: imported as the command would.
            create_drafts(split.parsed, report, self._options(request, data, limit))
            return None, report
        carried = PreviewForm(
            initial={
                "text": text,
                "name": upload.name,
                "encoding": report.encoding,
                **{k: data[k] for k in ("kind", "author", "source")},
            }
        )
        return self._render_preview(request, split, carried), report

    def preview_view(self, request, limit):
        """One step of the preview: update, merge, split, or create the drafts."""
        carried = PreviewForm(request.POST)
        if not carried.is_valid():
            return self._render_report(
                request,
                FileReport(
                    "", error=gettext("The preview expired: upload the file again.")
                ),
            )
        data = carried.cleaned_data
        text = decoding.normalise_text(data["text"])
        roles, starts = {}, set()
        for key, value in request.POST.items():
            name, _dash, index = key.partition("-")
            if index.isdigit() and name == "role":
                roles[int(index)] = value
            elif index.isdigit() and name == "start":
                starts.add(int(index))
        try:
            split = preview.edited_split(text, roles, starts)
        except ParseLimitError as error:
            return self._render_report(
                request, FileReport(data["name"], error=str(error))
            )
        action = request.POST.get("action", "")
        if action.startswith("merge-") and action[6:].isdigit():
            starts = preview.merge(split, int(action[6:]))
            split = preview.edited_split(text, split.roles, starts)
        elif action.startswith("split-") and action[6:].isdigit():
            index = int(action[6:])
            starts = preview.split_at(split, index)
            roles = split.roles
            if roles.get(index) in {"body", "junk"}:
                roles[index] = "headline"  # a split most often starts at a title
            split = preview.edited_split(text, roles, starts)
        elif action == "create":
            report = FileReport(data["name"], encoding=data["encoding"])
            create_drafts(split.parsed, report, self._options(request, data, limit))
            return self._render_report(request, report)
        return self._render_preview(request, split, carried)

    def _render_preview(self, request, split, carried):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Check the split"),
            "split": split,
            "carried": carried,
            "roles": list(preview.ROLES.items()),
        }
        return TemplateResponse(
            request, "admin/articles/importrecord/import_preview.html", context
        )

    def _render_report(self, request, report):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Import copy"),
            "form": ImportCopyForm(),
            "report": report,
            "limit_mb": upload_limit() / 1024 / 1024,
        }
        return TemplateResponse(
            request, "admin/articles/importrecord/import.html", context
        )


def can_import(user) -> bool:
    return user.is_active and user.has_perm("articles.add_article")


def _declared_size(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0
