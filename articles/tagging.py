"""Tag strings as editors type them, with Chinese punctuation and two scripts.

django-taggit splits on ASCII commas (or spaces) only, so "央行，降准" would
be one tag. Here commas, the Chinese comma, the enumeration comma, and
semicolons of both widths separate tags; spaces do not, so English tags like
"Hang Seng Index" stay whole.

One tag is one subject whichever script it was typed in: 醫藥 and 医药,
電動車 and 电动车 are spellings of one tag, as are HSBC and ｈｓｂｃ. They share
a *folded* form (``fold_tag``: the search and company matcher's fold, one
character at a time to Simplified, lower case, half-width), and a name typed
in another spelling of an existing tag is saved as that tag
(``match_existing_tags``) instead of creating a twin.
"""

import functools
import re
from collections import defaultdict

from django.db.models import Count
from django.utils.text import slugify

from newsroom.chinese import fold, fold_table

SEPARATORS_RE = re.compile(r"[,，、;；\n\r]+")


def has_address(name: str) -> bool:
    """Whether a tag of this name gets a web address (a slug).

    A name of punctuation alone ("&", "{{", "--") slugifies to nothing, and a
    tag with an empty slug has no page: every page linking to it would fail.
    """
    return bool(slugify(name, allow_unicode=True))


def fold_tag(name: str) -> str:
    """The form every spelling of a tag shares: 醫藥 and 医药 both give 医药."""
    # OpenCC's single characters chain in a few places (薴 → 苧 → 苎): fold
    # until nothing changes, so the folded form folds to itself.
    folded = fold(name)
    while (again := fold(folded)) != folded:
        folded = again
    return folded


def parse_tags(tagstring: str) -> list[str]:
    """Tag names in ``tagstring`` in the order typed, one per folded form.

    ``"央行，降准"`` gives two; ``"醫藥、医药"`` gives ``["醫藥"]`` (the first
    spelling wins).
    """
    if not tagstring:
        return []
    # Cut to the Tag.name length before stripping and de-duplicating, so a long
    # name neither ends in a space nor turns up twice once cut.
    names = (
        re.sub(r"\s+", " ", part).strip(" \u3000\"'「」")[:100].rstrip(" \"'「」")
        for part in SEPARATORS_RE.split(str(tagstring))
    )
    unique = {}
    for name in names:
        if name and has_address(name):
            unique.setdefault(fold_tag(name), name)
    return list(unique.values())


def edit_string_for_tags(tags) -> str:
    """The tag field's text: names joined by ", " (commas inside names cannot
    occur), in the order given: the order they were typed."""
    return ", ".join(tag.name for tag in tags)


def keep_typed_order(article, names: list[str]) -> None:
    """Make the article's tag links follow ``names`` (as typed).

    taggit adds new tags from a set, so their links come in any order; tags
    are read in link order (``article.tags.all()``, the form, the page), so
    the links are written again in the typed order when it differs.
    """
    through = article.tags.through
    links = list(
        through.objects.filter(**through.lookup_kwargs(article))
        .select_related("tag")
        .order_by("pk")
    )
    position = {fold_tag(name): i for i, name in enumerate(names)}
    wanted = sorted(
        links, key=lambda link: position.get(fold_tag(link.tag.name), len(names))
    )
    if [link.pk for link in wanted] == [link.pk for link in links]:
        return
    through.objects.filter(pk__in=[link.pk for link in links]).delete()
    for link in wanted:
        link.pk = None
    through.objects.bulk_create(wanted)


# --- finding existing tags in any spelling ------------------------------------


@functools.cache
def _spellings() -> dict[str, str]:
    """Folded character → every character that folds to it (itself included)."""
    # The fold works one character at a time: its table says it all (the
    # characters past the table fold to themselves).
    table = fold_table()
    by_folded = defaultdict(list)
    for code, folded in enumerate(table):
        if 0xD800 <= code <= 0xDFFF:
            continue  # lone surrogates: no database stores them
        while ord(folded) < len(table) and (again := table[ord(folded)]) != folded:
            folded = again
        by_folded[folded].append(chr(code))
    return {key: "".join(chars) for key, chars in by_folded.items() if len(chars) > 1}


def _literal(character: str) -> str:
    # A backslash before ASCII punctuation means the character itself both in
    # Python's re (SQLite's REGEXP) and in PostgreSQL's regular expressions.
    if character.isascii() and not character.isalnum():
        return "\\" + character
    return character


def spelling_pattern(text: str) -> str:
    """A regular expression matching ``text`` in every spelling (no anchors).

    For the database's ``regex`` lookup: one alternation per character that
    has other spellings, e.g. 医药 → ``(?:医|醫)(?:药|藥|葯)``.
    """
    spellings = _spellings()
    parts = []
    for character in fold_tag(text):
        alternatives = spellings.get(character, character)
        if len(alternatives) == 1:
            parts.append(_literal(alternatives))
        else:
            parts.append("(?:" + "|".join(map(_literal, alternatives)) + ")")
    return "".join(parts)


# --- which tags someone may see -------------------------------------------------


def all_tags():
    """Every tag, with ``n``: on how many articles of any state."""
    from taggit.models import Tag

    return Tag.objects.annotate(n=Count("taggit_taggeditem_items"))


def tags_on(articles):
    """Tags on at least one of ``articles``, with ``n``: on how many of them."""
    from taggit.models import Tag

    # filter() before annotate(): the count runs over the same filtered join.
    return Tag.objects.filter(article__in=articles.values("pk")).annotate(
        n=Count("article", distinct=True)
    )


def live_tags():
    """The tags readers may know of: those on a live article."""
    from .models import Article

    return tags_on(Article.objects.live())


def tags_spelled_like(text: str, *, match: str = "exact", among=None):
    """Tags (of ``among``, by default all) whose name is ``text`` in some
    spelling, most used first.

    ``match`` is "exact" (the whole name), "prefix" or "contains".
    """
    pattern = spelling_pattern(text)
    if match == "exact":
        pattern = f"^{pattern}$"
    elif match == "prefix":
        pattern = f"^{pattern}"
    tags = all_tags() if among is None else among
    return tags.filter(name__regex=pattern).order_by("-n", "name", "pk")


def existing_spelling(name: str, *, among=None) -> str | None:
    """The name of the existing tag (of ``among``) that ``name`` spells, if any.

    The tag of exactly this name when there is one, else the most used of the
    tags spelled like it (more than one means twins from before).
    """
    names = list(tags_spelled_like(name, among=among).values_list("name", flat=True))
    if not names:
        return None
    return name if name in names else names[0]


def match_existing_tags(
    names: list[str], *, among=None
) -> tuple[list[str], list[tuple[str, str]]]:
    """``names`` with each one that spells an existing tag (of ``among``)
    replaced by its name.

    Returns the names to save (order kept, no two of one folded form) and the
    (typed, existing) pairs that were replaced, for telling the editor.
    """
    result, replaced, seen = [], [], set()
    for name in names:
        existing = existing_spelling(name, among=among) or name
        if existing != name:
            replaced.append((name, existing))
        if fold_tag(existing) not in seen:
            seen.add(fold_tag(existing))
            result.append(existing)
    return result, replaced
