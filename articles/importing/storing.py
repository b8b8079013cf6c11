"""Parsed copy to drafts: fingerprints, duplicates, one transaction per article.

``import_paths`` (the command), ``import_upload`` (the admin) and
``import_text`` return ``FileReport``s. Each article is saved in its own
transaction with its byline, tags, company links, first revision and an
``ImportRecord`` (source file, raw text, dropped lines, warnings, unknown
tickers). A file that cannot be read or holds no article writes nothing.
Drafts only: status is never touched here (articles/workflow.py owns it).

For speed, what a file's articles share is looked up once per file: existing
fingerprints, authors by name, and companies by ticker.
"""

import hashlib
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from django.contrib.contenttypes.models import ContentType
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import Q
from django.utils.text import slugify
from django.utils.translation import gettext as _
from taggit.models import Tag, TaggedItem

from companies.models import Ticker
from companies.tickers import TickerSymbol, parse_ticker

from ..models import Article, ArticleAuthor, Author, ImportRecord
from ..revisions import record_revision
from . import decoding
from .parsing import ParsedArticle, parse_text
from .report import ArticleResult, FileReport, warning_message

# Names of files a folder import skips: editors' tools leave these about.
SKIPPED_NAMES = {".DS_Store", "Thumbs.db", "desktop.ini"}
# Keep IN (...) lists well under SQLite's variable limit.
CHUNK = 500


@dataclass
class ImportOptions:
    kind: str = ""  # brief or feature, for copy that does not say
    author: str = ""  # byline for copy that names no author
    source: str = ""  # source for copy that names none
    dry_run: bool = False
    user: object = None
    max_bytes: int = decoding.max_bytes(None)


def fingerprint(text: str) -> str:
    """SHA-256 of the text without spacing or punctuation, width-folded (NFKC).

    The same copy with other whitespace, full- or half-width punctuation or
    letters has the same fingerprint.
    """
    folded = unicodedata.normalize("NFKC", text).casefold()
    kept = "".join(
        ch for ch in folded if unicodedata.category(ch)[0] not in {"P", "Z", "C"}
    )
    return hashlib.sha256(kept.encode("utf-8")).hexdigest()


# --- entry points ---------------------------------------------------------------------


def import_paths(paths, options: ImportOptions) -> list[FileReport]:
    """Import files and folders (recursively, in name order), one report each."""
    reports = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files = sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and not p.name.startswith(".")
                and p.name not in SKIPPED_NAMES
            )
            if not files:
                reports.append(FileReport(str(path), error=_("The folder is empty.")))
            reports += [import_file(p, options) for p in files]
        else:
            reports.append(import_file(path, options))
    return reports


def import_file(path: Path, options: ImportOptions) -> FileReport:
    report = FileReport(str(path), dry_run=options.dry_run)
    try:
        data = decoding.read_file(path, limit=options.max_bytes)
    except FileNotFoundError:
        report.error = _("No such file.")
        return report
    except (IsADirectoryError, PermissionError, OSError) as error:
        report.error = _("Cannot read the file: %(error)s") % {
            "error": error.strerror or error
        }
        return report
    except decoding.ImportFileError as error:
        report.error = str(error)
        return report
    return _import_bytes(data, report, options)


def import_upload(upload, options: ImportOptions) -> FileReport:
    """Import an uploaded file (Django ``UploadedFile``)."""
    report = FileReport(upload.name, dry_run=options.dry_run)
    try:
        data = decoding.read_upload(upload, limit=options.max_bytes)
    except decoding.ImportFileError as error:
        report.error = str(error)
        return report
    return _import_bytes(data, report, options)


def _import_bytes(data: bytes, report: FileReport, options) -> FileReport:
    try:
        text, report.encoding = decoding.decode_bytes(data)
    except decoding.ImportFileError as error:
        report.error = str(error)
        return report
    return import_text(decoding.normalise_text(text), report, options)


