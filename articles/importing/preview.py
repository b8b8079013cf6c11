"""The import preview: the split an editor sees and corrects before drafts exist.

The file's normalised text is cut into the parser's pieces (``split_pieces``
is deterministic, so the same text always gives the same pieces). Each piece
is a line of the preview with a role (headline, English title, dek, key point,
byline, source, body, metadata or junk) and a mark when an article starts at
it. ``initial_split`` reads both from the parser's result; the editor changes
roles and starts (merge two articles = clear a start, split one = set a start,
bring back a dropped line = give it a role); ``parse_split`` turns the edited
split back into parsed articles. When the editor changed nothing, the
parser's own articles are used, so the preview creates exactly what the
command would.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from .parsing import (
    _BULLET_RE,
    _NUMBERED_RE,
    Block,
    Dropped,
    Evidence,
    ParsedArticle,
    ParsedFile,
    Piece,
    _Assembler,
    _finish_fields,
    _gather_evidence,
    _names,
    byline_names,
    name_line,
    source_line,
    split_pieces,
    trailing_source,
)
from .report import LOW_CONFIDENCE, reason_label

# Larger files are imported without a line-by-line preview (each line is a
# form field; Django refuses more than DATA_UPLOAD_MAX_NUMBER_FIELDS).
MAX_PREVIEW_LINES = 400

ROLES = {
    "headline": _("headline"),
    "title_en": _("English title"),
    "dek": _("dek"),
    "key_point": _("key point"),
    "byline": _("byline"),
    "source": _("source"),
    "body": _("body"),
    "meta": _("tickers, tags or date"),
    "junk": _("junk (dropped)"),
}
# The parser's roles, as the preview names them.
_FROM_PARSER = {
    "headline": "headline",
    "title_en": "title_en",
    "dek": "dek",
    "key_point": "key_point",
    "marker": "meta",
    "byline": "byline",
    "source": "source",
    "body": "body",
    "tags": "meta",
    "tickers": "meta",
    "date": "meta",
    "dropped": "junk",
}


# The parser's reasons (English, as the command prints them), for the admin.
REASONS = {
    "a credit word, a separator, names": _("a credit word, a separator, names"),
    "a line of Chinese personal names": _("a line of Chinese personal names"),
    "a line that is only a date": _("a line that is only a date"),
    "a paragraph before key points or byline": _(
        "a paragraph before key points or byline"
    ),
    "first short line": _("first short line"),
    "long, with clauses: a dek?": _("long, with clauses: a dek?"),
    "title line of a pair": _("title line of a title/body pair"),
    "title in 《》 taken as headline": _("title in 《》 taken as headline"),
    "ends in its source": _("ends in its source"),
    "short line without punctuation: subhead": _(
        "short line without punctuation: subhead"
    ),
    "a Latin title over a Chinese headline": _("a Latin title over a Chinese headline"),
    "under a key-points marker": _("under a key-points marker"),
    "key-points marker": _("key-points marker"),
    "a source line": _("a source line"),
    "hashtags": _("hashtags"),
    "a line of tickers": _("a line of tickers"),
}


def reason_text(reason: str) -> str:
    """A parser reason in the editor's language ("dropped: cta" included)."""
    if reason.startswith("dropped: "):
        return _("dropped: %(reason)s") % {"reason": reason_label(reason[9:])}
    return str(REASONS.get(reason, reason))


@dataclass
class Line:
    index: int  # the piece's place in the file, the form's key
    text: str
    role: str
    start: bool = False  # an article starts here
    confidence: float = 1.0
    reason: str = ""

    @property
    def low(self) -> bool:
        return self.confidence < LOW_CONFIDENCE

    @property
    def reason_text(self) -> str:
        return reason_text(self.reason)


@dataclass
class PreviewArticle:
    number: int
    lines: list[Line] = field(default_factory=list)
    parsed: ParsedArticle | None = None


@dataclass
class Split:
    text: str
    lines: list[Line]
    articles: list[PreviewArticle]
    parsed: ParsedFile

    @property
    def roles(self) -> dict[int, str]:
        return {line.index: line.role for line in self.lines}

    @property
    def starts(self) -> set[int]:
        return {line.index for line in self.lines if line.start}


def _pieces(text: str) -> tuple[list[Piece], bool, Evidence]:
    lines = [line.strip() for line in text.split("\n")]
    evidence = _gather_evidence(lines)
    pieces, cjk = split_pieces(text, evidence)
    return pieces, cjk, evidence


def _piece_text(piece: Piece) -> str:
    if piece.members:
        return "\n".join(m.text for m in piece.members if m.text)
    return piece.text


