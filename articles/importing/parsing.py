"""Text to parsed articles: split a file into articles and pull out their parts.

Pure functions, no database. The rules describe shapes of copy rather than
particular files: each line is classified (ticker line, English title, key
points marker, bullet, byline, call to action, chrome, table, paragraph), a
file is split where a new article visibly starts (ticker lines, an English
title over a Chinese headline, a 簡訊: headline, a headline after a call to
action or a trailing source), and each article is assembled from its lines.
Copy in an unknown shape degrades to "headline = first substantial line, body
= paragraphs" with a warning.

Every piece of input gets a role: a part of an article, or dropped with a
reason. Nothing is silently lost.
"""

import operator
import re
from dataclasses import dataclass, field
from datetime import date

from django.utils.html import escape

from companies.tickers import find_tickers, unique_tickers
from newsroom import chinese

from ..tagging import has_address
from . import cleaning
from .tables import (
    Table,
    is_cell,
    is_number,
    is_pipe_line,
    is_separator,
    parse_pipe_table,
    rebuild_cell_table,
)

MAX_KEY_POINTS = 8
# Limits on the work one file may cost (a worker must never be tied up by a
# file): a longer line, or more pieces, and the file is refused whole.
MAX_LINE_CHARS = 50_000
MAX_PIECES = 250_000
MAX_KEY_POINT_CHARS = 200
HEADLINE_CHARS = 200

