"""LinesFormField: a list of short strings edited one per line."""

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.utils import translation

from companies.models import Company
from newsroom.fields import LinesField, LinesFormField


def test_splits_text_into_lines_in_order():
    field = LinesFormField()
    assert field.clean("第三點\n第一點\r\n第二點") == ["第三點", "第一點", "第二點"]


def test_strips_ascii_and_full_width_spaces():
    field = LinesFormField()
    assert field.clean("  第一點 \n\t第二點\t\n\u3000第三點\u3000") == [
        "第一點",
        "第二點",
        "第三點",
    ]


@pytest.mark.parametrize(
    "bullet", ["•", "- ", "・", "·", "* ", "• ", "・\u3000", "-- ", "— "]
)
def test_strips_leading_bullets(bullet):
    field = LinesFormField()
    assert field.clean(f"{bullet}第一點\n  {bullet}第二點") == ["第一點", "第二點"]


def test_keeps_a_minus_sign_that_starts_a_figure():
    field = LinesFormField()
    assert field.clean("-3% 毛利率\n*註：未經審核") == ["-3% 毛利率", "*註：未經審核"]


def test_keeps_bullet_like_characters_inside_a_line():
    field = LinesFormField()
    assert field.clean("A-share • H-share") == ["A-share • H-share"]


def test_drops_blank_and_bullet_only_lines():
    field = LinesFormField(required=False)
    assert field.clean("\n第一點\n   \n\u3000\n•\n第二點\n\n") == ["第一點", "第二點"]


def test_accepts_a_list():
    field = LinesFormField()
    assert field.clean([" 一 ", "", "・二"]) == ["一", "二"]


def test_required_field_refuses_only_blank_lines():
    field = LinesFormField()
    with pytest.raises(ValidationError) as excinfo:
        field.clean(" \n\u3000\n")
    assert excinfo.value.code == "required"


def test_optional_field_gives_empty_list():
    assert LinesFormField(required=False).clean("") == []


def test_too_many_lines_error_says_limit_and_count():
    field = LinesFormField(max_items=2)
    assert field.clean("一\n二\n\n") == ["一", "二"]
    with pytest.raises(ValidationError) as excinfo:
        field.clean("一\n二\n三")
    (error,) = excinfo.value.error_list
    assert error.code == "max_items"
    with translation.override("en"):
        assert excinfo.value.messages == ["At most 2 lines, please; this has 3."]


def test_too_long_line_error_names_line_length_and_limit():
    field = LinesFormField(max_item_length=5)
    assert field.clean("12345") == ["12345"]
    with pytest.raises(ValidationError) as excinfo:
        field.clean("短\n  一二三四五六 \n短")
    (error,) = excinfo.value.error_list
    assert error.code == "max_item_length"
    with translation.override("en"):
        assert excinfo.value.messages == ["Line 2 has 6 characters (limit 5)."]


def test_prepare_value_joins_list_with_newlines():
    field = LinesFormField()
    assert field.prepare_value(["一", "二", "三"]) == "一\n二\n三"
    assert field.prepare_value(("一",)) == "一"
    assert field.prepare_value("已是文字") == "已是文字"


def test_textarea_shows_one_item_per_line():
    class Form(forms.Form):
        points = LinesFormField()

    html = str(Form(initial={"points": ["一", "二"]})["points"])
    assert "<textarea" in html
    assert ">\n一\n二</textarea>" in html


def test_has_changed_ignores_spacing_and_bullets():
    field = LinesFormField()
    assert not field.has_changed(["一", "二"], "• 一\n\n二 ")
    assert field.has_changed(["一", "二"], "二\n一")


def test_model_field_gives_lines_form_field_with_limits():
    field = LinesField(max_items=3, max_item_length=10)
    form_field = field.formfield()
    assert isinstance(form_field, LinesFormField)
    assert (form_field.max_items, form_field.max_item_length) == (3, 10)
    assert form_field.required is False


def test_model_form_enforces_item_length_from_model():
    class CompanyForm(forms.ModelForm):
        class Meta:
            model = Company
            fields = ["name", "aliases"]

    form = CompanyForm(data={"name": "甲", "aliases": "短\n" + "長" * 101})
    with translation.override("en"):
        assert not form.is_valid()
        assert form.errors == {"aliases": ["Line 2 has 101 characters (limit 100)."]}


@pytest.mark.parametrize("text", ["第一點\n第二\x00點", "a\x07b", ["a", "b\x00"]])
def test_refuses_control_characters_in_the_text_itself(text):
    with pytest.raises(ValidationError) as refused:
        LinesFormField().clean(text)
    assert refused.value.code == "control_character"


def test_keeps_tabs_inside_a_line():
    assert LinesFormField().clean("營收\t+3%") == ["營收\t+3%"]