def initial_split(text: str) -> Split:
    """The parser's split of ``text``, line by line (ParseLimitError if too big)."""
    pieces, cjk, evidence = _pieces(text)
    parsed = _Assembler(pieces, cjk, evidence).run()
    parsed.notes = evidence.notes
    owner: dict[int, int] = {}
    for number, article in enumerate(parsed.articles):
        for piece in article.pieces:
            owner[id(piece)] = number
    lines, current, seen = [], 0, set()
    for index, piece in enumerate(pieces):
        if piece.kind == "blank" or not _piece_text(piece):
            continue
        number = owner.get(id(piece), current)
        line = Line(
            index,
            _piece_text(piece),
            _FROM_PARSER.get(piece.role, "junk"),
            start=number not in seen and number != 0 and number in owner.values(),
            confidence=piece.confidence,
            reason=piece.reason,
        )
        seen.add(number)
        current = number
        lines.append(line)
    return _grouped(text, lines, parsed)


def _grouped(text: str, lines: list[Line], parsed: ParsedFile, per_group=None) -> Split:
    raw = text.split("\n")
    for article in parsed.articles:
        first, last = article.line_span
        article.raw_text = "\n".join(raw[first : last + 1]).strip("\n")
    articles = [PreviewArticle(1)]
    for line in lines:
        if line.start and articles[-1].lines:
            articles.append(PreviewArticle(len(articles) + 1))
        articles[-1].lines.append(line)
    for article, result in zip(articles, per_group or parsed.articles, strict=False):
        article.parsed = result
    return Split(text, lines, articles, parsed)


def edited_split(text: str, roles: dict[int, str], starts: set[int]) -> Split:
    """The split after the editor's changes; the parser's if there are none."""
    split = initial_split(text)
    known = {line.index for line in split.lines}
    roles = {i: r for i, r in roles.items() if i in known and r in ROLES}
    starts = starts & known
    if roles == {i: r for i, r in split.roles.items() if i in roles} and (
        starts == split.starts
    ):
        return split
    pieces, cjk, _evidence = _pieces(text)
    lines = []
    for line in split.lines:
        role = roles.get(line.index, line.role)
        changed = role != line.role or (line.index in starts) != line.start
        lines.append(
            Line(
                line.index,
                line.text,
                role,
                start=line.index in starts,
                confidence=1.0 if changed else line.confidence,
                reason=str(_("set by the editor")) if changed else line.reason,
            )
        )
    parsed, per_group = _assemble(pieces, lines, cjk)
    return _grouped(text, lines, parsed, per_group)


def merge(split: Split, article_number: int) -> set[int]:
    """The starts with article ``article_number`` merged into the one above."""
    starts = split.starts
    article = split.articles[article_number - 1]
    if article_number > 1 and article.lines:
        starts.discard(article.lines[0].index)
    return starts


def split_at(split: Split, index: int) -> set[int]:
    """The starts with a new article starting at line ``index``."""
    first = split.lines[0].index if split.lines else None
    return split.starts | ({index} if index != first else set())


def _assemble(pieces: list[Piece], lines: list[Line], cjk: bool):
    """Parsed articles from roles the editor gave, without second-guessing them.

    Returns the parsed file and, per group of lines, its article (or None when
    it has no headline or no text, so it cannot be a draft).
    """
    result, per_group = ParsedFile(), []
    groups: list[list[Line]] = []
    for line in lines:
        if line.start or not groups:
            groups.append([])
        groups[-1].append(line)
    for group in groups:
        article = ParsedArticle()
        for line in group:
            piece = pieces[line.index]
            _apply(article, piece, line)
            article.pieces.append(piece)
            article.pieces += piece.members
        _finish_fields(article, cjk)
        if article.headline and (article.blocks or article.dek or article.key_points):
            result.articles.append(article)
            per_group.append(article)
        else:
            result.dropped += [Dropped(line.text, "unused") for line in group]
            per_group.append(None)
    return result, per_group


def _apply(article: ParsedArticle, piece: Piece, line: Line) -> None:
    text, role = line.text, line.role
    if role == "headline" and not article.headline:
        article.headline = text
    elif role == "title_en" and not article.title_en:
        article.title_en = text
    elif role == "dek" and not article.dek:
        article.dek = text
    elif role == "key_point":
        match = _BULLET_RE.match(text)
        article.key_points.append(match["item"] if match else text)
    elif role == "byline":
        article.authors += byline_names(text) or name_line(text) or _names(text)
    elif role == "source":
        rest, source = trailing_source(text, any_name=True)
        article.sources.append(source_line(text) or source or text)
    elif role == "meta":
        return
    elif role == "junk":
        article.dropped.append(Dropped(text, "editor"))
    elif piece.table is not None:
        article.blocks.append(Block("table", table=piece.table))
    else:
        # Anything else (a second headline, say) is body text.
        bullet = _BULLET_RE.match(text)
        numbered = _NUMBERED_RE.match(text)
        if bullet or numbered:
            kind = "ul" if bullet else "ol"
            item = (bullet or numbered)["item"]
            if article.blocks and article.blocks[-1].kind == kind:
                article.blocks[-1].items.append(item)
            else:
                article.blocks.append(Block(kind, items=[item]))
        else:
            article.blocks.append(Block("p", text))
