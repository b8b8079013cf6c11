"""The sign-up form: an address, a script, and the page it was on."""

from django import forms
from django.utils.translation import gettext_lazy as _

from . import subscribing
from .models import Frequency, Script


class EmailAddressField(forms.EmailField):
    default_validators = [subscribing.validate_email_address]

    def to_python(self, value):
        # Before EmailField strips whitespace: "a@b.hk\r\nBcc: ..." must be
        # refused, not trimmed into something that looks harmless.
        if value:
            subscribing.refuse_control_characters(str(value))
        return super().to_python(value)


class SignupForm(forms.Form):
    email = EmailAddressField(
        label=_("Email address"),
        max_length=254,
        error_messages={"required": _("Enter your email address.")},
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    script = forms.ChoiceField(
        label=_("Edition"),
        choices=Script.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    # The page the form was on, for the consent record.
    page = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, default_script=Script.HANT, **kwargs):
        super().__init__(*args, **kwargs)
        self.default_script = default_script
        self.fields["script"].initial = default_script

    def clean_script(self):
        return self.cleaned_data["script"] or self.default_script

    def clean_page(self):
        return subscribing.clean_consent_page(self.cleaned_data["page"])


class FollowForm(SignupForm):
    """The "follow by email" form on company and tag pages."""

    target = forms.RegexField(regex=r"^[ct]:[0-9]{1,18}$", widget=forms.HiddenInput)


class PreferencesForm(forms.Form):
    frequency = forms.ChoiceField(
        label=_("How often"), choices=Frequency.choices, widget=forms.RadioSelect
    )
    script = forms.ChoiceField(
        label=_("Edition"), choices=Script.choices, widget=forms.RadioSelect
    )
