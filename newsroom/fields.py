"""Fields shared by the apps: an ordered list of short lines (key points, aliases)."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from newsroom.edge import refuse_control_characters

_BULLET_RE = re.compile(r"^(?:[•·・▪●◦]\s*|[-*–—]+\s+)+")


class LinesFormField(forms.CharField):
    """Edit a list of strings as a textarea, one item per line.

    Blank lines are dropped and surrounding spaces (ASCII and the full-width
    U+3000) are trimmed; the order is kept.
    """

    widget = forms.Textarea(attrs={"rows": 4})

    def __init__(self, *, max_items=None, max_item_length=None, **kwargs):
        self.max_items = max_items
        self.max_item_length = max_item_length
        kwargs.pop("encoder", None)
        kwargs.pop("decoder", None)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return "\n".join(str(v) for v in value)
        return value

    def to_python(self, value):
        if isinstance(value, list | tuple):
            lines = [str(v) for v in value]
        else:
            lines = str(value or "").splitlines()
        # Checked on the text, not on the list (whose repr hides a NUL from
        # Django's own check): a refusal is a form error that keeps the text.
        for line in lines:
            refuse_control_characters(line)
        # Editors often paste bullets; the list itself is the bullet. A dash
        # or asterisk counts only when a space follows: "-3%" is a figure.
        items = [_BULLET_RE.sub("", line.strip()) for line in lines]
        return [item for item in items if item]

    def validate(self, value):
        if self.required and not value:
            raise ValidationError(self.error_messages["required"], code="required")
        if self.max_items and len(value) > self.max_items:
            raise ValidationError(
                _("At most %(max)d lines, please; this has %(count)d."),
                code="max_items",
                params={"max": self.max_items, "count": len(value)},
            )
        if self.max_item_length:
            for number, item in enumerate(value, start=1):
                if len(item) > self.max_item_length:
                    raise ValidationError(
                        _("Line %(number)d has %(length)d characters (limit %(max)d)."),
                        code="max_item_length",
                        params={
                            "number": number,
                            "length": len(item),
                            "max": self.max_item_length,
                        },
                    )

    def has_changed(self, initial, data):
        return self.to_python(initial) != self.to_python(data)


class LinesField(models.JSONField):
    """A JSON list of strings, edited one item per line."""

    def __init__(self, *args, max_items=None, max_item_length=None, **kwargs):
        self.max_items = max_items
        self.max_item_length = max_item_length
        kwargs.setdefault("default", list)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if self.max_items is not None:
            kwargs["max_items"] = self.max_items
        if self.max_item_length is not None:
            kwargs["max_item_length"] = self.max_item_length
        return name, path, args, kwargs

    def formfield(self, **kwargs):
        return models.Field.formfield(
            self,
            form_class=LinesFormField,
            max_items=self.max_items,
            max_item_length=self.max_item_length,
            **kwargs,
        )
