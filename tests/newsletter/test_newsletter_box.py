"""{% newsletter_box %}: the sign-up box, written in Python
(newsletter/templatetags/newsletter_box.py)."""

import pytest
from django.template import engines
from django.test import RequestFactory
from django.utils import translation
from lxml import html as lxml_html

from newsletter.forms import SignupForm
from newsroom import paths

BOX = engines["django"].from_string("{% load newsletter_box %}{% newsletter_box %}")
ON_NEWSLETTER_PAGE = engines["django"].from_string(
    "{% load newsletter_box %}{% newsletter_box on_newsletter_page=True %}"
)


def render(template=BOX, *, language="zh-hant", form=None, path="/articles/1/a/"):
    with translation.override(language):
        context = {"newsletter_form": form, "sections": paths.sections()}
        markup = template.render(context, RequestFactory().get(path))
    return lxml_html.fragment_fromstring(markup)


def checked_script(box) -> list[str]:
    return box.xpath("//input[@name='script'][@checked]/@value")


def test_box_on_an_article_page_in_each_edition():
    box = render(path="/articles/7/slug/")
    assert box.xpath("//input[@name='page']/@value") == ["/articles/7/slug/"]
    assert box.xpath("//form/@action") == ["/newsletter/subscribe/"]
    assert checked_script(box) == ["zh-Hant"]
    with translation.override("zh-hant"):
        title = translation.gettext("The week in one e-mail")
    assert title != "The week in one e-mail"
    assert box.xpath("//h2/text()") == [title]
    assert box.xpath("//p[@id='newsletter-note']/a/@href") == ["/newsletter/"]
    simplified = render(language="zh-hans", path="/zh-hans/articles/7/slug/")
    assert checked_script(simplified) == ["zh-Hans"]
    assert simplified.xpath("//form/@action") == ["/zh-hans/newsletter/subscribe/"]
    assert simplified.xpath("//p[@id='newsletter-note']/a/@href") == [
        "/zh-hans/newsletter/"
    ]


@pytest.mark.parametrize("language", ["zh-hant", "zh-hans"])
def test_no_english_shows_through(language):
    text = render(language=language).text_content()
    for english in ("newsletter", "Sign up", "Email", "Edition", "Past issues"):
        assert english not in text, english


def test_the_newsletter_page_does_not_link_to_itself():
    box = render(ON_NEWSLETTER_PAGE, path="/newsletter/")
    assert box.xpath("//p[@id='newsletter-note']/a") == []


def test_a_refused_address_is_shown_escaped_with_its_error_wired_to_the_field():
    form = SignupForm(
        data={"email": '"><script>x</script>', "script": "zh-Hans", "page": '/a"b'}
    )
    assert not form.is_valid()
    box = render(form=form)
    field = box.xpath("//input[@name='email']")[0]
    assert field.get("value") == '"><script>x</script>'
    assert field.get("aria-invalid") == "true"
    assert field.get("aria-describedby") == "newsletter-email-error newsletter-note"
    assert box.xpath("//script") == []
    error = box.xpath("//p[@id='newsletter-email-error']")[0]
    assert error.get("role") == "alert" and error.text_content().strip()
    assert box.xpath("//div[contains(@class, 'has-error')]")
    assert box.xpath("//input[@name='page']/@value") == ['/a"b']
    assert checked_script(box) == ["zh-Hans"]  # the reader's choice is kept


def test_without_errors_the_field_is_not_marked():
    field = render().xpath("//input[@name='email']")[0]
    assert field.get("aria-invalid") is None
    assert field.get("aria-describedby") == "newsletter-note"
    assert field.get("value") == ""


def test_a_render_without_the_context_processor_still_links_the_sections():
    with translation.override("zh-hant"):
        markup = BOX.render({}, RequestFactory().get("/x/"))
    box = lxml_html.fragment_fromstring(markup)
    assert box.xpath("//form/@action") == ["/newsletter/subscribe/"]
    assert box.xpath("//input[@name='page']/@value") == ["/x/"]
