"""``{% newsletter_box %}``: the sign-up box on the home page, every article
page and the newsletter's own pages.

Written in Python rather than as an included template, as the article cards
are (articles/public/templatetags/newsroom_public.py): on an article page the
include cost 0.26 ms, a twentieth of the page, in nine translations and a
dozen conditions on a form that is almost never there; this costs a tenth of
that (bench/article_parts.py). Every value is escaped with the standard
library's ``html.escape``, which is what Django's ``escape`` calls.

The box posts without a CSRF token: it is on pages a CDN caches for
everyone; newsletter/views.py (subscribe) says why that is safe.
"""

from html import escape

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext

from newsroom import editions, paths

register = template.Library()


def _value(field) -> str:
    value = field.value()
    return "" if value is None else str(value)


@register.simple_tag(takes_context=True)
def newsletter_box(context, on_newsletter_page=False):
    """The box; with the view's ``newsletter_form`` (a SignupForm that did
    not validate) it shows what was typed and why it was refused."""
    form = context.get("newsletter_form")
    default = "zh-Hans" if get_language() == editions.SIMPLIFIED else "zh-Hant"
    if form:
        page, email = _value(form["page"]), _value(form["email"])
        errors = " ".join(escape(str(error)) for error in form["email"].errors)
        script = form["script"].value() or default
    else:
        request = context.get("request")
        page, email, errors, script = request.path if request else "", "", "", default
    # The site context processor sets them; a bare render reads them itself.
    sections = context.get("sections") or paths.sections()
    # Literal msgids, so that makemessages finds them.
    words = {
        "title": gettext("The week in one e-mail"),
        "pitch": gettext(
            "Our weekly newsletter: the briefs and features that mattered, "
            "every Monday."
        ),
        "email": gettext("Email address"),
        "edition": gettext("Edition"),
        "zh-Hant": gettext("Traditional Chinese"),
        "zh-Hans": gettext("Simplified Chinese"),
        "sign up": gettext("Sign up"),
        "note": gettext(
            "We will email you a link to confirm. Every newsletter has a link "
            "to unsubscribe."
        ),
        "past": gettext("Past issues"),
    }
    words = {key: escape(text) for key, text in words.items()}
    field = "newsletter-field has-error" if errors else "newsletter-field"
    described = (
        "newsletter-email-error newsletter-note" if errors else "newsletter-note"
    )
    html = [
        '<aside class="newsletter-box" aria-labelledby="newsletter-title">',
        f'  <h2 id="newsletter-title">{words["title"]}</h2>',
        f"  <p>{words['pitch']}</p>",
        '  <form class="newsletter-form" method="post"'
        f' action="{escape(sections["subscribe"])}">',
        f'    <input type="hidden" name="page" value="{escape(page)}">',
        f'    <div class="{field}">',
        f'      <label for="newsletter-email">{words["email"]}</label>',
        '      <input type="email" id="newsletter-email" name="email"'
        ' autocomplete="email" required maxlength="254" spellcheck="false"'
        f' value="{escape(email)}" aria-describedby="{described}"'
        + (' aria-invalid="true">' if errors else ">"),
    ]
    if errors:
        html.append(
            '      <p class="field-error" id="newsletter-email-error" role="alert">'
            f"{errors}</p>"
        )
    html += [
        "    </div>",
        '    <fieldset class="newsletter-script">',
        f"      <legend>{words['edition']}</legend>",
    ]
    for value in ("zh-Hant", "zh-Hans"):
        # Traditional unless Simplified was chosen.
        checked = " checked" if (script == "zh-Hans") == (value == "zh-Hans") else ""
        html.append(
            f'      <label><input type="radio" name="script" value="{value}"'
            f"{checked}> {words[value]}</label>"
        )
    past = (
        ""
        if on_newsletter_page
        else f' <a href="{escape(sections["newsletter"])}">{words["past"]}</a>'
    )
    html += [
        "    </fieldset>",
        '    <p class="newsletter-actions">'
        f'<button type="submit">{words["sign up"]}</button></p>',
        '    <p class="newsletter-note" id="newsletter-note">'
        f"{words['note']}{past}</p>",
        "  </form>",
        "</aside>",
    ]
    return mark_safe("\n".join(html))
