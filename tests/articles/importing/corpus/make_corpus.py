"""Write the importer's corpus: copy in many shapes, with what each must give.

Every sentence here was written for these tests (none comes from real copy).
Run ``python tests/articles/importing/corpus/make_corpus.py`` after changing a
shape; it rewrites the .txt files and expected.json beside it. The test
(test_corpus.py) reads only the files, so it does not depend on this script.
"""

import json
import sys
from pathlib import Path

import opencc

HERE = Path(__file__).parent
T2S = opencc.OpenCC("t2s").convert

PARAS = [
    "本地銀行股今日表現分化，大型銀行股價微升，中型銀行則受淨息差收窄的憂慮拖累，全日下跌約百分之二。",
    "公司管理層在電話會議上表示，明年將把資本開支削減三成，並集中資源發展利潤較高的企業客戶業務。",
    "分析員指出，內地消費數據連續三個月改善，零售及餐飲類股份的估值仍處於歷史低位，具備重估空間。",
    "該集團去年出售兩項海外資產，套現約八十億元，大部分資金已用於償還美元債務，負債比率明顯下降。",
    "市場人士認為，美國減息步伐放緩，資金重返新興市場的速度可能慢於預期，港股短期或維持區間上落。",
    "新能源車企的價格戰延續至第四季，多家車廠推出限時優惠，行業整體毛利率預計將進一步受壓。",
    "交易所數據顯示，南向資金本月累計淨流入超過六百億元，主要買入高息電訊股及內地保險股。",
    "公司同日宣布派發特別股息每股零點五元，派息比率提高至百分之六十，高於市場普遍預期。",
]
HEADLINES = [
    "港股半日升二百點 科技股領漲",
    "本地銀行季績分化 中型銀行受壓",
    "車企價格戰延續 毛利率再受壓",
    "南向資金本月淨流入逾六百億",
    "集團削減資本開支三成",
    "內銀股息率吸引 險資加倉",
    "電訊股獲追捧 股價創新高",
    "物管股急跌 業界憂應收賬款",
    "零售數據改善 消費股反彈",
    "半導體股回吐 資金轉投防守板塊",
]
NAMES = [
    "陳子謙",
    "林曉彤",
    "黃嘉豪",
    "李詠琪",
    "張志明",
    "歐陽詩雅",
    "何家朗",
    "梁浩然",
]
OUTLETS = ["維港財經", "獅子山通訊", "灣區經濟報", "匯點新聞", "中環日報", "東岸財經台"]
EN_PARAS = [
    "Shares of the lender rose 3 percent in early trading after it reported a "
    "smaller-than-expected drop in quarterly profit.",
    "The company said it would cut capital spending by a third next year and "
    "focus on higher-margin corporate clients.",
    "Analysts said consumer data had improved for three straight months, leaving "
    "retail stocks cheap by historical standards.",
    "The group sold two overseas assets last year for about HK$8 billion and used "
    "most of the proceeds to repay dollar debt.",
]
EN_HEADLINES = [
    "Harbour lender beats forecasts as margins hold",
    "Carmaker cuts spending plans for next year",
    "Retail stocks rally on consumer data",
    "Property manager slides on receivables worry",
]
EN_NAMES = ["Jane Doe", "Li Wei", "Tom Chan", "Mary Ho"]

FILES: dict[str, str] = {}
EXPECTED: dict[str, dict] = {}


def para(i: int, n: int = 2) -> str:
    return "".join(PARAS[(i + k) % len(PARAS)] for k in range(n))


def add(name, text, articles, encoding="utf-8"):
    FILES[name] = (text, encoding)
    EXPECTED[name] = {"articles": articles}


def art(headline, authors=(), sources=(), **extra):
    return {"headline": headline, "authors": list(authors), "sources": list(sources),
            **extra}  # fmt: skip


# --- wire feeds ----------------------------------------------------------------------


def wire(name, count, *, blank, bracket=("（", "）"), hans=False, start=0):
    lines, arts = [], []
    for i in range(start, start + count):
        outlet = OUTLETS[i % len(OUTLETS)]
        headline = HEADLINES[i % len(HEADLINES)]
        body = para(i, 3) + f"{bracket[0]}{outlet}{bracket[1]}"
        if hans:
            headline, body, outlet = T2S(headline), T2S(body), T2S(outlet)
        lines += [headline, body] + ([""] if blank else [])
        arts.append(art(headline, sources=[outlet]))
    add(name, "\n".join(lines) + "\n", arts)