def import_text(text: str, report: FileReport, options: ImportOptions) -> FileReport:
    """Parse normalised text and create a draft for each new article in it."""
    parsed = parse_text(text)
    report.dropped = parsed.dropped
    if not parsed.articles:
        report.error = _("No recognisable article in the file.")
        return report
    _Importer(parsed.articles, report, options).run()
    return report


# --- storing --------------------------------------------------------------------------


class _Importer:
    def __init__(self, articles: list[ParsedArticle], report, options):
        self.articles = articles
        self.report = report
        self.options = options
        self.prints = [fingerprint(a.content_text) for a in articles]
        self.existing = _existing_fingerprints(self.prints)
        self.authors = _authors_by_name(
            {name for a in articles for name in self._author_names(a)}
        )
        self.companies = _companies_by_ticker(
            {t for a in articles for t in [*a.header_tickers, *a.tickers]}
        )
        self.tags: dict[str, int] = {}
        if not options.dry_run:
            self.tags = _tag_ids({tag[:100] for a in articles for tag in a.tags})

    def _author_names(self, parsed: ParsedArticle) -> list[str]:
        names = parsed.authors or ([self.options.author] if self.options.author else [])
        return [name[:100] for name in names]

    def run(self) -> None:
        seen: set[str] = set()
        for parsed, print_ in zip(self.articles, self.prints, strict=True):
            result = self._result(parsed)
            self.report.articles.append(result)
            if print_ in self.existing or print_ in seen:
                result.duplicate = True
                continue
            seen.add(print_)
            if self.options.dry_run:
                continue
            new_authors: dict[str, Author] = {}
            try:
                with transaction.atomic():
                    self._save(parsed, print_, result, new_authors)
            except IntegrityError:
                if ImportRecord.objects.filter(fingerprint=print_).exists():
                    result.duplicate = True  # imported meanwhile by someone else
                else:
                    result.error = _("Could not be saved (database constraint).")
                result.article_id = None
            except DatabaseError as error:
                result.error = _("Could not be saved: %(error)s") % {"error": error}
                result.article_id = None
            else:
                self.authors.update(new_authors)

    def _result(self, parsed: ParsedArticle) -> ArticleResult:
        if parsed.brief:
            kind = Article.Kind.BRIEF
        elif self.options.kind:
            kind = self.options.kind
        else:
            kind = parsed.guess_kind()
        warnings = list(parsed.warnings)
        if len(parsed.headline) > 200:
            warnings.append("headline_cut")
        return ArticleResult(
            headline=parsed.headline[:200],
            kind=str(kind),
            authors=self._author_names(parsed),
            tickers=list(parsed.tickers),
            tags=[tag[:100] for tag in parsed.tags],
            source=(parsed.source or self.options.source)[:200],
            script=parsed.script,
            dropped=list(parsed.dropped),
            warnings=warnings,
        )

    def _save(self, parsed, print_, result: ArticleResult, new_authors) -> None:
        user = self.options.user
        article = Article(
            kind=result.kind,
            headline=result.headline,
            title_en=parsed.title_en[:250],
            dek=parsed.dek[:500],
            key_points=parsed.key_points,
            body=parsed.body_html,
            source=result.source,
            script=result.script or Article.Script.HANT,
            created_by=user,
            updated_by=user,
        )
        article.save()
        bylines = []
        for position, name in enumerate(dict.fromkeys(result.authors)):
            author = self.authors.get(name) or new_authors.get(name)
            if author is None:
                author = Author.objects.create(name=name, slug=_unique_slug(name))
                new_authors[name] = author
            bylines.append(
                ArticleAuthor(article=article, author=author, position=position)
            )
        ArticleAuthor.objects.bulk_create(bylines)
        if result.tags:
            tag_ids = dict.fromkeys(self.tags[tag.casefold()] for tag in result.tags)
            TaggedItem.objects.bulk_create(
                TaggedItem(
                    tag_id=tag_id,
                    content_type_id=_article_type_id(),
                    object_id=article.pk,
                )
                for tag_id in tag_ids
            )
        # What link_companies_from_tickers does for a new article (there are
        # no removed links yet), with the companies looked up once per file;
        # ticker lines above the headline count too.
        company_ids, unknown = [], []
        for text in dict.fromkeys([*parsed.header_tickers, *parsed.tickers]):
            company_id = self.companies.get(text)
            if company_id is None:
                unknown.append(text)
            else:
                company_ids.append(company_id)
        if company_ids:
            through = Article.companies.through
            through.objects.bulk_create(
                through(article_id=article.pk, company_id=company_id)
                for company_id in dict.fromkeys(company_ids)
            )
        result.unknown_tickers = unknown
        ImportRecord.objects.create(
            article=article,
            source_name=self.report.name[:500],
            raw_text=parsed.raw_text,
            fingerprint=print_,
            dropped_lines=[d.as_json() for d in parsed.dropped],
            warnings=[warning_message(code) for code in result.warnings],
            unknown_tickers=result.unknown_tickers,
            imported_by=user,
        )
        record_revision(
            article,
            by=user,
            note=_("Imported from %(file)s") % {"file": Path(self.report.name).name},
        )
        result.article_id = article.pk


