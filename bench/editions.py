"""How much the Simplified edition costs: a long feature page, rendered by Django.

    .venv/bin/python bench/editions.py [runs]

Builds an in-memory test database with one long feature (about 9,000
characters of body, key points, three authors, four companies, tags) and some
briefs, then prints the median time of N requests for: the Traditional page
(no conversion), the Simplified page with a cold cache (OpenCC runs), and the
Simplified page with a warm cache; then the conversion step alone on the same
HTML: cold, cached as a whole page, and cached as text only (what a page with
a per-person CSRF token gets).
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
os.environ.setdefault("DATABASE_URL", "sqlite://:memory:")

import django  # noqa: E402

django.setup()

from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

PARAGRAPHS = [
    "萬科企業週二公布第三季業績，期內營業額按年下跌百分之十二，"
    "核心盈利倒退至約三十億元人民幣，遜於市場預期。",
    "公司管理層在電話會議上表示，今年餘下時間將繼續壓縮土地儲備，"
    "並透過出售非核心資產回籠資金，以應付明年到期的境外債券。",
    "壹賬通同日宣布與香港一家綠能基金合作，為內地及東南亞的中小企提供"
    "供應鏈融資服務，首期規模約五億港元。",
    "分析員認為，內房股近月反彈主要受政策憧憬帶動，基本面仍未見明顯改善；"
    "投資者宜留意銷售數據及融資渠道的變化。",
    "據彭博引述知情人士指，有關方面正研究進一步放寬一線城市的限購措施，"
    "但具體時間表尚未確定，裏面涉及的細節亦有待公布。",
    'The company said in an English statement that "liquidity remains sound" '
    "and that it had repaid all onshore bonds due this year.",
]


def build_data():
    from articles.models import Article
    from tests.factories import make_article, make_author, make_company

    authors = [make_author(name=name) for name in ("陳大文", "李小明", "黃綠能")]
    companies = [
        make_company(ticker, name=name)
        for ticker, name in [
            ("2202.HK", "萬科企業"),
            ("6638.HK", "壹賬通"),
            ("1109.HK", "華潤置地"),
            ("0688.HK", "中國海外發展"),
        ]
    ]
    body = "".join(
        f'<p>{PARAGRAPHS[i % len(PARAGRAPHS)]}<a href="/companies/x-{i}/">詳情</a></p>'
        + (f"<h2>第{i // 8 + 1}部分：市場觀察</h2>" if i % 8 == 7 else "")
        for i in range(60)
    )
    feature = make_article(
        status=Article.Status.PUBLISHED,
        kind=Article.Kind.FEATURE,
        headline="萬科與壹賬通：內房債務危機下的綠能轉型",
        title_en="Vanke and OneConnect: a green turn in a property debt crisis",
        dek="內房股反彈背後，基本面仍未見明顯改善。",
        key_points=["萬科核心盈利倒退", "壹賬通開拓綠能融資", "限購措施或再放寬"],
        body=body,
        authors=authors,
    )
    feature.companies.add(*companies)
    feature.tags.add("內房", "綠能", "債券")
    for n in range(20):
        brief = make_article(
            status=Article.Status.PUBLISHED,
            headline=f"簡訊{n}：萬科旗下項目銷售按月回升",
            authors=authors[:1],
        )
        brief.companies.add(companies[n % 4])
    return feature


def timed(action) -> float:
    start = time.perf_counter()
    action()
    return (time.perf_counter() - start) * 1000


def convert(html, per_person=False):
    """The middleware's conversion step on its own."""
    from django.http import HttpResponse

    from newsroom import editions

    response = HttpResponse(html)
    if per_person:
        response["Vary"] = "Cookie"
    editions.convert_response(response)
    return response


def main():
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    setup_test_environment()
    connection.creation.create_test_db(verbosity=0)
    url = build_data().get_absolute_url()
    client = Client()

    def get(path):
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        return response

    html = get(url).content.decode()
    get("/zh-hans" + url)  # load OpenCC's dictionaries once
    print(f"feature page: {len(html):,} characters of HTML; median of {runs} runs")  # noqa: T201

    # Interleaved, so a busy machine slows every row alike.
    labels = [
        "Traditional page (no conversion)",
        "Simplified page, cold cache",
        "Simplified page, cached",
        "conversion step alone, cold cache",
        "conversion step alone, page cached",
        "conversion step alone, text cached*",
    ]
    times = {label: [] for label in labels}
    simplified = "/zh-hans" + url
    for _ in range(runs):
        times[labels[0]].append(timed(lambda: get(url)))
        cache.clear()
        times[labels[1]].append(timed(lambda: get(simplified)))
        times[labels[2]].append(timed(lambda: get(simplified)))
        cache.clear()
        times[labels[3]].append(timed(lambda: convert(html)))
        times[labels[4]].append(timed(lambda: convert(html)))
        times[labels[5]].append(timed(lambda: convert(html, per_person=True)))
    base = statistics.median(times[labels[0]])
    for label in labels:
        ms = statistics.median(times[label])
        print(f"{label:38} {ms:8.2f} ms  {ms / base:5.2f}× the Traditional page")  # noqa: T201
    print("* a page per person (Vary: Cookie, e.g. a CSRF token) is not kept whole")  # noqa: T201


if __name__ == "__main__":
    main()