wire("wire-pairs-no-blank-lines.txt", 8, blank=False)
wire("wire-pairs-blank-lines.txt", 6, blank=True, start=2)
wire("wire-pairs-simplified.txt", 5, blank=False, hans=True, start=1)
wire("wire-square-brackets.txt", 4, blank=False, bracket=("[", "]"), start=3)
wire("wire-lenticular-brackets.txt", 4, blank=True, bracket=("【", "】"), start=4)
wire("wire-corner-quotes.txt", 4, blank=False, bracket=("「", "」"), start=5)
wire("wire-dash-source.txt", 4, blank=False, bracket=("——", ""), start=6)

# Titles only in 《》 at the start of the body line, in a feed of pairs.
lines, arts = [], []
for i in range(5):
    outlet, headline = OUTLETS[i], HEADLINES[(i + 4) % len(HEADLINES)]
    body = para(i, 3) + f"（{outlet}）"
    if i % 2:
        lines.append(f"《{headline}》{body}")
    else:
        lines += [headline, body]
    arts.append(art(headline, sources=[outlet]))
add("wire-title-in-book-quotes.txt", "\n".join(lines) + "\n", arts)

# --- bylines and credits, one separator each ---

SEPARATORS = {
    "colon": ("作者", ":"),
    "fullwidth-colon": ("記者", "："),
    "pipe": ("撰文", "｜"),
    "ascii-pipe": ("文", " | "),
    "slash": ("文", "／"),
    "dash": ("記者", " — "),
    "braille": ("作者", "⠀"),
    "symbol": ("撰文", "✦"),
    "diamond": ("記者", "◆"),
    "spaces": ("記者", "  "),
    "editor-word": ("編輯", "："),
    "han-radical-pipe": ("文", "丨"),
    "hangul-pipe": ("記者", " ㅣ "),
    "no-separator": ("記者", ""),
}
for index, (label, (word, sep)) in enumerate(SEPARATORS.items()):
    lines, arts = [], []
    for k in range(2):
        i = index + k * 3
        headline = HEADLINES[i % len(HEADLINES)]
        name = NAMES[i % len(NAMES)]
        lines += [headline, "", f"{word}{sep}{name}", "", para(i), "", para(i + 1), ""]
        if k == 0:
            lines += ["欲訂閱本站每周免費通訊，請點擊這裏", ""]
        arts.append(art(headline, [name]))
    add(f"byline-{label}.txt", "\n".join(lines), arts)

# English credits.
text = (
    f"{EN_HEADLINES[0]}\n\nBy {EN_NAMES[0]} and {EN_NAMES[1]}\n\n"
    f"{EN_PARAS[0]}\n\n{EN_PARAS[1]}\n\nReporting by {EN_NAMES[2]}; "
    f"Editing by {EN_NAMES[3]}\n\n"
    f"{EN_HEADLINES[1]}\n\nWritten by: {EN_NAMES[3]}\n\n{EN_PARAS[2]}\n\n"
    f"{EN_PARAS[3]}\n"
)
add("byline-english.txt", text, [
    art(EN_HEADLINES[0], [EN_NAMES[0], EN_NAMES[1]]),
    art(EN_HEADLINES[1], [EN_NAMES[3]]),
])  # fmt: skip

# Editor credit before the headline, and at the end.
text = (
    f"責任編輯⠀{NAMES[1]}\n{HEADLINES[6]}\n作者：{NAMES[2]}\n{para(2)}\n{para(3)}\n"
    f"責編：{NAMES[4]}\n"
)
add("editor-credit-before-headline.txt", text, [art(HEADLINES[6], [NAMES[2]])])

# 編輯 names the editor when another credit names the author; an outlet
# whose name starts with a number.
text = (
    f"首頁 › 財經\n編輯⠀{NAMES[7]}\n{HEADLINES[2]}\n記者▸{NAMES[0]}\n{para(4)}\n"
    f"{para(5)}（36財經）\n熱門搜尋\n網購優惠碼\n手遊排行\n追劇神器App\n"
)
add("scraped-page-editor-word.txt", text, [art(HEADLINES[2], [NAMES[0]], ["36財經"],
    body_excludes=["網購優惠碼", "追劇神器App"])])  # fmt: skip

# --- sources as lines, datelines -----------------------------------------------------

