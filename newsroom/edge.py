"""Control characters refused at the edge, before any view or query sees them.

A NUL byte reaches PostgreSQL as an error (it cannot store one in text), so
left alone it turns into a 500 deep in whatever query first uses the value.
No URL or query string of ours ever needs a control character, so
``RefuseControlCharactersMiddleware`` answers such a request with a clear
400; typed text is checked by its form field (``refuse_control_characters``),
so the person sees a form error and keeps what they typed.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext_lazy as _

# C0 controls and DEL and the C1 controls: Unicode category Cc.
CONTROL_CHARACTERS = frozenset(
    [chr(code) for code in range(0x20)] + [chr(code) for code in range(0x7F, 0xA0)]
)
# In typed text a line break or a tab is text.
TEXT_WHITESPACE = frozenset("\t\n\r")


def has_control_characters(value: str, *, allowed=frozenset()) -> bool:
    return not CONTROL_CHARACTERS.isdisjoint(value) and any(
        char in CONTROL_CHARACTERS and char not in allowed for char in value
    )


def refuse_control_characters(value) -> None:
    """Form validator: no control character but tabs and line breaks."""
    if isinstance(value, str) and has_control_characters(
        value, allowed=TEXT_WHITESPACE
    ):
        raise ValidationError(
            _("This text contains control characters; remove them and save again."),
            code="control_character",
        )


def request_has_control_characters(request) -> bool:
    if has_control_characters(request.path_info):
        return True
    return any(
        has_control_characters(key) or has_control_characters(value)
        for key, values in request.GET.lists()
        for value in values
    )


class RefuseControlCharactersMiddleware:
    """A 400 page for a URL or query string with a control character in it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request_has_control_characters(request):
            with translation.override(settings.LANGUAGE_CODE):
                return render(request, "400.html", status=400)
        return self.get_response(request)