# Characters that East Asian Width calls Wide or Fullwidth.
_WIDE_RE = re.compile(
    "[\u1100-\u115f\u231a\u231b\u2329\u232a\u2e80-\u303e\u3041-\u33ff"
    "\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\ua960-\ua97f\uac00-\ud7a3"
    "\uf900-\ufaff\ufe10-\ufe19\ufe30-\ufe6f\uff00-\uff60\uffe0-\uffe6"
    "\U0001f300-\U0001f64f\U0001f900-\U0001f9ff\U00020000-\U0003fffd]"
)
_HAN_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_RE = re.compile(r"[A-Za-z]")
_BRIEF_RE = re.compile(r"^(?:簡訊|简讯|快訊|快讯)\s*[:：]\s*")
_KP_MARKER_RE = re.compile(
    r"^(?:重點|重点|要點|要点|重點摘要|重点摘要|本文重點|本文重点|Key points"
    r"|Key takeaways|In brief)\s*[:：]\s*|^(?:重點|重点|要點|要点|Key points"
    r"|Key takeaways)\s*$",
    re.IGNORECASE,
)
_BULLET_RE = re.compile(r"^(?:[•·●▪◦■□◆◇○►▶]\s*|[-*–]\s+)(?P<item>\S.*)$")
_NUMBERED_RE = re.compile(
    r"^(?:\d{1,2}(?:[.)．]\s+|、\s*)|[（(]\d{1,2}[)）]\s*)(?P<item>\S.*)$"
)
_REFERENCE_RE = re.compile(r"^\[\d{1,3}\]\s*\S")
_HASHTAG_RE = re.compile(r"(?:(?<=\s)|^)#([^\s#，,。;；!！?？]{1,40})#?")
# Credit words, then any separator (colon, full-width colon, pipe, slash, dash,
# a braille blank or another symbol, or spaces), then the names. The separator
# class cannot match what follows it (\w), so the match cannot backtrack.
_AUTHOR_WORDS = (
    "作者|撰文|撰稿|文|記者|记者|編輯|编辑|採訪|采访|實習記者|实习记者|特約記者|特约记者"
    "|特派記者|特派记者|主筆|主笔|報道|报道|採寫|采写|執筆|执笔"
)
_EDITOR_WORDS = (
    "責編|责编|責任編輯|责任编辑|編審|编审|審校|审校|校對|校对|美編|美编|攝影|摄影|圖|图"
    "|整理|翻譯|翻译|編譯|编译|監製|监制|總編輯|总编辑"
)
_EDITOR_OR_AUTHOR_RE = re.compile(r"^(?:編輯|编辑)[^\w]")
# Pipes that are letters to a regular expression: 丨 (a Han radical) and ㅣ
# (a Hangul vowel) stand in for | on many Chinese pages.
_LETTER_PIPES = "丨ㅣ〡"
_CREDIT_RE = re.compile(
    rf"^(?:(?P<author>{_AUTHOR_WORDS})|(?P<editor>{_EDITOR_WORDS}))"
    rf"(?:[^\w]{{1,6}}|[^\w]{{0,3}}[{_LETTER_PIPES}][^\w]{{0,3}})"
    rf"(?P<names>[^\W{_LETTER_PIPES}].{{0,39}})$"
)
# "記者陳子謙" with no separator at all: only a personal name may follow.
_BARE_CREDIT_RE = re.compile(
    r"^(?:記者|记者|作者|撰文|文)(?P<name>[\u4e00-\u9fff]{2,4}?)(?:報道|报道|報導)?$"
)
_EN_CREDIT_RE = re.compile(
    r"^(?:(?P<author>by|reporting by|written by|words by|text by|story by|"
    r"reported by|additional reporting by)"
    r"|(?P<editor>editing by|edited by|editor|photos? by|translated by|"
    r"compiled by))[^\w]{1,6}(?P<names>\w.{0,79})$",
    re.IGNORECASE,
)
# One English name: up to four capitalised words (initials and hyphens allowed).
_EN_NAME_RE = re.compile(r"[A-Z][\w.'’-]*(?: [A-Z][\w.'’-]*){0,3}")
_EN_NAME_SPLIT_RE = re.compile(r"\s*(?:,|;|&|\band\b)\s*")
_NAME_SPLIT_RE = re.compile(r"\s*(?:、|,|，|/|／|;|；|\band\b|&|及|和|與|与|\s)\s*")
_AVAILABLE_RE = re.compile(
    r"^(?:(?:the )?(?:full|original|complete) (?:story|article|text|release)"
    r"|read (?:the )?(?:full|complete|original|more)(?: story| article)?"
    r"|(?:this|the) (?:story|article|release)|originally|story)?\s*(?:is |was )?"
    r"(?:available|first appeared|first published|published|appeared)\s+"
    r"(?:on|at|in)\s+(?P<source>\w[\w .&'’-]{0,58}\w)\.?$",
    re.IGNORECASE,
)
_SOURCE_LINE_RE = re.compile(
    r"^[（(【\[]?\s*(?:來源|来源|資料來源|资料来源|消息來源|消息来源|原文刊於|原文刊于"
    r"|Source)\s*[:：]\s*(?P<source>[^)）】\]]{1,60}?)\s*[)）】\]]?$",
    re.IGNORECASE,
)
_TRAILING_SOURCE_RE = re.compile(
    r"\s*(?:[（(【\[]\s*(?:來源|来源|資料來源|资料来源|消息來源|消息来源|Source)\s*[:：]"
    r"\s*(?P<labelled>[^)）】\]]{1,40}?)\s*[)）】\]]"
    r"|\[(?P<square>[^\]\d\s][^\]]{0,38})\]"
    r"|[（(【](?P<outlet>路透社?|彭博社?|新華社|新华社|中新社|美聯社|美联社|法新社|共同社"
    r"|AFP|AP|Reuters|Bloomberg|Xinhua|[^）)】\s]{1,16}(?:社|報|报|網|网|新聞|新闻"
    r"|財經|财经|電視台|电视台))[)）】])\s*$"
)
# Any short name in brackets, or after a dash, closing a paragraph: a source
# only when the file shows the shape more than once (``Evidence``).
_TRAILING_NAME_RE = re.compile(
    r"(?:[（(【\[「『](?P<inner>[^（()）【】\[\]「」『』]{1,24})[)）】\]」』]"
    r"|(?:——|—|–|--) ?(?P<dash>[^—–\-\s。，,；;！!？?][^—–。，,；;！!？?]{0,23}))\s*$"
)
# An outlet whose name starts with a number ("36氪"), not a paragraph number,
# date or page ("第3段", "2024年", "3頁").
_DIGIT_OUTLET_RE = re.compile(
    r"\d{1,4}(?![段年月日頁页版期號号條条點点])[^\W\d_]{1,8}$"
)
_CLOSERS = set(")）】]」』")
_NOT_OUTLETS = {
    "完", "圖", "图", "待續", "待续", "續", "续", "注", "註", "同上", "下同", "全文完",
    "本報訊", "本报讯", "譯", "译", "end", "ends", "photo", "file",
}  # fmt: skip
# A title in 《》 opening a line of body text (wire copy with no headline line).
# A line that is only a date (and a weekday or time): the page's date stamp.
_DATE_LINE_RE = re.compile(
    r"^(?P<year>\d{4})\s*[年/.-]\s*(?P<month>\d{1,2})\s*[月/.-]\s*(?P<day>\d{1,2})"
    r"\s*日?(?:\s*[（(]?(?:星期|週|周|礼拜|禮拜)[一二三四五六日天][)）]?)?"
    r"(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?\s*(?:HKT|HKT|GMT\+8)?$"
)
_TITLE_QUOTE_RE = re.compile(r"《(?P<title>[^《》\n]{2,60})》")
_MONTHS = {
    m: i
    for i, m in enumerate(
        "jan feb mar apr may jun jul aug sep oct nov dec".split(), start=1
    )
}
_EN_DATELINE_RE = re.compile(
    r"^(?P<place>[A-Z][A-Za-z .'-]*(?:,\s*[A-Z][A-Za-z .'-]*){0,2}),\s*"
    r"(?P<month>[A-Z][a-z]{2,8})\.?\s+(?P<day>\d{1,2}),\s*(?P<year>\d{4})"
    # No \s* beside another that takes the same spaces: that would backtrack
    # (the wire's own spaces are stripped by dateline()).
    r"(?:\s*/(?P<wire>[^/]{2,40})/)?\s*(?:[—–-]{1,2}|:)\s*"
)
_ZH_DATELINE_RE = re.compile(
    r"^[（(【]?(?P<wire>新華社|新华社|中新社|路透社?|彭博社?|美聯社|美联社|法新社)?"
    r"(?P<place>[\u4e00-\u9fff]{0,6}?)(?:(?P<year>\d{4})年)?(?P<month>\d{1,2})月"
    r"(?P<day>\d{1,2})日(?:電|电)[）)】]?\s*"
)
# Sentence-final and clause punctuation: a subhead has none.
_CLAUSE_PUNCT_RE = re.compile(r"[，,。；;！!？?、]")
_SENTENCE_END = '。！？!?.」』”"）)…'
# Lines ending like this were cut off mid-sentence (scraped pages drop figures).
_INCOMPLETE_END_RE = re.compile(
    r"(?:的|对|對|于|於|为|為|约|約|从|從|在|与|與|和|及|是|有|将|將|把|被|向|给|給"
    r"|以下|——|—|–|-|:|：)$"
)
_SURNAMES = set(
    "王李張张劉刘陳陈楊杨黃黄趙赵吳吴周徐孫孙馬马朱胡郭何高林羅罗鄭郑梁謝谢宋唐許许"
    "韓韩馮冯鄧邓曹彭曾蕭萧田董袁潘于蔣蒋蔡余杜葉叶程蘇苏魏呂吕丁任沈姚盧卢姜崔鍾钟"
    "譚谭陸陆汪范金石廖賈贾夏韋韦付方白鄒邹孟熊秦邱江尹薛閆闫段雷侯龍龙史陶黎賀贺顧"
    "顾毛郝龔龚邵萬万錢钱嚴严覃武戴莫孔向湯汤常溫温康施文牛樊葛邢安齊齐易喬乔伍龐庞"
    "顏颜倪莊庄聶聂章魯鲁岳翟殷詹申歐欧耿關关蘭兰焦俞左柳甘祝包寧宁尚符舒阮柯紀纪梅"
    "童凌畢毕單单季裴霍涂成苗谷盛曲翁冉駱骆藍蓝路游辛靳管柴蒙鮑鲍華华喻祁蒲房滕屈饒"
    "饶解牟艾尤陽阳時时穆農农司卓古吉繆缪簡简車车項项連连麥麦褚婁娄竇窦戚岑景黨党宮"
    "宫費费卜冷晏席衛卫米柏宗瞿桂全佟應应臧閔闵苟鄔邬邊边卞姬師师仇欒栾隋商刁沙榮荣"
    "巫寇桑郎甄叢丛仲虞敖鞏巩明佘池查麻苑遲迟鄺邝洪伍冼湛"
)
_COMPOUND_SURNAMES = (
    "歐陽 欧阳 司徒 上官 司馬 司马 諸葛 诸葛 端木 皇甫 尉遲 尉迟 公孫 公孙 慕容 令狐 "
    "長孫 长孙 夏侯 東方 东方"
).split()
# Whitespace inside a compact line (one item exported as one long line).
_GAP_RE = re.compile(r"[ \t\u00a0\u3000\u2002-\u200b]+")
_COMPACT_MIN_CHARS = 120
_SEGMENT_BREAK_AFTER = set("。！？!?」』”）)")
_SEGMENT_BREAK_BEFORE = set("「『“（(")
# match() at a position anchors there; "^" would not.
_CTA_START_RE = re.compile(r"(?:欲|請|请)?(?:訂閱|订阅)|subscribe\b", re.IGNORECASE)
_SENTENCE_SPLIT_RE = re.compile(r"(?<=[。！？!?])")
_SPACES_RE = re.compile(r"[\s\u00a0\u3000\u2000-\u200b]+")


_ASIDE_RE = re.compile(r"\s*[(（][^()（）]*[)）]")
_ZH_STOP_RE = re.compile(r"[。！？]")
_EN_APPOSITIVE_RE = re.compile(r",\s+(?:a|an|the)\s+[^,]{3,120},")
_EN_STOP_RE = re.compile(r"[.!?](?=\s+[A-Z“\"]|\s*$)")
_TICKER_GLUE_RE = re.compile(r"[\s,;，；、/|()（）]")
_WHITESPACE_RE = re.compile(r"\s+")


class ParseLimitError(ValueError):
    """The text would cost more work than one file may (MAX_LINE_CHARS, MAX_PIECES)."""


# --- results --------------------------------------------------------------------------


@dataclass
class Dropped:
    text: str
    reason: str  # a key of cleaning.REASONS

    def as_json(self) -> dict:
        return {"text": self.text, "reason": self.reason}


@dataclass
class Piece:
    """One logical line of input: a line, or a segment of a compact line."""

    text: str
    number: int  # the line it came from, counting from 0
    kind: str = "text"
    role: str = ""  # what the parser made of it
    table: Table | None = None
    members: list["Piece"] = field(default_factory=list)  # a table's lines
    part: int = 0  # its place among the pieces of its line
    confidence: float = 1.0  # how sure the parser is of ``role``
    reason: str = ""  # the evidence for ``role``, in a few words (English)