text = (
    f"{HEADLINES[3]}\n\n{para(3)}\n\n{para(4)}\n\n來源：{OUTLETS[2]}\n\n"
    f"{HEADLINES[4]}\n\n{para(5)}\n\n（資料來源：{OUTLETS[3]}）\n"
)
add("source-lines.txt", text, [
    art(HEADLINES[3], sources=[OUTLETS[2]]), art(HEADLINES[4], sources=[OUTLETS[3]])
])  # fmt: skip

text = (
    f"{HEADLINES[7]}\n\n（匯點新聞2026年12月3日電）{para(1)}\n\n{para(2)}\n\n"
    f"{HEADLINES[8]}\n\n中環日報12月4日電 {para(3)}\n"
)
add("dateline-chinese.txt", text, [
    art(HEADLINES[7], date="2026-12-03"), art(HEADLINES[8])
])  # fmt: skip

text = (
    f"{EN_HEADLINES[2]}\n\nHONG KONG, Dec 3, 2026 / Harbour Wire / -- {EN_PARAS[2]}"
    f"\n\n{EN_PARAS[0]}\n\nSource: Harbour Wire\n"
)
add("dateline-english.txt", text, [
    art(EN_HEADLINES[2], sources=["Harbour Wire"], date="2026-12-03")
])  # fmt: skip

# --- scraped pages -------------------------------------------------------------------

SEO = ["修仙小說排行榜", "免費看劇App", "股票開戶優惠", "最強手機遊戲", "熱門美食推介",
       "旅遊機票比價", "SEO優化服務", "網購平台折扣碼", "天氣預報", "星座運程"]  # fmt: skip  # noqa: E501
text = "\n".join([
    "首頁", "財經", "地產", f"責任編輯⠀{NAMES[0]}", HEADLINES[5], f"撰文✦{NAMES[3]}",
    "2026年12月3日 星期四", para(5), para(6), PARAS[7], "分享至 Facebook",
    "版權所有 © 2026 某某傳媒", *SEO,
]) + "\n"  # fmt: skip
add("scraped-page-seo-tail.txt", text, [art(HEADLINES[5], [NAMES[3]], date="2026-12-03",
    body_excludes=SEO)])  # fmt: skip

text = "\n".join([
    "登入", "註冊", HEADLINES[1], f"記者 | {NAMES[5]}", "", para(1), "", para(2), "",
    "相關閱讀", "", HEADLINES[2], HEADLINES[3], HEADLINES[4], "", "熱門文章", "",
    HEADLINES[7], HEADLINES[8],
]) + "\n"  # fmt: skip
add("scraped-page-related.txt", text, [art(HEADLINES[1], [NAMES[5]],
    body_excludes=[HEADLINES[2], HEADLINES[7]])])  # fmt: skip

text = "\n".join([
    HEADLINES[9], f"文/{NAMES[6]}", para(0), *SEO[:6], para(4), para(6),
]) + "\n"  # fmt: skip
add("scraped-page-seo-middle.txt", text, [art(HEADLINES[9], [NAMES[6]],
    body_excludes=SEO[:6])])  # fmt: skip

text = T2S("\n".join([
    "首页 > 财经 > 公司", HEADLINES[2], f"作者：{NAMES[7]}", para(5), para(6),
    "分享到：微信 微博", "推荐阅读", HEADLINES[0], HEADLINES[1], HEADLINES[3],
    "版权所有 © 2026",
])) + "\n"  # fmt: skip
add("scraped-page-simplified.txt", text, [art(T2S(HEADLINES[2]), [T2S(NAMES[7])])])

# --- press releases with tables ------------------------------------------------------

cells = ["Item", "2025", "2026", "Change", "Revenue", "1,200", "1,380", "15%",
         "Gross profit", "300", "360", "20%", "Net income", "90", "120", "33%"]  # fmt: skip  # noqa: E501
text = "\n".join([
    "Harbour Lender Reports Record First Half",
    "HONG KONG, Aug. 20, 2026 /Harbour Wire/ -- Harbour Lender Ltd. today "
    "announced its results for the six months ended June 30, 2026.",
    "", "Financial highlights", "", *cells, "",
    "The board declared an interim dividend of HK$0.30 per share.", "",
    "Source: Harbour Lender Ltd.",
]) + "\n"  # fmt: skip
add(
    "press-release-cell-table.txt",
    text,
    [
        art(
            "Harbour Lender Reports Record First Half",
            sources=["Harbour Wire", "Harbour Lender Ltd."],
            table=True,
            date="2026-08-20",
        )
    ],
)

