"""Loading companies and their tickers from a CSV file.

One row per ticker (exchange, symbol, name_zh_hant, name_en, aliases split
on ``|``); rows naming the same company (same Traditional name, or same
English name when given) become one company with several tickers. Every row
is checked before anything is written, so a file with errors imports nothing
unless the caller chooses to skip the bad rows. The companies written are
told to ``newsroom.public_content.changed`` (the page cache, and the search
index of the articles naming them). ``manage.py load_companies`` is the thin
command around this module.
"""

import csv
import io
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q

from newsroom import public_content
from newsroom.progress import silent

from .models import Company, Ticker
from .tickers import InvalidTicker, TickerSymbol, normalise_exchange, normalise_symbol

COLUMNS = ["exchange", "symbol", "name_zh_hant", "name_en", "aliases"]
# Company.name and name_en are 200 characters; aliases are edited with a
# 100-character limit per line.
MAX_NAME = 200
MAX_ALIAS = 100


class BadFile(ValueError):
    """The file as a whole cannot be read (encoding, missing header)."""


@dataclass
class Row:
    line: int
    ticker: TickerSymbol
    name: str
    name_en: str
    aliases: list[str]


@dataclass(frozen=True)
class RowError:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass
class Result:
    rows: int = 0
    companies_created: int = 0
    companies_updated: int = 0
    companies_unchanged: int = 0
    tickers_created: int = 0
    errors: list[RowError] = field(default_factory=list)


def read_rows(data: bytes) -> tuple[list[Row], list[RowError]]:
    """Parse and check each row on its own; the database is not consulted."""
    try:
        # utf-8-sig drops a byte-order mark when there is one (Excel adds it).
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise BadFile(f"The file is not UTF-8 ({error}).") from error
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    names = [h.strip().lower() for h in header or []]
    if sorted(names) != sorted(COLUMNS):
        raise BadFile(
            "The first line must be the header: " + ",".join(COLUMNS) + f" (found: "
            f"{','.join(header or []) or 'nothing'})."
        )
    rows, errors = [], []
    seen: dict[TickerSymbol, int] = {}
    for cells in reader:
        line = reader.line_num
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(COLUMNS):
            errors.append(
                RowError(line, f"{len(cells)} columns, expected {len(COLUMNS)}.")
            )
            continue
        values = {name: cell.strip() for name, cell in zip(names, cells, strict=True)}
        row, error = _check_row(line, values)
        if error:
            errors.append(RowError(line, error))
        elif row.ticker in seen:
            errors.append(
                RowError(
                    line,
                    f"Ticker {row.ticker} is in the file twice "
                    f"(first on line {seen[row.ticker]}).",
                )
            )
        else:
            seen[row.ticker] = line
            rows.append(row)
    return rows, errors


def _check_row(line: int, values: dict[str, str]) -> tuple[Row | None, str]:
    try:
        exchange = normalise_exchange(values["exchange"])
        symbol = normalise_symbol(exchange, values["symbol"])
    except InvalidTicker as error:
        return None, str(error)
    name, name_en = values["name_zh_hant"], values["name_en"]
    if not name:
        return None, "The Traditional Chinese name (name_zh_hant) is missing."
    if len(name) > MAX_NAME or len(name_en) > MAX_NAME:
        return None, f"A name is longer than {MAX_NAME} characters."
    aliases = list(dict.fromkeys(a.strip() for a in values["aliases"].split("|")))
    aliases = [a for a in aliases if a]
    if too_long := [a for a in aliases if len(a) > MAX_ALIAS]:
        return None, f"Alias “{too_long[0]}” is longer than {MAX_ALIAS} characters."
    ticker = TickerSymbol(exchange, symbol)
    return Row(line, ticker, name, name_en, aliases), ""


@dataclass
class _Plan:
    rows: list[Row]
    company: Company | None