@dataclass
class Block:
    kind: str  # p, h2, ul, ol, table
    text: str = ""
    items: list[str] = field(default_factory=list)
    table: Table | None = None

    def html(self) -> str:
        if self.kind in {"p", "h2"}:
            return f"<{self.kind}>{escape(self.text)}</{self.kind}>"
        if self.kind in {"ul", "ol"}:
            items = "".join(f"<li>{escape(item)}</li>" for item in self.items)
            return f"<{self.kind}>{items}</{self.kind}>"
        return self.table.html() if self.table else ""

    def plain(self) -> str:
        if self.kind in {"ul", "ol"}:
            return "\n".join(self.items)
        if self.kind == "table":
            return self.table.text() if self.table else ""
        return self.text


@dataclass
class ParsedArticle:
    headline: str = ""
    title_en: str = ""
    dek: str = ""
    key_points: list[str] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    brief: bool = False  # the copy says so (簡訊:)
    tags: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    header_tickers: list[str] = field(default_factory=list)
    tickers: list[str] = field(default_factory=list)
    script: str = ""
    dateline: date | None = None
    blocks: list[Block] = field(default_factory=list)
    dropped: list[Dropped] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    pieces: list[Piece] = field(default_factory=list)
    editor_credits: list[tuple[Piece, list[str]]] = field(default_factory=list)
    line_span: tuple[int, int] = (0, 0)  # first and last line of the input
    raw_text: str = ""

    @property
    def source(self) -> str:
        return ", via ".join(dict.fromkeys(self.sources))

    @property
    def body_html(self) -> str:
        return "".join(block.html() for block in self.blocks)

    @property
    def body_text(self) -> str:
        return "\n".join(block.plain() for block in self.blocks)

    @property
    def content_text(self) -> str:
        """What the draft says, for the duplicate fingerprint."""
        return "\n".join(
            [self.headline, self.title_en, self.dek, *self.key_points, self.body_text]
        )

    def guess_kind(self) -> str:
        """brief or feature: the copy's 簡訊: prefix, else short copy is a brief."""
        if self.brief:
            return "brief"
        structured = self.key_points or any(
            block.kind in {"h2", "table"} for block in self.blocks
        )
        return "feature" if structured or len(self.body_text) >= 400 else "brief"


@dataclass
class ParsedFile:
    articles: list[ParsedArticle] = field(default_factory=list)
    dropped: list[Dropped] = field(default_factory=list)  # outside any article
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what the file showed


# Why a role was given, when the place that gives it says nothing more.
_REASONS = {
    "headline": "first short line",
    "title_en": "a Latin title over a Chinese headline",
    "key_point": "under a key-points marker",
    "marker": "key-points marker",
    "source": "a source line",
    "tags": "hashtags",
    "tickers": "a line of tickers",
    "body": "",
}


# --- small predicates -----------------------------------------------------------------


def han_count(text: str) -> int:
    return len(_HAN_RE.findall(text))


def is_mostly_han(text: str) -> bool:
    han = han_count(text)
    return han > 0 and han >= len(_LATIN_RE.findall(text)) / 3


def display_width(text: str) -> int:
    """Columns the text takes: two for each wide (East Asian) character."""
    # One regular expression in C instead of a Python call per character.
    return len(text) + len(_WIDE_RE.findall(text))


def _ends_sentence(text: str) -> bool:
    return text[-1:] in _SENTENCE_END if text else False


def headline_like(text: str) -> bool:
    """Short, one line, no full stop: could be a headline or title."""
    if not text or len(text) < 2 or "。" in text[:-1]:
        return False
    if text.endswith(("。", "；", ";", "，", ",", "：", ":")):
        return False
    if text.endswith(".") and not text.endswith(("Inc.", "Ltd.", "Co.", "Corp.")):
        return False
    return display_width(text) <= 120 if han_count(text) else len(text) <= 160


def subhead_like(text: str) -> bool:
    """Short, no clause punctuation, not a cut-off sentence: a subhead."""
    if len(text) < 2 or _CLAUSE_PUNCT_RE.search(text):
        return False
    if _INCOMPLETE_END_RE.search(text):
        return False
    if is_number(text) or text.endswith(("：", ":")):
        return False
    if han_count(text):
        return display_width(text) <= 40
    words = text.split()
    return len(text) <= 70 and len(words) <= 9 and text[:1].isupper()


def _names(text: str) -> list[str]:
    names = [part for part in _NAME_SPLIT_RE.split(text.strip()) if part]
    return list(dict.fromkeys(names))


def _is_chinese_name(text: str) -> bool:
    if not all(_HAN_RE.match(ch) for ch in text):
        return False
    if any(text.startswith(s) for s in _COMPOUND_SURNAMES):
        return 3 <= len(text) <= 4
    return 2 <= len(text) <= 4 and text[0] in _SURNAMES


def name_line(text: str) -> list[str]:
    """The names when the whole line is one to three Chinese personal names."""
    if len(text) > 20:
        return []
    names = _names(text)
    if 1 <= len(names) <= 3 and all(_is_chinese_name(name) for name in names):
        return names
    return []


def credit(text: str) -> tuple[str, list[str]]:
    """``(kind, names)`` of a credit line: kind is "author" or "editor", else "".

    "作者: 申思琦", "記者⠀林子軒", "撰文｜王大明", "By Jane Doe and Li Wei",
    "責任編輯 - 陳小明". Any separator between the credit word and the names.
    """
    if len(text) > 100:
        return "", []
    match = _CREDIT_RE.match(text)
    if match:
        names = _names(match["names"])
        if (
            names
            and len(names) <= 4
            and all(len(name) <= 20 for name in names)
            and not _CLAUSE_PUNCT_RE.search(match["names"].replace("、", ""))
        ):
            return ("author" if match["author"] else "editor"), names
        return "", []
    match = _EN_CREDIT_RE.match(text)
    if match:
        names = _english_names(match["names"])
        if names:
            return ("author" if match["author"] else "editor"), names
    match = _BARE_CREDIT_RE.match(text)
    if match and _is_chinese_name(match["name"]):
        return "author", [match["name"]]
    return "", []


def _english_names(text: str) -> list[str]:
    """Names of "Jane Doe and Li Wei" when every part is a capitalised name."""
    parts = [p for p in _EN_NAME_SPLIT_RE.split(text.strip().rstrip(".")) if p]
    names = []
    for part in parts:
        part = " ".join(part.split())
        if not _EN_NAME_RE.fullmatch(part):
            return []
        names.append(part)
    return names if len(names) <= 4 else []


def byline_names(text: str) -> list[str]:
    """Names from an author byline: "作者: 申思琦", "By Jane Doe and Li Wei"."""
    kind, names = credit(text)
    return names if kind == "author" else []


def _ticker_line(text: str) -> list[str]:
    """The tickers when the line is nothing but tickers."""
    if len(text) > 80:
        return []
    mentions = find_tickers(text)
    if not mentions:
        return []
    rest, last = [], 0
    for mention in mentions:
        rest.append(text[last : mention.start])
        last = mention.end
    rest.append(text[last:])
    if _TICKER_GLUE_RE.sub("", "".join(rest)):
        return []
    return [str(m.ticker) for m in mentions]


def _hashtags(text: str) -> list[str]:
    tags = (tag.strip() for tag in _HASHTAG_RE.findall(text))
    # #2 is a number, #{{ or #-- no tag: neither would get a page.
    return [tag for tag in tags if not tag.isdigit() and has_address(tag)]