def _article_type_id() -> int:
    return ContentType.objects.get_for_model(Article).pk  # cached by Django


def _tag_ids(names: set[str]) -> dict[str, int]:
    """Casefolded tag name → tag id, creating the tags that are missing.

    Tags are matched without regard to case (TAGGIT_CASE_INSENSITIVE). A tag
    created for an article that then fails to save is left unused, as the
    admin's tag field would leave it.
    """
    found: dict[str, int] = {}
    wanted = {name.casefold(): name for name in names if name.strip()}
    for start in range(0, len(wanted), CHUNK):
        query = Q()
        for name in list(wanted.values())[start : start + CHUNK]:
            query |= Q(name__iexact=name)
        for tag_id, name in Tag.objects.filter(query).values_list("pk", "name"):
            found.setdefault(name.casefold(), tag_id)
    for key, name in wanted.items():
        if key not in found:
            tag = Tag(name=name)
            tag.save()  # Tag.save() makes a unique slug
            found[key] = tag.pk
    return found


def _existing_fingerprints(prints: list[str]) -> set[str]:
    found: set[str] = set()
    unique = list(dict.fromkeys(prints))
    for start in range(0, len(unique), CHUNK):
        found |= set(
            ImportRecord.objects.filter(
                fingerprint__in=unique[start : start + CHUNK]
            ).values_list("fingerprint", flat=True)
        )
    return found


def _authors_by_name(names: set[str]) -> dict[str, Author]:
    """Existing authors by exact name; the oldest wins when names repeat."""
    found: dict[str, Author] = {}
    ordered = sorted(names)
    for start in range(0, len(ordered), CHUNK):
        for author in Author.objects.filter(
            name__in=ordered[start : start + CHUNK]
        ).order_by("-pk"):
            found[author.name] = author
    return found


def _companies_by_ticker(texts: set[str]) -> dict[str, int]:
    """Ticker text (``6638.HK``) → company id, for the tickers we know."""
    symbols = []
    for text in texts:
        try:
            symbols.append(parse_ticker(text))
        except ValueError:
            continue
    found: dict[str, int] = {}
    for start in range(0, len(symbols), CHUNK):
        query = Q()
        for symbol in symbols[start : start + CHUNK]:
            query |= Q(exchange=symbol.exchange, symbol=symbol.symbol)
        for exchange, symbol, company_id in Ticker.objects.filter(query).values_list(
            "exchange", "symbol", "company_id"
        ):
            found[str(TickerSymbol(exchange, symbol))] = company_id
    return found


def _unique_slug(name: str) -> str:
    """An ASCII slug for a new author: from a Latin name, else from a hash.

    Chinese names have no ASCII spelling we can derive reliably (Cantonese
    or Mandarin romanisation is the author's choice); editors can change it.
    """
    base = slugify(name)[:80] or (
        "author-" + hashlib.sha1(name.encode("utf-8")).hexdigest()[:8]
    )
    slug, n = base, 2
    while Author.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug
