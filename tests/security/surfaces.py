"""URL lists shared by the security tests."""

from django.urls import reverse

FEED_KINDS = ("latest", "briefs", "features", "company", "tag", "author")


def feed_urls(*, company, tag, author) -> list[str]:
    """Every feed, RSS and Atom: the site's, and the given company's, tag's
    and author's."""
    slugs = {"company": company.slug, "tag": tag.slug, "author": author.slug}
    return [
        reverse(
            f"feed-{kind}-{fmt}", kwargs={"slug": slugs[kind]} if kind in slugs else {}
        )
        for kind in FEED_KINDS
        for fmt in ("rss", "atom")
    ]
