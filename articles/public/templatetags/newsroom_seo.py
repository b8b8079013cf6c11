"""Template tags for what machines read on public pages: meta tags and JSON-LD."""

import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from articles.public import seo

register = template.Library()

# The same escapes as django.utils.html.json_script: with <, > and & written
# as \u003C etc., no string in the data can close the <script> element.
_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.filter(is_safe=True)
def json_ld(value):
    """``value`` as a <script type="application/ld+json"> element."""
    data = json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False)
    return format_html(
        '<script type="application/ld+json">{}</script>',
        mark_safe(data.translate(_JSON_SCRIPT_ESCAPES)),
    )


@register.simple_tag(takes_context=True)
def article_seo(context):
    """What the article page's meta tags need, worked out once: the JSON-LD
    and the meta tags say the same things, so the tags read them from it."""
    article, request = context["article"], context["request"]
    tags = list(context.get("tags") or [])
    jsonld = seo.news_article_jsonld(
        article,
        request,
        authors=context.get("authors") or [],
        companies=context.get("companies") or [],
        corrections=context.get("corrections") or [],
        tags=tags,
    )
    return {
        "url": jsonld["url"],
        "description": jsonld["description"],
        "image": jsonld.get("image", [""])[0],
        "locale": seo.og_locale(),
        "published": jsonld.get("datePublished", ""),
        "modified": jsonld.get("dateModified", ""),
        "author_urls": [author["url"] for author in jsonld["author"]],
        "tags": [tag.name for tag in tags],
        "jsonld": jsonld,
    }
