"""What an import did, per file and per article, and how it reads as text.

The command prints ``render_text`` (in English, like Django's own command
output); the admin renders the same ``FileReport`` objects, translated, in
templates/admin/articles/importrecord/import_report.html.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from .cleaning import REASONS
from .parsing import Dropped

WARNINGS = {
    "headline_made": _(
        "No headline line: the headline was made from the first sentence."
    ),
    "headline_cut": _("The headline was cut to 200 characters."),
    "no_byline": _("No byline found."),
    "shape_unknown": _(
        "Shape not recognised: the first line is the headline, the rest the body."
    ),
    "key_points_in_body": _(
        "More key points than fit (8, of 200 characters each): the rest are in "
        "the body."
    ),
    "cut_off": _("%(count)s paragraphs end mid-sentence (cut off at the source?)."),
    "headline_like_dek": _(
        "The headline reads like a dek (long, with clauses): check it."
    ),
    "byline_unresolved": _(
        "Byline not linked: %(count)s is not an author yet, and only editors "
        "add authors."
    ),
}


# Decisions below this confidence are marked for an editor to check.
LOW_CONFIDENCE = 0.75


def warning_message(code: str) -> str:
    """The editor-facing text of a parser warning code such as ``cut_off:3``."""
    name, _colon, count = code.partition(":")
    message = WARNINGS.get(name)
    if message is None:
        return code
    return str(message) % {"count": count} if count else str(message)


def reason_label(reason: str) -> str:
    return str(REASONS.get(reason, reason))


@dataclass
class ArticleResult:
    headline: str
    kind: str
    authors: list[str]
    tickers: list[str]
    tags: list[str]
    source: str
    script: str
    dropped: list[Dropped]
    warnings: list[str]
    unknown_tickers: list[str] = field(default_factory=list)
    article_id: int | None = None
    duplicate: bool = False
    error: str = ""
    # The split, line by line: (role, confidence, reason, text), for --dry-run.
    lines: list[tuple[str, float, str, str]] = field(default_factory=list)

    @property
    def kind_label(self) -> str:
        """The kind as the desk names it (簡訊, 長文), not its stored code."""
        from ..models import Article

        return (
            str(Article.Kind(self.kind).label)
            if self.kind in Article.Kind
            else self.kind
        )

    @property
    def dropped_labelled(self) -> list[tuple[str, str]]:
        return [(d.text, reason_label(d.reason)) for d in self.dropped]

    @property
    def warning_messages(self) -> list[str]:
        return [warning_message(code) for code in self.warnings]


@dataclass
class FileReport:
    name: str
    encoding: str = ""
    dry_run: bool = False
    articles: list[ArticleResult] = field(default_factory=list)
    dropped: list[Dropped] = field(default_factory=list)  # outside any article
    error: str = ""
    notes: list[str] = field(default_factory=list)  # repairs, shapes found

    @property
    def dropped_labelled(self) -> list[tuple[str, str]]:
        return [(d.text, reason_label(d.reason)) for d in self.dropped]

    @property
    def created(self) -> list[ArticleResult]:
        return [a for a in self.articles if a.article_id is not None]

    @property
    def new(self) -> list[ArticleResult]:
        """Created, or (in a dry run) would be created."""
        return [a for a in self.articles if not a.duplicate and not a.error]

    @property
    def duplicates(self) -> int:
        return sum(a.duplicate for a in self.articles)

    @property
    def warning_count(self) -> int:
        return sum(len(a.warnings) for a in self.articles)

    @property
    def errors(self) -> list[str]:
        errors = [self.error] if self.error else []
        return errors + [f"{a.headline}: {a.error}" for a in self.articles if a.error]

    @property
    def failed(self) -> bool:
        return bool(self.errors)


def render_text(reports: list[FileReport], *, verbose: bool = True) -> str:
    """The report as plain text: what was (or would be) created, then a summary."""
    lines: list[str] = []
    for report in reports:
        if report.error:
            lines.append(f"{report.name}: error: {report.error}")
            # What was seen in a file that gave no article, so nothing is
            # silently lost.
            for dropped in report.dropped:
                reason = reason_label(dropped.reason)
                lines.append(f"  dropped ({reason}): {_clip(dropped.text)}")
            continue
        if not verbose:
            continue
        lines.append(f"{report.name} ({report.encoding})")
        for result in report.articles:
            if result.duplicate:
                state = "duplicate, skipped"
            elif result.error:
                state = f"error: {result.error}"
            elif report.dry_run:
                state = "would create"
            else:
                state = f"created #{result.article_id}"
            lines.append(f"  [{state}] {result.headline}")
            lines.append(
                "    "
                + "; ".join(
                    [
                        f"kind: {result.kind}",
                        f"authors: {', '.join(result.authors) or '-'}",
                        f"tickers: {', '.join(result.tickers) or '-'}",
                        f"tags: {', '.join(result.tags) or '-'}",
                    ]
                )
            )
            if result.source:
                lines.append(f"    source: {result.source}")
            if result.unknown_tickers:
                lines.append(
                    f"    unknown tickers: {', '.join(result.unknown_tickers)}"
                )
            for warning in result.warnings:
                lines.append(f"    warning: {warning_message(warning)}")
            if report.dry_run and result.lines:
                # The same split the admin's preview shows, line by line; "?"
                # marks a decision the parser was unsure of.
                for role, confidence, why, text in result.lines:
                    mark = "?" if confidence < LOW_CONFIDENCE else " "
                    because = f" ({confidence:.2f}: {why})" if why else ""
                    lines.append(f"   {mark}{role:>9} | {_clip(text)}{because}")
            for text, reason in result.dropped_labelled:
                lines.append(f"    dropped ({reason}): {_clip(text)}")
        for dropped in report.dropped:
            reason = reason_label(dropped.reason)
            lines.append(f"  dropped ({reason}): {_clip(dropped.text)}")
    lines.append("")
    lines += summary_table(reports)
    return "\n".join(lines)


def summary_table(reports: list[FileReport]) -> list[str]:
    heading = [
        "file",
        "would create" if reports and reports[0].dry_run else "created",
        "duplicates skipped",
        "warnings",
        "errors",
    ]
    rows = [
        [
            r.name,
            str(len(r.new) if r.dry_run else len(r.created)),
            str(r.duplicates),
            str(r.warning_count),
            str(len(r.errors)),
        ]
        for r in reports
    ]
    widths = [max(len(row[i]) for row in [heading, *rows]) for i in range(5)]

    def line(row):
        return "  ".join(
            cell.ljust(width) if i == 0 else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        ).rstrip()

    return [line(heading), line(["-" * w for w in widths]), *map(line, rows)]


def _clip(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
