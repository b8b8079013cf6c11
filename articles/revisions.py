"""Revisions: a snapshot of an article's content at each save, compared and restored.

We keep our own small model instead of django-reversion or
django-simple-history: an article's content spans its row, its ordered byline
(a through model), its taggit tags (a generic relation) and its companies,
and editors need exactly that set compared and restored as one. A JSON
snapshot of those parts is one row per save, restores through the same
``Article.save()`` (so the optimistic lock and the sanitiser still apply), and
needs no registration or signal handlers.
"""

import difflib

from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from . import tagging

CONTENT_FIELDS = [
    "kind", "headline", "title_en", "slug", "dek", "key_points", "body",
    "hero_image", "hero_caption", "hero_credit", "hero_alt", "source",
    "source_url", "script",
]  # fmt: skip

# What the compare view shows, in reading order, with a label and a way of
# turning a snapshot into lines of text.
COMPARED = [
    ("headline", _("Headline")),
    ("title_en", _("English title")),
    ("dek", _("Dek")),
    ("key_points", _("Key points")),
    ("body", _("Body")),
    ("tags", _("Tags")),
    ("companies", _("Companies")),
    ("authors", _("Authors")),
    ("hero_caption", _("Caption")),
    ("source", _("Source")),
]


def snapshot(article) -> dict:
    """The article's content as plain JSON data."""
    data = {name: getattr(article, name) for name in CONTENT_FIELDS}
    data["hero_image"] = article.hero_image.name if article.hero_image else ""
    data["tags"] = list(article.tags.names())  # in the order typed
    data["companies"] = [
        {"id": c.pk, "name": c.name} for c in article.companies.order_by("name")
    ]
    data["authors"] = [
        {"id": b.author_id, "name": b.author.name}
        for b in article.bylines.select_related("author").order_by("position", "pk")
    ]
    return data


def snapshot_from(article, *, tags, companies, authors) -> dict:
    """``snapshot(article)`` from relations the caller already has, unqueried.

    ``tags`` are tag names, ``companies`` and ``authors`` (id, name) pairs,
    authors in byline order. The importer knows all of them as it saves.
    """
    data = {name: getattr(article, name) for name in CONTENT_FIELDS}
    data["hero_image"] = article.hero_image.name if article.hero_image else ""
    data["tags"] = list(tags)
    data["companies"] = [
        {"id": pk, "name": name}
        for pk, name in sorted(companies, key=lambda item: (item[1], item[0]))
    ]
    data["authors"] = [{"id": pk, "name": name} for pk, name in authors]
    return data


def record_revision(article, *, by, note: str = "", data=None, first=False, save=True):
    """Keep a revision of the article as saved now, unless nothing changed.

    ``data``: the snapshot, if the caller built it (``snapshot_from``);
    ``first``: the article is new, so there is no earlier revision to compare;
    ``save=False``: return the new revision unsaved (None if nothing changed),
    for a caller that writes a batch of them with ``bulk_create`` (the
    importer).
    """
    from .models import Revision

    if data is None:
        data = snapshot(article)
    latest = None if first else article.revisions.order_by("-version").first()
    if latest is not None and latest.data == data:
        return latest if save else None
    revision = Revision(
        article=article, version=article.version, created_by=by, data=data, note=note
    )
    if save:
        revision.save(force_insert=True)
    return revision


def _as_lines(name, value) -> list[str]:
    from .sanitize import html_to_text

    if name == "body":
        return html_to_text(value or "").splitlines()
    if name in {"companies", "authors"}:
        return [item["name"] for item in value or []]
    if isinstance(value, list):
        return [str(v) for v in value]
    return str(value or "").splitlines()


def _inline_diff(old: str, new: str) -> str:
    """Character-level marks: Chinese has no spaces to diff words by."""
    out = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            out.append(escape(old[a1:a2]))
            continue
        if a2 > a1:
            out.append(f"<del>{escape(old[a1:a2])}</del>")
        if b2 > b1:
            out.append(f"<ins>{escape(new[b1:b2])}</ins>")
    return "".join(out)


def compare(old: dict, new: dict) -> list[dict]:
    """A readable diff of two snapshots, field by field, for fields that differ.

    Each changed line is shown with its removed and inserted characters
    marked; all text is escaped here, so the result is safe to render.
    """
    changes = []
    for name, label in COMPARED:
        before, after = _as_lines(name, old.get(name)), _as_lines(name, new.get(name))
        if before == after:
            continue
        rows = []
        matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
        for op, a1, a2, b1, b2 in matcher.get_opcodes():
            if op == "equal":
                rows += [("same", escape(line)) for line in before[a1:a2]]
            elif op == "replace" and a2 - a1 == b2 - b1:
                rows += [
                    ("changed", _inline_diff(x, y))
                    for x, y in zip(before[a1:a2], after[b1:b2], strict=True)
                ]
            else:
                rows += [("removed", escape(line)) for line in before[a1:a2]]
                rows += [("added", escape(line)) for line in after[b1:b2]]
        changes.append(
            {
                "name": name,
                "label": label,
                "rows": [(kind, mark_safe(html)) for kind, html in rows],
            }
        )
    return changes


def restore_fields(article, data) -> None:
    """Put a revision's content fields back on ``article`` (not saved)."""
    for name in CONTENT_FIELDS:
        if name in data:
            setattr(article, name, data[name])


def restore_relations(article, data) -> None:
    """Put a revision's tags, companies and byline back on the saved ``article``.

    The save itself, and the revision it makes, are articles/editing.py's
    ``restore_revision``.
    """
    from companies.models import Company

    from .models import ArticleAuthor, Author

    tags = data.get("tags", [])
    article.tags.set(tags)
    tagging.keep_typed_order(article, tags)
    article.companies.set(
        Company.objects.filter(pk__in=[c["id"] for c in data.get("companies", [])])
    )
    existing = set(
        Author.objects.filter(
            pk__in=[a["id"] for a in data.get("authors", [])]
        ).values_list("pk", flat=True)
    )
    article.bylines.all().delete()
    ArticleAuthor.objects.bulk_create(
        ArticleAuthor(article=article, author_id=a["id"], position=i)
        for i, a in enumerate(data.get("authors", []))
        if a["id"] in existing
    )
