"""Forms of the editors' desk."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from newsroom.display import hk_datetime, person_name

from .. import tagging, workflow
from ..models import Article
from . import scheduling


class ArticleAdminForm(forms.ModelForm):
    """The change form, with the optimistic lock and the workflow buttons.

    ``base_version`` is the version the person started from; a save based on an
    older version is refused and everything typed stays in the form.
    ``workflow_action`` comes from the button pressed: the content is saved
    first and the action applied after, in the same request, so pressing
    "Publish" never throws away an edit.
    """

    source_url = forms.URLField(
        label=Article._meta.get_field("source_url").verbose_name,
        required=False,
        assume_scheme="https",
    )
    base_version = forms.IntegerField(
        widget=forms.HiddenInput, required=False, min_value=1
    )
    workflow_action = forms.ChoiceField(
        choices=[("", "")] + [(name, a.label) for name, a in workflow.ACTIONS.items()],
        required=False,
        widget=forms.HiddenInput,
    )
    workflow_note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
        help_text=_("Required when sending back: say what needs changing."),
    )
    workflow_at = forms.DateTimeField(
        label=_("Publish at (Hong Kong time)"),
        required=False,
        widget=forms.DateTimeInput(
            # static/articles/schedule-check.js flags a time that has passed.
            attrs={
                "type": "datetime-local",
                "data-nr-schedule-input": "",
                "aria-describedby": "id_workflow_at_warning",
            },
            format="%Y-%m-%dT%H:%M",
        ),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        help_text=_("Leave empty to publish now; a future time schedules the article."),
    )

    # Set by ArticleAdmin.get_form: whose request this is.
    user = None

    class Meta:
        model = Article
        fields = [
            "kind", "headline", "title_en", "slug", "dek", "key_points", "body",
            "hero_image", "hero_alt", "hero_caption", "hero_credit", "tags",
            "companies", "source", "source_url", "script",
        ]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.stale_current = None
        # (typed, existing) tag names: another spelling of an existing tag.
        self.tag_respellings = []
        if not self.is_bound:
            self.initial["base_version"] = self.instance.version
            if self.instance.pk:
                # In the order typed (taggit's own initial value has no order).
                self.initial["tags"] = list(self.instance.tags.all())
        # The server's clock, so the browser's check does not trust its own.
        self.fields["workflow_at"].widget.attrs["data-now"] = str(
            int(timezone.now().timestamp() * 1000)
        )

    def _save_m2m(self):
        super()._save_m2m()
        if "tags" in self.cleaned_data:
            tagging.keep_typed_order(self.instance, self.cleaned_data["tags"])

    def clean_tags(self):
        # 电动车 typed where 電動車 exists is that tag, not a twin of it;
        # only among the tags this person may know of.
        names, self.tag_respellings = tagging.match_existing_tags(
            self.cleaned_data.get("tags") or [],
            among=workflow.tags_visible_to(self.user) if self.user else None,
        )
        return names

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            self._check_not_stale(cleaned.get("base_version"))
        self._check_workflow(cleaned)
        return cleaned

    def _check_not_stale(self, version):
        # Who saved is read after the lock, in its own query: a join in the
        # locking query would show the user of the row as it was before the
        # save this one waited for (PostgreSQL re-reads only the locked row).
        current = Article.objects.select_for_update(of=("self",)).get(
            pk=self.instance.pk
        )
        if version == current.version:
            self.instance.version = version
            return
        self.stale_current = current
        who = person_name(current.updated_by) if current.updated_by else _("someone")
        when = hk_datetime(current.updated_at)
        # The next save is then based on the newest version: having seen the
        # message and merged, the person can save on purpose.
        data = self.data.copy()
        data[self.add_prefix("base_version")] = current.version
        self.data = data
        raise forms.ValidationError(
            _(
                "%(who)s saved this article at %(when)s (version %(version)d) after "
                "you opened it. Your changes have NOT been saved; they are still in "
                "the form below. Compare them with the latest version shown here, "
                "merge what you need, then save again."
            ),
            code="stale",
            params={"who": who, "when": when, "version": current.version},
        )

    def _check_workflow(self, cleaned):
        name = cleaned.get("workflow_action")
        if not name:
            return
        article = self.instance
        action = workflow.ACTIONS[name]
        try:
            workflow.check(action, article, self.user)
        except workflow.TransitionNotAllowed as error:
            raise forms.ValidationError(
                str(error.args[0]), code="not_allowed"
            ) from error
        if action.needs_note and not (cleaned.get("workflow_note") or "").strip():
            self.add_error(
                "workflow_note", _("Say what needs changing: a note is required.")
            )
        at = cleaned.get("workflow_at")
        if at is not None and action.target != Article.Status.PUBLISHED:
            cleaned["workflow_at"] = None
        elif at is not None and scheduling.is_past(at):
            self.add_error(
                "workflow_at",
                _(
                    "That time (%(when)s) has already passed. Pick a future time, "
                    "or leave it empty to publish now."
                )
                % {"when": scheduling.hk_time(at)},
            )


class PreviewLinkForm(forms.Form):
    label = forms.CharField(label=_("For whom"), max_length=100, required=False)
    hours = forms.IntegerField(
        label=_("Valid for (hours)"), min_value=1, max_value=24 * 30, initial=72
    )
