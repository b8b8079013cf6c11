"""Which companies an article links to, found in its copy.

- Tickers in the headline, dek, key points or body link their companies on
  every save (``link_companies_from_tickers``), except companies an editor
  took off the article (``CompanyLinkRemoval``): a removal is remembered, so
  the link does not come back on the next save.
- Company names and aliases are only suggested (``suggest_companies``), with
  where in the copy they appear; a name can be a common word, a ticker cannot.
- Tickers that match no company are reported so an editor can create it.

Called by the admin after the form's many-to-many data is saved, and by the
importer; never from a signal (see DESIGN.md).
"""

import re
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from companies.matching import get_matcher
from companies.models import Company, Ticker
from companies.tickers import TickerSymbol, find_tickers

from .models import Article, CompanyLinkRemoval

# The copy fields scanned, in reading order, with their labels for editors.
COPY_FIELDS = (
    ("headline", _("headline")),
    ("dek", _("dek")),
    ("key_points", _("key points")),
    ("body_text", _("body")),
)
# Characters of context shown on each side of a suggested name.
CONTEXT_CHARS = 18


def copy_texts(article: Article) -> list[tuple[str, str]]:
    """``(field name, plain text)`` for each copy field, in reading order."""
    texts = []
    for name, _label in COPY_FIELDS:
        value = getattr(article, name)
        if isinstance(value, list | tuple):
            value = "\n".join(value)
        texts.append((name, value or ""))
    return texts


def tickers_in_copy(article: Article) -> dict[TickerSymbol, str]:
    """Every ticker in the copy, once each, in reading order.

    Each maps to the name written just before its first mention (a guess at
    whose it is, for "create company"), or "".
    """
    found: dict[TickerSymbol, str] = {}
    for _name, text in copy_texts(article):
        for mention in find_tickers(text):
            if mention.ticker not in found:
                found[mention.ticker] = _name_before(text, mention.start)
    return found


def _known_tickers(symbols: list[TickerSymbol]) -> dict[TickerSymbol, int]:
    """Ticker → company id for the symbols we have, in one query."""
    if not symbols:
        return {}
    query = Q()
    for symbol in symbols:
        query |= Q(exchange=symbol.exchange, symbol=symbol.symbol)
    return {
        TickerSymbol(exchange, symbol): company_id
        for exchange, symbol, company_id in Ticker.objects.filter(query).values_list(
            "exchange", "symbol", "company_id"
        )
    }


@dataclass
class TickerLinks:
    """What linking by ticker did: companies added, and tickers we do not know."""

    added: list[Company] = field(default_factory=list)
    unknown: list[TickerSymbol] = field(default_factory=list)


@transaction.atomic
def link_companies_from_tickers(article: Article) -> TickerLinks:
    """Link the companies whose tickers appear in the copy; report unknown tickers.

    Companies an editor removed from this article stay off.
    """
    symbols = list(tickers_in_copy(article))
    known = _known_tickers(symbols)
    result = TickerLinks(unknown=[s for s in symbols if s not in known])
    wanted = list(dict.fromkeys(known[s] for s in symbols if s in known))
    if not wanted:
        return result
    present = set(article.companies.values_list("pk", flat=True))
    removed = set(
        article.company_link_removals.filter(company_id__in=wanted).values_list(
            "company_id", flat=True
        )
    )
    to_add = [pk for pk in wanted if pk not in present and pk not in removed]
    if to_add:
        companies = Company.objects.in_bulk(to_add)
        result.added = [companies[pk] for pk in to_add if pk in companies]
        article.companies.add(*result.added)
    return result


@transaction.atomic
def record_editor_changes(article: Article, *, before, after, by=None) -> None:
    """Remember companies an editor removed; forget the removal of ones re-added.

    ``before`` and ``after`` are the company ids on the form before and after
    the edit.
    """
    before, after = set(before), set(after)
    removed, added = before - after, after - before
    if added:
        article.company_link_removals.filter(company_id__in=added).delete()
    for company_id in removed:
        CompanyLinkRemoval.objects.get_or_create(
            article=article, company_id=company_id, defaults={"removed_by": by}
        )


@dataclass(frozen=True)
class Place:
    """Where a name appears: the field, and the text around it."""

    field: str
    label: str
    before: str
    match: str
    after: str