def _hashtag_line(text: str) -> list[str]:
    tags = _hashtags(text)
    if tags and not _HASHTAG_RE.sub("", text).strip(" #,，、"):
        return tags
    return []


def latin_title_like(text: str) -> bool:
    if han_count(text) or not text[:1].isalpha() or not text.isascii():
        return False
    if "://" in text or text.endswith((".", ":", ";", ",")):
        return False
    return 2 <= len(text) <= 120 and len(text.split()) <= 16


def trailing_source(text: str, *, any_name: bool = False) -> tuple[str, str]:
    """``(text without it, source)`` for a paragraph ending in a bracketed outlet.

    With ``any_name`` (the file ends paragraphs this way more than once), any
    short name in (), [], 【】, 「」 or after a dash counts.
    """
    rest, source, _confidence = trailing_source_evidence(text, any_name=any_name)
    return rest, source


def trailing_source_evidence(text: str, *, any_name: bool = False):
    """``(text without it, source, confidence)``; see ``trailing_source``."""
    # A source closes the text: only its last characters need searching.
    match = _TRAILING_SOURCE_RE.search(text, max(0, len(text) - 80))
    if match is not None and match.start() > 0:
        source = (match["labelled"] or match["square"] or match["outlet"] or "").strip()
        if source and not unique_tickers(match.group(0)):
            return text[: match.start()].rstrip(), source, 0.9
    if any_name:
        start, name = _trailing_name(text)
        if name:
            return text[:start].rstrip(), name, 0.75
    return text, "", 0.0


def _trailing_name(text: str) -> tuple[int, str]:
    """``(start, name)`` of a short outlet-like name closing the text, else (0, "")."""
    tail = text.rstrip()[-27:]
    if (
        tail[-1:] not in _CLOSERS
        and "—" not in tail
        and "–" not in tail
        and ("--" not in tail)
    ):
        return 0, ""  # most paragraphs: no regular expression needed
    match = _TRAILING_NAME_RE.search(text, max(0, len(text) - 40))
    if match is None or match.start() == 0:
        return 0, ""
    name = (match["inner"] or match["dash"] or "").strip()
    if (
        not name
        or (any(ch.isdigit() for ch in name) and not _DIGIT_OUTLET_RE.match(name))
        or _CLAUSE_PUNCT_RE.search(name)
        or name.casefold() in _NOT_OUTLETS
        or unique_tickers(name)
    ):
        return 0, ""
    return match.start(), name


def source_line(text: str) -> str:
    """The outlet when the line only says where the copy comes from."""
    if len(text) > 120:
        return ""
    match = _SOURCE_LINE_RE.match(text) or _AVAILABLE_RE.match(text)
    return match["source"].strip() if match else ""


def dateline(text: str) -> tuple[date | None, str, int]:
    """``(date, wire, end)`` of a dateline opening a paragraph, else (None, "", 0)."""
    match = _EN_DATELINE_RE.match(text)
    if match:
        month = _MONTHS.get(match["month"][:3].lower())
        when = None
        if month:
            try:
                when = date(int(match["year"]), month, int(match["day"]))
            except ValueError:
                when = None
        if when is not None or match["wire"]:
            return when, (match["wire"] or "").strip(), match.end()
        return None, "", 0
    match = _ZH_DATELINE_RE.match(text)
    if match and (match["wire"] or match["place"]):
        when = None
        if match["year"]:
            try:
                when = date(int(match["year"]), int(match["month"]), int(match["day"]))
            except ValueError:
                when = None
        return when, match["wire"] or "", match.end()
    return None, "", 0


# --- splitting lines into pieces ------------------------------------------------------


def _segments(line: str) -> list[str]:
    """A compact line (a whole item on one line) cut back into its parts.

    Splits at gaps between Chinese text: after a full stop, before a quote,
    or between two Han characters; never inside Latin words or numbers.
    """
    compact = len(line) >= _COMPACT_MIN_CHARS and is_mostly_han(line)
    if not compact and not _CTA_START_RE.search(line):
        return [line]
    parts, start = [], 0
    for gap in _GAP_RE.finditer(line):
        left = line[gap.start() - 1] if gap.start() else ""
        right = line[gap.end()] if gap.end() < len(line) else ""
        if not left or not right:
            continue
        wide = len(gap.group(0)) >= 2
        after_stop = left in _SEGMENT_BREAK_AFTER
        into_han = (_HAN_RE.match(right) or right in _SEGMENT_BREAK_BEFORE) and not (
            left.isascii() and left.isalnum()
        )
        cta = _CTA_START_RE.match(line, gap.end())
        # A subhead glued to a paragraph that opens with Latin ("階段 BD交易").
        subhead = (
            _HAN_RE.match(left)
            and right.isascii()
            and right.isalnum()
            and subhead_like(line[start : gap.start()].strip())
        )
        if cta or (compact and (wide or after_stop or into_han or subhead)):
            parts.append(line[start : gap.start()])
            start = gap.end()
    parts.append(line[start:])
    parts = [part.strip() for part in parts if part.strip()]
    if compact and len(parts) < 3:
        return [line]
    return parts


def classify(text: str, *, cjk: bool) -> str:
    """What kind of line this is, before its place in the article is known."""
    if not text:
        return "blank"
    if _hashtag_line(text):
        return "tags"
    if cleaning.is_cta(text):
        return "cta"
    if cleaning.chrome_reason(text):
        return "chrome"
    if cleaning.is_links_header(text):
        return "links_header"
    if _KP_MARKER_RE.match(text):
        return "kp_marker"
    if _BULLET_RE.match(text):
        return "bullet"
    if _NUMBERED_RE.match(text) and not is_number(text):
        return "numbered"
    if _REFERENCE_RE.match(text):
        return "reference"
    if _ticker_line(text):
        return "ticker"
    if cleaning.is_quote_line(text):
        return "quote"
    credit_kind, _names_ = credit(text)
    if credit_kind:
        return "byline" if credit_kind == "author" else "credit"
    if source_line(text):
        return "source"
    if _DATE_LINE_RE.match(text):
        return "date"
    if cleaning.is_section_label(text):
        return "section"
    if name_line(text):
        return "name"
    if is_pipe_line(text):
        return "pipe"
    if cjk and latin_title_like(text):
        return "latin"
    return "text"


@dataclass
class Evidence:
    """What the whole file shows, which no single line can."""

    any_name_sources: bool = False  # paragraphs end in "(name)" more than once
    pair_heads: set[int] = field(default_factory=set)  # title lines of a feed
    # Lines that close an article (a title line or the end follows) and end
    # in a bracketed name: that name is taken as the source, less surely.
    closing_names: set[int] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)


