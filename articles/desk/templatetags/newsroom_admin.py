"""Template tags for the newsroom's admin pages."""

import re

from django import template

register = template.Library()

# What ArticleAdmin.save_related stores: "article-<pk>" or "article-new-<user pk>".
_DRAFT_KEY_RE = re.compile(r"article-(?:new-)?\d{1,20}")


@register.simple_tag(takes_context=True)
def nr_saved_drafts(context):
    """The local-draft keys of articles saved since the last admin page, once.

    ArticleAdmin.save_related lists them in the session after a successful
    save; the page that follows tells the browser (a <meta> read by
    static/articles/saved-drafts.js) to drop its local copies of them. The
    keys are popped, so each is emitted on one page only. A failed save never
    reaches save_related, so its local copy is kept.
    """
    request = context.get("request")
    session = getattr(request, "session", None)
    if session is None:
        return ""
    keys = session.pop("nr_saved_drafts", None) or []
    wanted = [k for k in keys if isinstance(k, str) and _DRAFT_KEY_RE.fullmatch(k)]
    return " ".join(dict.fromkeys(wanted))
