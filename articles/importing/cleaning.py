"""Boilerplate and site chrome: which lines of raw copy are not the article.

Each rule returns a reason code from ``REASONS``; the parser drops the line,
and the draft's import record keeps it with the reason so an editor can check.
Rules describe kinds of lines (calls to action, login prompts, "about us"
blurbs, quote widgets, disclaimers), in Traditional, Simplified and English.
"""

import re

from django.utils.translation import gettext_lazy as _

REASONS = {
    "cta": _("newsletter call to action"),
    "login": _("login prompt or feature teaser"),
    "about": _("“about us” blurb"),
    "widget": _("related-stocks widget"),
    "disclaimer": _("disclaimer"),
    "share": _("share buttons or copyright"),
    "links": _("list of unrelated links"),
    "section": _("section label"),
    "author_note": _("author's contact note"),
    "empty_table": _("empty table skeleton"),
    "unused": _("not part of any article"),
    "duplicate_title": _("repeated title"),
    "credit": _("editor credit"),
    "nav": _("site navigation"),
    "limit": _("over the parser's limits"),
}

_CTA_RE = re.compile(
    r"(欲?(訂閱|订阅).{0,30}(通訊|通讯|電子報|电子报|週報|周报|newsletter|點擊|点击|按此)"
    r"|(點擊|点击|按此).{0,10}(訂閱|订阅)"
    r"|\bsubscribe\b.{0,40}\b(newsletter|here|free|now|today)\b"
    r"|\bsign up\b.{0,40}\bnewsletter\b"
    r"|(關注|关注).{0,12}(公眾號|公众号|微信)"
    r"|(下載|下载|打開|打开).{0,6}(APP|App|app|客戶端|客户端))",
    re.IGNORECASE,
)
_LOGIN_RE = re.compile(
    r"((登錄|登录|登入|註冊|注册).{0,20}(即可|後|后|查看|使用|解鎖|解锁|閱讀|阅读)"
    r"|(解鎖|解锁)(更多|全文|完整)"
    r"|(升級|升级|開通|开通).{0,4}(會員|会员|VIP)"
    r"|^(登錄|登录|登入|註冊|注册|登录/注册|登入/註冊)$"
    r"|\b(log ?in|sign ?in|register)\b.{0,30}\b(to|for)\b.{0,30}"
    r"\b(read|access|unlock|continue|view)\b"
    r"|^unlock (more|all|full)\b)",
    re.IGNORECASE,
)
_ABOUT_RE = re.compile(r"^(關於我們|关于我们|about us)\s*[:：]?", re.IGNORECASE)
_WIDGET_HEADER_RE = re.compile(
    r"^(相關個股|相关个股|相關股票|相关股票|相關公司|相关公司|個股行情|个股行情"
    r"|related (stocks|tickers|companies)|stocks in this (story|article))\s*[:：]?$",
    re.IGNORECASE,
)
_LINKS_HEADER_RE = re.compile(
    r"^(相關閱讀|相关阅读|延伸閱讀|延伸阅读|推薦閱讀|推荐阅读|熱門文章|热门文章|熱門|热门"
    r"|猜你喜歡|猜你喜欢|更多新聞|更多新闻|相關文章|相关文章|最新文章|編輯推薦|编辑推荐"
    r"|熱門搜尋|热门搜索|熱搜|热搜|相關新聞|相关新闻|推薦文章|推荐文章|熱門推薦|热门推荐"
    r"|大家都在看|你可能感興趣|你可能感兴趣|看更多|更多內容|更多内容|熱門話題|热门话题"
    r"|熱門關鍵字|热门关键词|熱門標籤|热门标签"
    r"|related (articles|stories|news|reading)|read more|more from .{1,40}"
    r"|most (read|popular)|you may also like|recommended)\s*[:：]?$",
    re.IGNORECASE,
)
_DISCLAIMER_RE = re.compile(
    r"(不構成.{0,6}(投資|投资)?.{0,2}(建議|意見)|不构成.{0,6}投资?.{0,2}(建议|意见)"
    r"|僅供參考|仅供参考|免責聲明|免责声明|風險提示|风险提示"
    r"|(數據|数据)基於歷史|数据基于历史|投資有風險|投资有风险"
    r"|^disclaimer\b|not (constitute )?(investment|financial) advice"
    r"|for (reference|informational purposes) only)",
    re.IGNORECASE,
)
_SHARE_RE = re.compile(
    # Spaces only inside the optional colon or the list: a \s* beside a list
    # that takes spaces too would backtrack.
    r"^((分享|分享到|分享至|分享給|分享给|轉發|转发|share)(?:\s*[:：])?"
    r"(?:facebook|twitter|微信|微博|whatsapp|[\s/、,])*$"
    r"|(版權所有|版权所有|all rights reserved|copyright ©|©\s*\d{4}))",
    re.IGNORECASE,
)
# Section labels a CMS export puts between items; only dropped between
# articles, where no headline can be this short.
SECTION_LABELS = {
    "新聞", "新闻", "財經", "财经", "科技", "地產", "地产", "市場", "市场", "觀點",
    "观点", "評論", "评论", "專題", "专题", "快訊", "快讯", "公司", "港股", "A股",
    "美股", "宏觀", "宏观", "深度", "分析", "要聞", "要闻", "獨家", "独家",
    "news", "markets", "business", "opinion", "analysis", "companies", "tech",
}  # fmt: skip
# A quote line in a widget: a name, a ticker, a price and a change.
_QUOTE_LINE_RE = re.compile(
    r"^[^\s。，,；;！!？?]{1,20}\s*[（(]?[0-9A-Z]{1,6}\.[A-Z]{2,4}[）)]?"
    r"(\s+[-+−]?[\d,.]+%?){1,4}$"
)
# Starts only where a run of address characters starts: linear, not quadratic.
_EMAIL_RE = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+\.[\w.-]+")
_CONTACT_RE = re.compile(
    r"(聯絡方式|联系方式|聯繫|联系|電郵|电邮|contact|e-?mail)", re.IGNORECASE
)