def _gather_evidence(lines: list[str]) -> Evidence:
    """Repeated shapes: paragraphs ending in a name, title/body line pairs."""
    evidence = Evidence()
    numbered = [(n, line) for n, line in enumerate(lines) if line]
    long_ = [_long_line(line) for _n, line in numbered]
    named_ends = sum(
        1
        for (_n, line), is_long in zip(numbered, long_, strict=True)
        if is_long and _trailing_name(line)[1]
    )
    evidence.any_name_sources = named_ends >= 2
    for index, (number, line) in enumerate(numbered):
        if not long_[index] or not _trailing_name(line)[1]:
            continue
        nxt = None
        # The next line that is not chrome (a call to action, a share row);
        # looking a few lines ahead at most keeps this linear.
        for _number, after in numbered[index + 1 : index + 8]:
            if not cleaning.chrome_reason(after) and not cleaning.is_links_header(
                after
            ):
                nxt = after
                break
        else:
            if index + 8 < len(numbered):
                continue
        if nxt is None or _title_line(nxt):
            evidence.closing_names.add(number)
    if evidence.any_name_sources:
        evidence.notes.append(f"{named_ends} paragraphs end in a bracketed name")
    heads = set()
    for index, (number, line) in enumerate(numbered):
        before_long = index + 1 < len(numbered) and long_[index + 1]
        after_ok = (
            index + 2 >= len(numbered)
            or not long_[index + 2]
            or (_TITLE_QUOTE_RE.match(numbered[index + 2][1]) is not None)
        )
        if not long_[index] and before_long and after_ok and _title_line(line):
            heads.add(number)
        elif (
            long_[index]
            and _TITLE_QUOTE_RE.match(line)
            and (index == 0 or long_[index - 1])
        ):
            heads.add(number)  # a body line opening with its title in 《》
    covered = sum(2 if n in heads and not _TITLE_QUOTE_RE.match(lines[n]) else 1
                  for n in heads)  # fmt: skip
    if len(heads) >= 3 and covered >= 0.6 * len(numbered):
        evidence.pair_heads = heads
        evidence.notes.append(f"{len(heads)} title/body pairs")
    return evidence


def _long_line(line: str) -> bool:
    """A paragraph rather than a title: 100 columns or more (50 Han characters)."""
    return len(line) >= 100 or (len(line) >= 50 and display_width(line) >= 100)


def _title_line(line: str) -> bool:
    """Could head an article: short, no full stop, not a credit or chrome."""
    return (
        headline_like(line)
        and not credit(line)[0]
        and not source_line(line)
        and not cleaning.chrome_reason(line)
    )


def _cut_line(line: str, any_name: bool) -> list[str]:
    """A line's segments, its trailing source (if any) kept with the last one.

    Long lines are cut only after the source is found: cut first, the source
    would be a segment of its own and close nothing.
    """
    rest, source, _c = trailing_source_evidence(line, any_name=any_name)
    if not source:
        return _segments(line)
    segments = _segments(rest) or [""]
    segments[-1] = (segments[-1] + line[len(rest) :]).strip()
    return segments


def split_pieces(
    text: str, evidence: Evidence | None = None
) -> tuple[list[Piece], bool]:
    """Classified pieces of the text, and whether it is Chinese copy.

    Raises ParseLimitError for a line over MAX_LINE_CHARS or a text of more
    than MAX_PIECES pieces.
    """
    cjk = is_mostly_han(text[:20000])
    lines = [line.strip() for line in text.split("\n")]
    for number, line in enumerate(lines):
        if len(line) > MAX_LINE_CHARS:
            raise ParseLimitError(f"line {number + 1}: {len(line)} characters")
    if evidence is None:
        evidence = _gather_evidence(lines)
    pieces = []
    for number, line in enumerate(lines):
        any_name = evidence.any_name_sources or number in evidence.closing_names
        for part, segment in enumerate(_cut_line(line, any_name)):
            segment = _SPACES_RE.sub(" ", segment).strip()
            marker = _KP_MARKER_RE.match(segment)
            if marker and marker.end() < len(segment):
                # "重點: first point" on one line: the marker, then the point.
                head = segment[: marker.end()].strip()
                pieces.append(Piece(head, number, "kp_marker", part=part))
                segment = segment[marker.end() :].strip()
            for sentence in _cta_sentences(segment):
                kind = classify(sentence, cjk=cjk)
                pieces.append(Piece(sentence, number, kind, part=part))
        if len(pieces) > MAX_PIECES:
            raise ParseLimitError(f"more than {MAX_PIECES} pieces")
    return _group_tables(pieces), cjk


def _cta_sentences(segment: str) -> list[str]:
    """A paragraph with a call to action in it: the sentences before it, then it.

    A sentence is dropped, not the paragraph around it.
    """
    if len(segment) < 20 or not _CTA_START_RE.search(segment):
        return [segment]
    parts = [p for p in _SENTENCE_SPLIT_RE.split(segment) if p.strip()]
    if len(parts) < 2:
        return [segment]
    out: list[str] = []
    for sentence in parts:
        sentence = sentence.strip()
        if cleaning.is_cta(sentence) or (out and cleaning.is_cta(out[-1])):
            out.append(sentence)
        elif out and not cleaning.is_cta(out[-1]):
            out[-1] += sentence if han_count(sentence[:1]) else " " + sentence
        else:
            out.append(sentence)
    return out


def _group_tables(pieces: list[Piece]) -> list[Piece]:
    """Runs of pipe lines, and of one-cell-per-line blocks, become table pieces."""
    out: list[Piece] = []
    i = 0
    while i < len(pieces):
        piece = pieces[i]
        if piece.kind == "pipe":
            j = i
            while j < len(pieces) and pieces[j].kind == "pipe":
                j += 1
            for members in _split_pipe_run(pieces[i:j]):
                table = parse_pipe_table([p.text for p in members])
                if table is not None:
                    out.append(
                        Piece("", piece.number, "table", table=table, members=members)
                    )
                    continue
                for member in members:
                    member.kind = "text"
                out.extend(members)
            i = j
            continue
        if _cell_piece(piece):
            j, cells, starts = _cell_run(pieces, i)
            table = rebuild_cell_table(cells) if len(cells) >= 12 else None
            if table is not None and table.unused_cells:
                j = starts[len(cells) - table.unused_cells]
                while j > i and pieces[j - 1].kind == "blank":
                    j -= 1
            if table is not None:
                out.append(
                    Piece("", piece.number, "table", table=table, members=pieces[i:j])
                )
            else:
                # Not a table: its lines are text (tried once, so no quadratic
                # rescans of long runs of short lines).
                out.extend(pieces[i:j])
            i = max(j, i + 1)
            continue
        out.append(piece)
        i += 1
    return out


def _split_pipe_run(run: list[Piece]) -> list[list[Piece]]:
    """Consecutive pipe tables: a new one starts at a header over a separator."""
    groups: list[list[Piece]] = [[]]
    for index, piece in enumerate(run):
        nxt = run[index + 1].text if index + 1 < len(run) else ""
        if groups[-1] and is_separator(nxt) and not is_separator(piece.text):
            groups.append([])
        groups[-1].append(piece)
    return [group for group in groups if group]


def _cell_piece(piece: Piece) -> bool:
    return piece.kind in {"text", "latin", "name", "section"} and is_cell(piece.text)


def _cell_run(pieces: list[Piece], start: int) -> tuple[int, list[str], list[int]]:
    """``(end, cells, where each cell starts)``: short lines from ``start``.

    A line starting in lower case continues the cell above it ("In RMB'000,
    except percentages" / "and per ADS amounts").
    """
    cells: list[str] = []
    starts: list[int] = []
    i, end, joined = start, start, False
    while i < len(pieces):
        piece = pieces[i]
        if piece.kind == "blank":
            joined = False
            i += 1
            continue
        if not _cell_piece(piece):
            break
        text = piece.text
        if joined and cells and text[:1].islower() and not is_number(cells[-1]):
            cells[-1] += " " + text
        else:
            cells.append(text)
            starts.append(i)
        joined = True
        i += 1
        end = i
    return end, cells, starts


# --- assembling articles --------------------------------------------------------------


