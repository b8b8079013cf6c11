"""``{% fixed %}…{% endfixed %}``: markup that is the same on every page of
an edition, rendered once per process for each language and script prefix.

The stylesheet and icons, the header's sections and search box, the
footer's links: some seventy template nodes on every public page (about a
quarter of an article's template) whose output depends only on the active
language, the script prefix, the URLconf and settings, all fixed while the
process runs. Inside, a template sees only ``newsroom_name``, ``sections``
and ``LANGUAGE_CODE``: a request, an article or a form is not there, so it
cannot be kept by mistake (tests/test_fixed_markup.py).
"""

from django import template
from django.conf import settings
from django.utils.translation import get_language

from newsroom import paths

register = template.Library()


class FixedNode(template.Node):
    def __init__(self, nodelist):
        self.nodelist = nodelist
        # By language, script prefix and URLconf: a handful in all.
        self.rendered = {}

    def render(self, context):
        key = (*paths.active(), settings.NEWSROOM_NAME)
        html = self.rendered.get(key)
        if html is None:
            fixed = context.new(
                {
                    "newsroom_name": settings.NEWSROOM_NAME,
                    "sections": paths.sections(),
                    "LANGUAGE_CODE": get_language(),
                }
            )
            html = self.rendered[key] = self.nodelist.render(fixed)
        return html


@register.tag
def fixed(parser, token):
    nodelist = parser.parse(("endfixed",))
    parser.delete_first_token()
    return FixedNode(nodelist)
