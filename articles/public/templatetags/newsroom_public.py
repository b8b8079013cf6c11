"""Template filters and tags for the public site."""

from html import escape
from zoneinfo import ZoneInfo

from django import forms, template
from django.forms.utils import flatatt
from django.forms.widgets import Input
from django.utils import timezone
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import ngettext

from newsroom import display

from ...models import Article

register = template.Library()

KIND_LABELS = dict(Article.Kind.choices)  # lazy labels, in the active language
# Readers are told times in Hong Kong, whatever the server's zone.
HONG_KONG = ZoneInfo("Asia/Hong_Kong")


def _local(value):
    if timezone.is_aware(value):
        return timezone.localtime(value, HONG_KONG)
    return value


@register.filter
def hk_date(value):
    """``2026年11月21日``, in Hong Kong time."""
    return display.hk_date(value)


@register.filter
def hk_datetime(value):
    """``2026年11月21日 14:05 HKT``, in Hong Kong time."""
    return display.hk_datetime(value)


@register.filter
def hk_isoformat(value):
    """ISO 8601 with the Hong Kong offset, for ``<time datetime>``."""
    if not value:
        return ""
    return _local(value).isoformat(timespec="seconds")


@register.simple_tag(takes_context=True)
def canonical_url(context):
    """This page's absolute URL without its query string, except the page number."""
    request = context.get("request")
    if request is None:
        return ""
    url = request.build_absolute_uri(request.path)
    page = request.GET.get("page", "")
    if page.isdigit() and page != "1":
        url += f"?page={page}"
    return url


@register.simple_tag
def filter_control(field):
    """The input or select of a list filter's ``field``, written directly.

    Django renders a widget through its form templates, one template per
    option of a select: the list pages' filter form cost 3.7 ms a request
    that way, a quarter of a page. The markup is the same (checked against
    Django's own rendering in tests/articles/test_filter_form.py).
    """
    widget = field.field.widget
    is_select = isinstance(widget, forms.Select) and not widget.allow_multiple_selected
    is_input = isinstance(widget, Input) and not isinstance(
        widget, (forms.CheckboxInput, forms.FileInput)
    )
    if not (is_select or is_input):
        return field.as_widget()  # a kind of control the lists do not use
    attrs = {"name": field.html_name, **widget.attrs, "id": field.auto_id}
    if field.errors:
        attrs["aria-invalid"] = "true"
        attrs["aria-describedby"] = f"{field.auto_id}_error"
    value = field.value()
    if is_select:
        chosen = "" if value is None else str(value)
        options = "".join(  # html.escape: what format_html would call, cheaper
            f'<option value="{escape(str(key))}"'
            f"{' selected' if str(key) == chosen else ''}>{escape(str(label))}</option>"
            for key, label in widget.choices
        )
        return mark_safe(f"<select{flatatt(attrs)}>{options}</select>")
    attrs = {"type": widget.input_type, **attrs}
    shown = widget.format_value(value)
    if shown is not None:
        attrs["value"] = shown
    return format_html("<input{}>", flatatt(attrs))


def _kind_label(kind: str) -> str:
    """get_kind_display() without a model method's lookups: 簡訊, 專題."""
    return escape(str(KIND_LABELS.get(kind, kind)))


@register.simple_tag
def reading_time(article) -> str:
    """The article's reading time ("閱讀需時 3 分鐘"): the message the e-mail's
    ``{% blocktranslate count %}`` gives, for a tenth of that tag's cost."""
    minutes = article.reading_minutes
    return ngettext("%(minutes)s min read", "%(minutes)s min read", minutes) % {
        "minutes": minutes
    }


@register.simple_tag
def article_card(article, level=2, compact=False, headline=None, snippet=None):
    """An article's card in a list: kind, time, headline, dek and, unless
    ``compact``, byline and company chips (``with_cards()`` sets those).
    Search results pass their highlighted ``headline`` and ``snippet`` (safe
    markup; anything else is escaped), the snippet in the dek's place.

    Written in Python rather than as an included template: a list page shows
    twenty cards, which through the template language cost about 3.8 ms, a
    quarter of the page; this costs a tenth of that (bench/list_template.py).
    Every value is escaped with the standard library's ``html.escape``, which
    is what Django's ``escape`` calls. ``level`` is the headline's heading
    level, 3 under a section's own h2.
    """
    level = level if level in (2, 3, 4) else 2
    published = ""
    if article.publish_at:
        published = (
            f' <time datetime="{hk_isoformat(article.publish_at)}">'
            f"{display.hk_datetime(article.publish_at)}</time>"
        )
    title = (
        escape(article.headline) if headline is None else conditional_escape(headline)
    )
    html = [
        f'<article class="card card-{escape(article.kind)}">\n'
        f'  <p class="card-meta"><span class="kind">'
        f"{_kind_label(article.kind)}</span>{published}</p>\n"
        f'  <h{level} class="card-headline"><a href="'
        f'{escape(article.get_absolute_url())}">{title}</a></h{level}>\n'
    ]
    if snippet is not None:
        html.append(
            f'  <p class="card-dek search-snippet">{conditional_escape(snippet)}</p>\n'
        )
    elif article.dek:
        html.append(f'  <p class="card-dek">{escape(article.dek)}</p>\n')
    byline = () if compact else getattr(article, "card_byline", ())
    if byline:
        names = "、".join(escape(author.name) for author in byline)
        html.append(f'  <p class="card-byline">{names}</p>\n')
    companies = () if compact else getattr(article, "card_companies", ())
    chips = "".join(
        f'<a class="chip" href="{escape(company.url)}">'
        f"{escape(company.name)} {escape(ticker)}</a>"
        for company in companies
        for ticker in company.tickers
    )
    if chips:
        html.append(f'  <p class="card-tickers">{chips}</p>\n')
    html.append("</article>\n")
    return mark_safe("".join(html))  # every value above is escaped