class _Assembler:
    def __init__(self, pieces: list[Piece], cjk: bool, evidence: Evidence):
        self.pieces = pieces
        self.cjk = cjk
        self.evidence = evidence
        self.result = ParsedFile()
        self.article: ParsedArticle | None = None
        self.phase = "head"  # head, kp, body
        self.mode = ""  # widget, links: dropping until a real paragraph
        self.closed = False  # ended by a call to action or a trailing source
        self.pending: list[Piece] = []  # dropped before the next article starts
        self.skip_as_links: set[int] = set()
        self.between_links = False  # after a links header between articles

    # lookahead helpers

    def _next(self, i: int, count: int = 1) -> list[Piece]:
        found = []
        # By index, not over a slice: a slice copies the rest of the file's
        # pieces on every call, which made parsing quadratic in file length.
        for j in range(i + 1, len(self.pieces)):
            piece = self.pieces[j]
            if piece.kind != "blank":
                found.append(piece)
                if len(found) == count:
                    break
        return found

    def _followed_by_headline(self, i: int) -> bool:
        nxt = self._next(i)
        return bool(nxt) and nxt[0].kind == "text" and bool(han_count(nxt[0].text))

    def _followed_by_paragraph(self, i: int) -> bool:
        """The next line is a paragraph: a title over it is a headline."""
        nxt = self._next(i)
        return bool(nxt) and nxt[0].kind == "text" and _long_line(nxt[0].text)

    def _opens_article(self, i: int) -> bool:
        """What follows a short line says it is a headline: a byline, a dateline."""
        nxt = self._next(i)
        if not nxt:
            return False
        after = nxt[0]
        if after.kind == "byline":
            return True
        return after.kind == "text" and dateline(after.text)[2] > 0

    def _marker_follows(self, i: int) -> bool:
        return any(p.kind in {"kp_marker", "byline", "name"} for p in self._next(i, 2))

    def _at_end(self, i: int) -> bool:
        """Nothing but calls to action, chrome or a new article follows."""
        for j in range(i + 1, len(self.pieces)):
            piece = self.pieces[j]
            if piece.kind in {"blank", "chrome", "cta", "section", "quote"}:
                continue
            if piece.kind in {"ticker", "latin"} or _BRIEF_RE.match(piece.text):
                return True
            return False
        return True

    def _title_run(self, i: int) -> list[int]:
        """Indexes of consecutive headline-like lines from ``i``."""
        run = []
        for j in range(i, len(self.pieces)):
            piece = self.pieces[j]
            if piece.kind in {"blank", "chrome"}:
                continue
            if (
                piece.kind == "text"
                and headline_like(piece.text)
                and (subhead_like(piece.text) or display_width(piece.text) <= 60)
            ):
                run.append(j)
                continue
            break
        return run

    # building

    def _start(self) -> ParsedArticle:
        self._finish()
        self.article = ParsedArticle()
        self.phase, self.mode, self.closed = "head", "", False
        for piece in self.pending:
            self._drop(piece, piece.role or "unused")
        self.pending = []
        return self.article

    def _finish(self) -> None:
        article = self.article
        self.article = None
        if article is None:
            return
        _finish_article(article, self.cjk)
        if article.headline and (article.blocks or article.dek or article.key_points):
            self.result.articles.append(article)
        else:
            for piece in article.pieces:
                if piece.kind != "blank" and piece.role != "dropped":
                    texts = [m.text for m in piece.members] or [piece.text]
                    self.result.dropped += [Dropped(t, "unused") for t in texts if t]
                    piece.role = "dropped"
                    for member in piece.members:
                        member.role = "dropped"
            self.result.dropped += article.dropped

    def _take(
        self, piece: Piece, role: str, confidence: float = 1.0, reason: str = ""
    ) -> None:
        piece.role = role
        piece.confidence, piece.reason = confidence, reason or _REASONS.get(role, "")
        self.article.pieces.append(piece)

    def _drop(self, piece: Piece, reason: str, confidence: float = 0.9) -> None:
        piece.role = "dropped"
        piece.confidence, piece.reason = confidence, f"dropped: {reason}"
        for member in piece.members:
            member.role = "dropped"
        self.article.pieces.append(piece)
        texts = [m.text for m in piece.members if m.text] or [piece.text]
        self.article.dropped += [Dropped(text, reason) for text in texts]

    def _block(self, kind: str, text: str = "", *, item: bool = False) -> None:
        blocks = self.article.blocks
        if item:
            if blocks and blocks[-1].kind == kind:
                blocks[-1].items.append(text)
            else:
                blocks.append(Block(kind, items=[text]))
        else:
            blocks.append(Block(kind, text))

    def _starts_new(self, i: int, piece: Piece) -> bool:
        article = self.article
        if article is None:
            return True
        started = bool(article.headline or article.blocks)
        if piece.part == 0 and piece.number in self.evidence.pair_heads:
            return bool(article.blocks)
        if self.closed and piece.part == 0 and _TITLE_QUOTE_RE.match(piece.text):
            return True
        if piece.kind == "ticker":
            return started
        if piece.kind == "latin" and self._followed_by_headline(i):
            return started
        if piece.kind == "text" and _BRIEF_RE.match(piece.text):
            return started
        if (
            article.blocks
            and piece.kind in {"text", "latin"}
            and headline_like(piece.text)
            and self._opens_article(i)
        ):
            return True
        if self.closed and piece.kind in {"text", "name", "latin"}:
            if headline_like(piece.text):
                return True
            self.closed = False  # a paragraph: the article goes on
        return False

    def run(self) -> ParsedFile:
        for i, piece in enumerate(self.pieces):
            if piece.kind == "blank":
                piece.role = "blank"
                if self.article is not None:
                    self.article.pieces.append(piece)
                continue
            if piece.kind in {
                "cta",
                "chrome",
                "section",
                "quote",
                "links_header",
                "credit",
            } and (self.article is None or self.closed):
                reason = {
                    "cta": "cta",
                    "section": "section",
                    "quote": "widget",
                    "links_header": "links",
                    "credit": "credit",
                }.get(piece.kind) or cleaning.chrome_reason(piece.text)
                piece.role = reason
                self.pending.append(piece)
                if piece.kind == "links_header":
                    self.between_links = True
                continue
            if self.between_links:
                # Link titles under a "related" header between articles: wait
                # for a line that opens an article (a byline or dateline
                # follows it, or it heads a title/body pair).
                if (
                    piece.kind in {"text", "latin", "bullet", "numbered", "name"}
                    and headline_like(_strip_marker(piece.text))
                    and not self._opens_article(i)
                    and not self._followed_by_paragraph(i)
                    and not (
                        piece.part == 0 and piece.number in self.evidence.pair_heads
                    )
                ):
                    piece.role = "links"
                    self.pending.append(piece)
                    continue
                self.between_links = False
            if self.article is not None and self._mode_drops(i, piece):
                continue
            if self._starts_new(i, piece):
                self._start()
            elif self.pending:
                for waiting in self.pending:
                    self._drop(waiting, waiting.role or "unused")
                self.pending = []
            self._feed(i, piece)
        self._finish()
        for piece in self.pending:
            self.result.dropped.append(Dropped(piece.text, piece.role or "unused"))
            piece.role = "dropped"
        return self.result

    def _mode_drops(self, i: int, piece: Piece) -> bool:
        """Drop lines of a quote widget or a list of links, until real copy."""
        kind, text = piece.kind, piece.text
        if self.mode == "widget":
            if kind in {"ticker", "quote"} or (
                kind in {"text", "name", "latin"}
                and display_width(text) <= 30
                and not _CLAUSE_PUNCT_RE.search(text)
            ):
                self._drop(piece, "widget")
                return True
            self.mode = ""
        if self.mode == "links":
            if (
                kind in {"text", "latin", "bullet", "numbered", "name"}
                and headline_like(_strip_marker(text))
                and not self._opens_article(i)
            ):
                self._drop(piece, "links")
                return True
            self.mode = ""
        return False

    def _feed(self, i: int, piece: Piece) -> None:
        article, kind, text = self.article, piece.kind, piece.text
        if i in self.skip_as_links:
            self._drop(piece, "links")
            return
        if kind == "cta":
            self._drop(piece, "cta")
            self.closed = bool(article.headline or article.blocks)
            return
        if kind == "chrome":
            reason = cleaning.chrome_reason(text) or "unused"
            self._drop(piece, reason)
            if reason == "widget":
                self.mode = "widget"
            return
        if kind == "links_header":
            self._drop(piece, "links")
            self.mode = "links"
            return
        if kind == "credit":
            self._drop(piece, "credit")
            self.closed = bool(article.headline or article.blocks)
            return
        if kind == "quote":
            self._drop(piece, "widget")
            return
        if kind == "section" and (self.closed or not article.headline):
            self._drop(piece, "section")
            return
        if kind == "date":
            match = _DATE_LINE_RE.match(text)
            try:
                article.dateline = article.dateline or date(
                    int(match["year"]), int(match["month"]), int(match["day"])
                )
            except ValueError:
                pass
            self._take(piece, "date", 0.9, "a line that is only a date")
            return
        if kind == "tags":
            article.tags += _hashtag_line(text)
            self._take(piece, "tags")
            return
        if kind == "ticker":
            article.header_tickers += _ticker_line(text)
            self._take(piece, "tickers")
            return
        if (
            kind == "latin"
            and self.phase == "head"
            and not article.title_en
            and self._followed_by_headline(i)
        ):
            article.title_en = text
            self._take(piece, "title_en")
            return
        if kind == "kp_marker":
            self.phase = "kp"
            self._take(piece, "marker")
            return
        if kind == "source":
            article.sources.append(source_line(text))
            self._take(piece, "source")
            if _AVAILABLE_RE.match(text) or article.blocks:
                self.closed = True
            return
        if kind == "byline":
            names = byline_names(text)
            if _EDITOR_OR_AUTHOR_RE.match(text):
                # 編輯 credits the writer in some copy, the editor in other:
                # an editor when the article credits an author as well.
                article.editor_credits.append((piece, names))
            article.authors += names
            self._take(piece, "byline", 0.95, "a credit word, a separator, names")
            if self.phase != "body" and article.headline:
                self.phase = "body"
            return
        if kind == "name":
            names = name_line(text)
            if article.headline and (self.phase != "body" or self._at_end(i)):
                article.authors += names
                self._take(piece, "byline", 0.7, "a line of Chinese personal names")
                self.phase = "body"
                return
        if kind == "table":
            if piece.table.is_empty:
                self._drop(piece, "empty_table")
                return
            self.phase = "body"
            article.blocks.append(Block("table", table=piece.table))
            self._take(piece, "body")
            for member in piece.members:
                member.role = "body"
            return
        if kind == "bullet":
            item = _BULLET_RE.match(text)["item"].strip()
            if self.phase == "kp" and _key_point_fits(article, item):
                article.key_points.append(item)
                self._take(piece, "key_point")
                return
            if self.phase == "kp" and article.key_points:
                article.warnings.append("key_points_in_body")
            self.phase = "body"
            self._block("ul", item, item=True)
            self._take(piece, "body")
            return
        if kind == "numbered":
            self.phase = "body"
            self._block("ol", _NUMBERED_RE.match(text)["item"].strip(), item=True)
            self._take(piece, "body")
            return
        self._text(i, piece)

    def _text(self, i: int, piece: Piece) -> None:
        article, text = self.article, piece.text
        if self.phase != "body":
            if not article.headline:
                if headline_like(text):
                    run = self._title_run(i)
                    if len(run) >= 3 and run[0] == i:
                        # A page wrapped in link titles: the last is the
                        # headline, unless more chrome follows it.
                        after = self._next(run[-1])
                        more_chrome = bool(after) and after[0].kind in {
                            "links_header",
                            "chrome",
                            "cta",
                            "credit",
                        }
                        self.skip_as_links.update(run if more_chrome else run[:-1])
                        self._drop(piece, "links")
                        return
                    prefix = _BRIEF_RE.match(text)
                    if prefix:
                        article.brief = True
                        text = text[prefix.end() :].strip() or text
                    article.headline = text
                    if _reads_like_dek(text):
                        article.warnings.append("headline_like_dek")
                        self._take(piece, "headline", 0.4, "long, with clauses: a dek?")
                    elif piece.number in self.evidence.pair_heads:
                        self._take(piece, "headline", 0.85, "title line of a pair")
                    elif article.header_tickers or article.authors:
                        self._take(piece, "headline", 0.85, "first short line")
                    else:
                        self._take(piece, "headline", 0.7, "first short line")
                    return
                quoted = _TITLE_QUOTE_RE.match(text)
                if quoted and len(text) > quoted.end() + 20:
                    # Wire copy with its only title in 《》 at the start of
                    # the body line.
                    article.headline = quoted["title"].strip()
                    text = text[quoted.end() :].lstrip(" ：:，,")
                    piece.confidence = 0.55
                    self.phase = "body"
                    self._body_text(i, piece, text, "title in 《》 taken as headline")
                    return
                self.phase = "body"
            elif (
                self.phase == "head"
                and not (article.dek or article.key_points or article.authors)
                and len(text) <= 500
                and self._marker_follows(i)
            ):
                article.dek = text
                self._take(piece, "dek", 0.6, "a paragraph before key points or byline")
                return
            elif self.phase == "kp" and _key_point_fits(article, text):
                article.key_points.append(text)
                self._take(piece, "key_point")
                return
            self.phase = "body"
        self._body_text(i, piece, text)

    def _body_text(self, i: int, piece: Piece, text: str, reason: str = "") -> None:
        article = self.article
        evidence = self.evidence
        text, source, confidence = trailing_source_evidence(
            text,
            any_name=evidence.any_name_sources
            or piece.number in evidence.closing_names,
        )
        if source and not evidence.any_name_sources and confidence < 0.9:
            confidence = 0.6  # one bracketed name closing an article
        if source:
            article.sources.append(source)
            self.closed = True
            reason = reason or "ends in its source"
        if cleaning.is_author_note(text, article.authors):
            self._drop(piece, "author_note")
            return
        if piece.kind == "reference":
            self._block("p", text)
        elif subhead_like(text) and not self._at_end(i) and not source:
            self._block("h2", text)
            confidence, reason = 0.7, "short line without punctuation: subhead"
        else:
            self._block("p", text)
        self._take(piece, "body", min(piece.confidence, confidence or 1.0), reason)