# Breadcrumbs: short items joined by arrows ("首頁 > 財經 > 公司").
_NAV_RE = re.compile(r"^[^>»›]{1,12}(?: ?[>»›] ?[^>»›]{1,12}){1,6}$")


def chrome_reason(line: str) -> str | None:
    """The reason code when the whole line is chrome or boilerplate, else None."""
    if len(line) > 400:
        return None
    if len(line) <= 80 and _NAV_RE.match(line):
        return "nav"
    if is_cta(line):
        return "cta"
    if _LOGIN_RE.search(line) and len(line) < 120:
        return "login"
    if _ABOUT_RE.match(line):
        return "about"
    if _WIDGET_HEADER_RE.match(line):
        return "widget"
    if _DISCLAIMER_RE.search(line) and len(line) < 200:
        return "disclaimer"
    if len(line) < 100 and _SHARE_RE.search(line):
        return "share"
    return None


def is_cta(line: str) -> bool:
    """A call to action, not a paragraph that happens to contain one."""
    return len(line) <= 100 and bool(_CTA_RE.search(line))


def is_links_header(line: str) -> bool:
    return bool(_LINKS_HEADER_RE.match(line))


def is_section_label(line: str) -> bool:
    return line.strip().casefold() in SECTION_LABELS


def is_quote_line(line: str) -> bool:
    """A widget's quote: name, ticker, price and change, nothing else."""
    return bool(_QUOTE_LINE_RE.match(line))


def is_author_note(text: str, authors: list[str]) -> bool:
    """A writer's sign-off with contact details, e.g. "X, editor. E-mail: ..."."""
    if len(text) > 200 or not _EMAIL_RE.search(text):
        return False
    return bool(_CONTACT_RE.search(text)) or any(
        text.startswith(name) for name in authors
    )