text = "\n".join([
    "灣區電力公布二零二六年中期業績", "", f"（灣區經濟報）{PARAS[1]}", "",
    "| 項目 | 二零二五年 | 二零二六年 |", "|---|---|---|", "| 收入 | 120 | 138 |",
    "| 純利 | 9 | 12 |", "", PARAS[7], "",
]) + "\n"  # fmt: skip
add("press-release-pipe-table.txt", text, [art("灣區電力公布二零二六年中期業績",
    table=True)])  # fmt: skip

# --- English, mixed, calls to action, export -----------------------------------------

lines, arts = [], []
for i in range(4):
    lines += [EN_HEADLINES[i], "", f"By {EN_NAMES[i]}", "", EN_PARAS[i], "",
              EN_PARAS[(i + 1) % 4] + " (Harbour Wire)", ""]  # fmt: skip
    arts.append(art(EN_HEADLINES[i], [EN_NAMES[i]], ["Harbour Wire"]))
add("english-feed.txt", "\n".join(lines), arts)

text = "\n".join([
    HEADLINES[0], "", f"作者：{NAMES[0]}", "", para(0), "", "",
    T2S(HEADLINES[1]), "", f"作者：{T2S(NAMES[5])}", "", T2S(para(1)), "", "",
    EN_HEADLINES[3], "", f"By {EN_NAMES[2]}", "", EN_PARAS[3], "",
]) + "\n"  # fmt: skip
add("mixed-scripts.txt", text, [
    art(HEADLINES[0], [NAMES[0]], script="zh-Hant"),
    art(T2S(HEADLINES[1]), [T2S(NAMES[5])], script="zh-Hans"),
    art(EN_HEADLINES[3], [EN_NAMES[2]], script="en"),
])  # fmt: skip

text = (
    f"{HEADLINES[4]}\n\n作者：{NAMES[1]}\n\n{para(4)}\n\n"
    f"{PARAS[5]}欲訂閱本站每周免費通訊，請點擊這裏\n"
)
add("cta-inside-paragraph.txt", text, [art(HEADLINES[4], [NAMES[1]],
    body_includes=[PARAS[5]])])  # fmt: skip

text = "\n".join([
    "2318.HK", "Insurer lifts payout", "", HEADLINES[5], "",
    "集團削減開支並提高派息，市場反應正面", "", "重點：", "",
    "  • 派息比率提高至百分之六十", "  • 資本開支削減三成", "", NAMES[4], "",
    para(6), "", "前景展望", "", para(7), "", "#保險股", "",
    "欲訂閱本站每周免費通訊，請點擊這裏", "",
]) + "\n"  # fmt: skip
add("cms-export-key-points.txt", text, [art(HEADLINES[5], [NAMES[4]],
    title_en="Insurer lifts payout")])  # fmt: skip

# --- encodings ------------------------------------------------------------------------

base = f"{HEADLINES[8]}\n\n作者：{NAMES[2]}\n\n{para(2)}\n\n{para(3)}\n"
add("mojibake-utf8-as-latin1.txt", base.encode("utf-8").decode("latin-1"),
    [art(HEADLINES[8], [NAMES[2]])])  # fmt: skip


def sloppy_cp1252(data: bytes) -> str:
    """Bytes read as Windows-1252, its five undefined bytes kept as Latin-1."""
    out = []
    for byte in data:
        try:
            out.append(bytes([byte]).decode("cp1252"))
        except UnicodeDecodeError:
            out.append(chr(byte))
    return "".join(out)


add("mojibake-utf8-as-cp1252.txt", sloppy_cp1252(base.encode("utf-8")),
    [art(HEADLINES[8], [NAMES[2]])])  # fmt: skip
add("utf16-le-no-bom.txt", base, [art(HEADLINES[8], [NAMES[2]])], "utf_16_le")
add("big5-hkscs.txt", base.replace("作者", "記者") + "𡃁仔都話今日升咗好多。\n",
    [art(HEADLINES[8], [NAMES[2]])], "big5hkscs")  # fmt: skip
add("gb18030.txt", T2S(base), [art(T2S(HEADLINES[8]), [T2S(NAMES[2])])], "gb18030")


def main():
    for path in HERE.glob("*.txt"):
        path.unlink()
    for name, (text, encoding) in FILES.items():
        (HERE / name).write_bytes(text.encode(encoding))
    expected = {name: {**EXPECTED[name], "encoding": FILES[name][1]}
                for name in sorted(FILES)}  # fmt: skip
    (HERE / "expected.json").write_text(
        json.dumps(expected, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    sys.stdout.write(f"{len(FILES)} files\n")


if __name__ == "__main__":
    main()