def _reads_like_dek(text: str) -> bool:
    """A sentence with clauses, longer than headlines run: a dek more likely."""
    return display_width(text) > 56 and bool(_CLAUSE_PUNCT_RE.search(text))


def _strip_marker(text: str) -> str:
    match = _BULLET_RE.match(text) or _NUMBERED_RE.match(text)
    return match["item"] if match else text


def _key_point_fits(article: ParsedArticle, text: str) -> bool:
    return (
        len(article.key_points) < MAX_KEY_POINTS
        and len(text) <= MAX_KEY_POINT_CHARS
        and not name_line(text)
    )


def _made_headline(text: str) -> str:
    """A headline from a lede: its first sentence, without asides."""
    _when, _wire, end = dateline(text)
    text = text[end:]
    for _ in range(3):
        text = _ASIDE_RE.sub("", text)
    if han_count(text):
        match = _ZH_STOP_RE.search(text)
        sentence = text[: match.start()] if match else text
        return sentence[:80].strip(" ，,")
    text = _EN_APPOSITIVE_RE.sub("", text, count=1)
    match = _EN_STOP_RE.search(text)
    sentence = text[: match.start()] if match else text
    sentence = _WHITESPACE_RE.sub(" ", sentence).strip()
    if len(sentence) > HEADLINE_CHARS:
        sentence = sentence[:HEADLINE_CHARS].rsplit(" ", 1)[0]
    return sentence


