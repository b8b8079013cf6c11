"""Tag strings as editors type them, with Chinese punctuation.

django-taggit splits on ASCII commas (or spaces) only, so "央行，降准" would
be one tag. Here commas, the Chinese comma, the enumeration comma, and
semicolons of both widths separate tags; spaces do not, so English tags like
"Hang Seng Index" stay whole.
"""

import re

SEPARATORS_RE = re.compile(r"[,，、;；\n\r]+")


def parse_tags(tagstring: str) -> list[str]:
    """Tag names in ``tagstring``, sorted and unique: ``"央行，降准"`` gives two."""
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
        if name:
            unique.setdefault(name.casefold(), name)
    return sorted(unique.values())


def edit_string_for_tags(tags) -> str:
    """The tag field's text: names joined by ", " (commas inside names cannot occur)."""
    return ", ".join(sorted(tag.name for tag in tags))