@dataclass
class Suggestion:
    company: Company
    places: list[Place]


def suggest_companies(article: Article, *, limit_places: int = 3) -> list[Suggestion]:
    """Companies named in the copy but not linked (nor removed by an editor).

    Each comes with up to ``limit_places`` places it appears, in reading order.
    """
    matcher = get_matcher()
    labels = dict(COPY_FIELDS)
    places: dict[int, list[Place]] = {}
    for name, text in copy_texts(article):
        for mention in matcher.find(text):
            found = places.setdefault(mention.company_id, [])
            if len(found) < limit_places:
                found.append(
                    Place(
                        field=name,
                        label=str(labels[name]),
                        before=_clip_left(text[: mention.start]),
                        match=mention.text,
                        after=_clip_right(text[mention.end :]),
                    )
                )
    if not places or article.pk is None:
        return []
    excluded = set(article.companies.values_list("pk", flat=True))
    excluded |= set(article.company_link_removals.values_list("company_id", flat=True))
    wanted = [pk for pk in places if pk not in excluded]
    companies = Company.objects.in_bulk(wanted)
    return [Suggestion(companies[pk], places[pk]) for pk in wanted if pk in companies]


def _clip_left(text: str) -> str:
    text = text.splitlines()[-1] if text.splitlines() and text[-1:] != "\n" else ""
    return ("…" + text[-CONTEXT_CHARS:]) if len(text) > CONTEXT_CHARS else text


def _clip_right(text: str) -> str:
    lines = text.splitlines()
    text = lines[0] if lines and text[:1] != "\n" else ""
    return (text[:CONTEXT_CHARS] + "…") if len(text) > CONTEXT_CHARS else text


@dataclass(frozen=True)
class UnknownTicker:
    """A ticker in the copy that no company has, with a guess at whose it is."""

    ticker: TickerSymbol
    name_guess: str


# Characters that can end a company name written just before its ticker:
# 壹賬通金融科技有限公司(OCFT.US), MiniMax (0100.HK).
_NAME_CHARACTERS = re.compile(r"[\w&·.\-]+(?: [A-Za-z][\w&.\-]*)*\s*$")
_PARTICLES = re.compile(r"[的與与及在於于將将為为是了、]")
# Words that lead into a name without being part of it: "另一家公司新科技"
# names 新科技. A name may end in 公司 (…有限公司), so a lead-in counts only with
# a name after it.
_LEAD_INS = re.compile(
    r"另一家|另一間|另一间|一家|一間|一间|這家|这家|該家|该家|兩家|两家|旗下|"
    r"子公司|公司|同業|同业|對手|对手|夥伴|伙伴|包括|例如|比如"
)


def unknown_tickers(article: Article) -> list[UnknownTicker]:
    """Tickers in the copy that match no company, once each, in reading order."""
    first = tickers_in_copy(article)
    known = _known_tickers(list(first))
    return [
        UnknownTicker(symbol, guess)
        for symbol, guess in first.items()
        if symbol not in known
    ]


def _name_before(text: str, start: int) -> str:
    """The name written just before a ticker's bracket, if there is one."""
    head = text[max(0, start - 40) : start].rstrip()
    if not head or head[-1] not in "(（[【":
        return ""
    found = _NAME_CHARACTERS.search(head[:-1])
    if not found:
        return ""
    # Chinese has no spaces: start after the last particle (的, 與, 及…), so
    # "巨頭的壹賬通金融科技有限公司" gives the name, not the clause.
    name = _PARTICLES.split(found.group().strip())[-1]
    ends = [m.end() for m in _LEAD_INS.finditer(name) if len(name) - m.end() >= 2]
    name = name[max(ends, default=0) :][-20:]
    return name if len(name) >= 2 else ""


def removed_companies(article: Article) -> list[Company]:
    """Companies an editor took off this article, which tickers will not re-add."""
    return [
        removal.company
        for removal in article.company_link_removals.select_related("company")
    ]


def link_company(article: Article, company: Company) -> None:
    """Link one company by an editor's choice (also undoing an earlier removal)."""
    article.companies.add(company)
    article.company_link_removals.filter(company=company).delete()