def _finish_article(article: ParsedArticle, cjk: bool) -> None:
    _drop_link_runs(article)
    _drop_editor_credits(article)
    blocks = article.blocks
    # Link titles at the end of a page look like subheads with nothing under them.
    tail = 0
    while tail < len(blocks) and blocks[-1 - tail].kind == "h2":
        tail += 1
    if tail >= 3 or (tail and tail == len(blocks) and len(blocks) > 1):
        _drop_blocks(article, range(len(blocks) - tail, len(blocks)), "links")
    elif tail:
        for block in blocks[len(blocks) - tail :]:
            block.kind = "p"
    paragraphs = [b for b in blocks if b.kind == "p"]
    if paragraphs:
        when, wire, _end = dateline(paragraphs[0].text)
        article.dateline = when or article.dateline
        if wire:
            article.sources.insert(0, wire)
    if not article.headline:
        lede = paragraphs[0].text if paragraphs else article.dek
        made = _made_headline(lede) if lede else ""
        if made:
            article.headline = made
            article.warnings.append("headline_made")
    elif not article.authors and not article.sources:
        markers = (
            article.title_en
            or article.dek
            or article.key_points
            or article.header_tickers
            or article.dropped
        )
        if not markers:
            article.warnings.append("shape_unknown")
    if not article.authors:
        article.warnings.append("no_byline")
    cut = sum(
        1
        for b in paragraphs
        if len(b.text) > 15
        and not _ends_sentence(b.text)
        and not _REFERENCE_RE.match(b.text)
    )
    if cut >= 3:
        article.warnings.append(f"cut_off:{cut}")
    _finish_fields(article, cjk)


def _finish_fields(article: ParsedArticle, cjk: bool) -> None:
    """What follows from an article's parts: tickers, tags, script, line span."""
    article.authors = list(dict.fromkeys(article.authors))
    article.tags = list(dict.fromkeys(article.tags + _body_hashtags(article)))
    article.sources = [s for s in dict.fromkeys(article.sources) if s]
    text = "\n".join(
        [*article.header_tickers, article.headline, article.dek, *article.key_points,
         article.body_text]
    )  # fmt: skip
    article.tickers = [str(t) for t in unique_tickers(text)]
    article.script = detect_script(
        "\n".join([article.headline, article.dek, article.body_text])
    )
    if article.script == "en" and not article.title_en:
        article.title_en = article.headline
    numbers = [
        n for p in article.pieces for n in [p.number, *(m.number for m in p.members)]
    ]
    if numbers:
        article.line_span = (min(numbers), max(numbers))


def _drop_editor_credits(article: ParsedArticle) -> None:
    """編輯 credits dropped as editors' when another credit names the author."""
    if not article.editor_credits:
        return
    editors = {name for _piece, names in article.editor_credits for name in names}
    credited = {id(piece) for piece, _names in article.editor_credits}
    others = [p for p in article.pieces if p.role == "byline" and id(p) not in credited]
    if not others:
        return
    article.authors = [name for name in article.authors if name not in editors]
    for piece, _names in article.editor_credits:
        piece.role = "dropped"
        piece.confidence, piece.reason = 0.7, "dropped: credit"
        article.dropped.append(Dropped(piece.text, "credit"))


def _short_title(block: Block) -> bool:
    """A block that reads like a link title: short, no full stop in it.

    Link titles may ask or exclaim ("哪款手機最抵買？"); sentences end in 。.
    """
    text = block.text
    return (
        block.kind in {"p", "h2"}
        and len(text) <= 48
        and display_width(text) <= 48
        and not _CLAUSE_PUNCT_RE.search(text.rstrip("？！?!"))
        and not text.endswith((".", "：", ":", "。"))
    )


def _drop_link_runs(article: ParsedArticle) -> None:
    """Runs of link titles: three or more closing the body, five or more anywhere.

    Subheads have paragraphs under them; SEO lists, "related" lists, app
    promotions and share rows are short titles one after another.
    """
    blocks = article.blocks
    runs, start = [], None
    for index, block in enumerate([*blocks, None]):
        if block is not None and _short_title(block):
            start = index if start is None else start
            continue
        if start is not None:
            runs.append((start, index))
            start = None
    doomed: list[int] = []
    for start, end in runs:
        size = end - start
        at_end = end == len(blocks)
        if start == 0:
            continue  # nothing above it: not a page's tail
        if size >= 5 or (at_end and size >= 3):
            doomed += range(start, end)
    if doomed:
        _drop_blocks(article, doomed, "links", 0.7)


def _drop_blocks(article, indexes, reason: str, confidence: float = 0.8) -> None:
    """Take these blocks out of the body, listed as dropped with ``reason``."""
    indexes = set(indexes)
    texts = {article.blocks[i].text for i in indexes}
    for i in sorted(indexes):
        article.dropped.append(Dropped(article.blocks[i].text, reason))
    for piece in article.pieces:
        if piece.role == "body" and piece.text in texts:
            piece.role = "dropped"
            piece.confidence, piece.reason = confidence, f"dropped: {reason}"
    article.blocks = [b for i, b in enumerate(article.blocks) if i not in indexes]


def _body_hashtags(article: ParsedArticle) -> list[str]:
    return [tag for block in article.blocks for tag in _hashtags(block.plain())]


# --- script ---------------------------------------------------------------------------


def detect_script(text: str) -> str:
    """zh-Hant, zh-Hans or en, from the characters the copy uses."""
    sample = text[:2000]
    han = han_count(sample)
    if han < max(1, len(_LATIN_RE.findall(sample)) / 4):
        return "en"
    as_simplified = chinese.convert(sample, "t2s")
    as_traditional = chinese.convert(sample, "s2t")
    # map(ne, ...) stops at the shorter string, as zip would, and runs in C.
    traditional_only = sum(map(operator.ne, sample, as_simplified))
    simplified_only = sum(map(operator.ne, sample, as_traditional))
    return "zh-Hans" if simplified_only > traditional_only else "zh-Hant"


# --- entry point ----------------------------------------------------------------------


def parse_text(text: str) -> ParsedFile:
    """Split normalised text into articles; never raises on any text."""
    lines = [line.strip() for line in text.split("\n")]
    evidence = _gather_evidence(lines)
    pieces, cjk = split_pieces(text, evidence)
    result = _Assembler(pieces, cjk, evidence).run()
    result.notes = evidence.notes
    lines = text.split("\n")
    for article in result.articles:
        first, last = article.line_span
        article.raw_text = "\n".join(lines[first : last + 1]).strip("\n")
    return result
