"""Merging duplicate companies: one place for the admin action, shell and tests.

The merged company is told to ``newsroom.public_content.changed`` (the page
cache, and the search index of its articles, the others' among them).

Only the public company page (companies/views.py) imports articles/, for
its plain-SQL reads. Here the article links are moved through the reverse
many-to-many relation Article.companies declares on Company
(``related_name="articles"``), and editors' removed links through the reverse
relation ``article_link_removals``, both found through Company._meta.
"""

import logging

from django.db import transaction

from newsroom import public_content

from .models import Company, Ticker

logger = logging.getLogger(__name__)


def _article_links():
    """The through model of Article.companies and its two column names."""
    relation = Company._meta.get_field("articles")
    through = relation.through
    m2m = relation.field
    return through, f"{m2m.m2m_field_name()}_id", f"{m2m.m2m_reverse_field_name()}_id"


def _move_link_removals(keep, other_ids, through, article_col, company_col):
    """Editors' removals of the others' links become removals of ``keep``'s.

    Where the article links ``keep`` after the merge, the link wins: an editor
    removed a duplicate, not the company the article is now linked to.
    """
    relation = Company._meta.get_field("article_link_removals")
    removals = relation.related_model._default_manager
    linked = set(
        through.objects.filter(**{company_col: keep.pk}).values_list(
            article_col, flat=True
        )
    )
    already = set(
        removals.filter(company_id=keep.pk).values_list("article_id", flat=True)
    )
    for removal in removals.filter(company_id__in=other_ids).order_by("pk"):
        if removal.article_id in linked or removal.article_id in already:
            removal.delete()
            continue
        removal.company_id = keep.pk
        removal.save(update_fields=["company"])
        already.add(removal.article_id)


@transaction.atomic
def merge_companies(keep: Company, others, *, by=None) -> Company:
    """Move every ticker and article link of ``others`` to ``keep``, then delete them.

    Their names and aliases become aliases of ``keep``; blank fields of
    ``keep`` are filled from the others. Nothing is lost.
    """
    keep = Company.objects.select_for_update().get(pk=keep.pk)
    others = list(
        Company.objects.select_for_update()
        .filter(pk__in=[o.pk for o in others])
        .exclude(pk=keep.pk)
        .order_by("pk")
    )
    if not others:
        return keep
    other_ids = [o.pk for o in others]

    # Saved one by one, not update(): Ticker.save() is the one write path.
    for ticker in Ticker.objects.filter(company_id__in=other_ids):
        ticker.company = keep
        ticker.save(update_fields=["company"])

    through, article_col, company_col = _article_links()
    moved = set(
        through.objects.filter(**{f"{company_col}__in": other_ids}).values_list(
            article_col, flat=True
        )
    )
    present = set(
        through.objects.filter(
            **{company_col: keep.pk, f"{article_col}__in": moved}
        ).values_list(article_col, flat=True)
    )
    through.objects.bulk_create(
        [through(**{article_col: a, company_col: keep.pk}) for a in moved - present]
    )

    _move_link_removals(keep, other_ids, through, article_col, company_col)

    known = set(keep.all_names)
    for other in others:
        for name in other.all_names:
            if name not in known:
                keep.aliases = [*keep.aliases, name]
                known.add(name)
        for field in ("name_en", "name_hans", "description", "website"):
            if not getattr(keep, field) and getattr(other, field):
                setattr(keep, field, getattr(other, field))
    keep.save()
    # Every article of the others is now keep's: reindexed with its names.
    public_content.changed(keep)
    # Deleting cascades the others' old links; the new ones are already in place.
    Company.objects.filter(pk__in=other_ids).delete()
    logger.info(
        "%s merged %s into %s (%d article links moved)",
        by or "someone",
        ", ".join(f"{o.name} (#{o.pk})" for o in others),
        f"{keep.name} (#{keep.pk})",
        len(moved - present),
    )
    return keep