def plan(rows: list[Row]) -> tuple[list[_Plan], list[RowError]]:
    """Group rows into companies and find the existing company for each group.

    A group matches the company owning one of its tickers first, then a
    company with its Traditional name. A ticker owned by another company is
    an error on its row.
    """
    owners = _ticker_owners(r.ticker for r in rows)
    plans, errors, claimed = [], [], {}
    for group in _group(rows):
        names = {r.name for r in group}
        by_name = list(Company.objects.filter(name__in=names).order_by("pk")[:2])
        owned = [owners[r.ticker] for r in group if r.ticker in owners]
        if owned:
            named = [c for c in owned if c.pk in {n.pk for n in by_name}]
            # A ticker owned by a company of another name, while a company of
            # this name exists, is a conflict for the editor, not an update.
            company = (named or by_name[:1] or owned)[0]
        elif len(by_name) > 1:
            errors += [
                RowError(
                    r.line,
                    f"Several companies are called {by_name[0].name}; merge them "
                    "in the admin first.",
                )
                for r in group
            ]
            continue
        else:
            company = by_name[0] if by_name else None
        bad = [
            r for r in group if r.ticker in owners and owners[r.ticker].pk != company.pk
        ]
        errors += [
            RowError(
                r.line,
                f"Ticker {r.ticker} already belongs to {owners[r.ticker].name}, "
                f"not {company.name}.",
            )
            for r in bad
        ]
        if company is not None and company.pk in claimed:
            errors += [
                RowError(
                    r.line,
                    f"These rows match {company.name}, as do the rows from line "
                    f"{claimed[company.pk]}; give them one name.",
                )
                for r in group
            ]
            continue
        if bad:
            continue
        if company is not None:
            claimed[company.pk] = group[0].line
        plans.append(_Plan(group, company))
    return plans, errors


def _ticker_owners(tickers) -> dict[TickerSymbol, Company]:
    tickers = list(tickers)
    if not tickers:
        return {}
    query = Q()
    for t in tickers:
        query |= Q(exchange=t.exchange, symbol=t.symbol)
    found = Ticker.objects.filter(query).select_related("company")
    return {TickerSymbol(t.exchange, t.symbol): t.company for t in found}


def _group(rows: list[Row]) -> list[list[Row]]:
    """Rows joined by a shared Traditional name or English name, in file order."""
    parent = list(range(len(rows)))

    def root(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first: dict[tuple[str, str], int] = {}
    for i, row in enumerate(rows):
        keys = [("zh", row.name)]
        if row.name_en:
            keys.append(("en", row.name_en.casefold()))
        for key in keys:
            if key in first:
                parent[root(i)] = root(first[key])
            else:
                first[key] = i
    groups: dict[int, list[Row]] = {}
    for i, row in enumerate(rows):
        groups.setdefault(root(i), []).append(row)
    return sorted(groups.values(), key=lambda g: g[0].line)


def load(data: bytes, *, skip_bad_rows=False, dry_run=False, progress=silent) -> Result:
    """Check every row, then create or update companies and tickers atomically.

    With errors and no ``skip_bad_rows`` nothing is written and the result
    carries the errors. ``dry_run`` rolls everything back but still counts.
    """
    rows, errors = read_rows(data)
    result = Result(rows=len(rows) + len(errors))
    with transaction.atomic():
        plans, plan_errors = plan(rows)
        # Dropping bad rows can split a group; plan again until it is stable.
        while skip_bad_rows and plan_errors:
            errors += plan_errors
            bad = {e.line for e in plan_errors}
            rows = [r for r in rows if r.line not in bad]
            plans, plan_errors = plan(rows)
        errors += plan_errors
        result.errors = sorted(errors, key=lambda e: e.line)
        if errors and not skip_bad_rows:
            return result
        written = []
        with progress("Loading companies", total=len(plans), unit="companies") as stage:
            for p in plans:
                if (company := _apply(p, result)) is not None:
                    written.append(company)
                stage.advance()
        if written:  # their pages, and the articles naming them in search
            public_content.changed(*written)
        if dry_run:
            transaction.set_rollback(True)
    return result


def _apply(p: _Plan, result: Result) -> Company | None:
    """Create or update the plan's company and add its new tickers; the
    company if anything of it was written."""
    names = list(dict.fromkeys(r.name for r in p.rows))
    names_en = list(dict.fromkeys(r.name_en for r in p.rows if r.name_en))
    company = p.company
    if company is None:
        company = Company(name=names[0], name_en=names_en[0] if names_en else "")
        result.companies_created += 1
        changed = True
    else:
        changed = False
        if names_en and names_en[0] != company.name_en:
            if company.name_en:
                names_en.append(company.name_en)
            company.name_en = names_en[0]
            changed = True
    # Aliases are merged, never dropped: other spellings of the names too.
    known = set(company.all_names)
    extra = [*names, *names_en, *(a for r in p.rows for a in r.aliases)]
    new = [a for a in dict.fromkeys(extra) if a not in known]
    if new:
        company.aliases = [*company.aliases, *new]
        changed = True
    if p.company is not None:
        if changed:
            result.companies_updated += 1
        else:
            result.companies_unchanged += 1
    if changed:
        company.save(ticker=p.rows[0].ticker)
    existing = {(t.exchange, t.symbol) for t in company.tickers.all()}
    for r in p.rows:
        if (r.ticker.exchange, r.ticker.symbol) not in existing:
            Ticker.objects.create(
                company=company, exchange=r.ticker.exchange, symbol=r.ticker.symbol
            )
            result.tickers_created += 1
            changed = True
    return company if changed else None
