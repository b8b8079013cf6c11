"""How fast company names are found: build the matcher, scan 1 MB of copy.

    .venv/bin/python bench/companies.py [companies] [megabytes]

Generates 10,000 companies (Traditional names of 2–8 characters from the
characters Hong Kong and mainland company names use, English names, Chinese
and English aliases: about 25,000 names), builds the matcher from plain tuples
(no database) and scans about 1 MB (UTF-8) of generated financial copy, half
Traditional and half Simplified, that mentions some of them. Prints the build
time (median of 3), the scan throughput (median of 5, from text to mentions)
with the fold (``fold()``: the same table lookup every scan starts with) shown
on its own, and peak memory. The goal (issue 4) is a build under 2 s and a
scan at 20 MB/s or more; the figures are measured, not asserted. The box is
shared and noisy: run it a few times and compare medians.
"""

import os
import random
import resource
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
os.environ.setdefault("DATABASE_URL", "sqlite://:memory:")

import django  # noqa: E402

django.setup()

from companies.matching import CompanyMatcher, fold, fold_table  # noqa: E402
from newsroom.editions import convert_text  # noqa: E402

PLACES = (
    "北京 上海 深圳 廣州 香港 天津 重慶 江蘇 浙江 福建 山東 廣東 四川 湖南 湖北 "
    "安徽 河南 河北 遼寧 吉林 雲南 貴州 廣西 新疆 內蒙 寧波 廈門 蘇州 杭州 南京 "
    "青島 大連 珠海 東莞 佛山 無錫 長沙 武漢 成都 西安 鄭州 合肥 澳門 台灣"
).split()
BRAND = (
    "華中國新泰恒信達安康隆興盛豐源昌匯鴻騰龍鳳金銀寶瑞祥德福光明遠通運海天"
    "宏偉嘉榮億萬利聯合創思維景長城綠能環宇峰晶石島陽東南西北正大同和美星辰"
    "凱越卓誠博睿智雅寧雲飛鵬錦灣港灣滙豐裕澤潤晟昇暉騏駿麟鑫淼森磊"
)
INDUSTRY = (
    "科技 控股 集團 能源 醫藥 銀行 證券 地產 汽車 電子 實業 環保 新材料 "
    "生物 保險 物流 半導體 通訊 電力 建設 傳媒 食品 紡織 化工 鋼鐵 航空 "
    "資本 投資 置業 網絡 軟件 醫療 光伏 鋰電 機械 農業 酒業 水務 燃氣"
).split()
SUFFIX = ["", "", "", "股份", "國際", "有限公司", "集團"]
EN_WORDS = (
    "China Hong Kong Asia Pacific Golden Dragon Great Wall Pearl River Harbour "
    "Sun Star Bright Unity Ever Grand New Century Harmony Fortune Jade Summit "
    "Orient Silver Peak Tech Energy Pharma Bank Securities Properties Motors "
    "Electronics Holdings Group Solar Logistics Semiconductor Media Foods "
    "Chemical Steel Airlines Capital Software Medical Lithium Machinery Water"
).split()
FILLER = (
    "公司週二公布第三季業績，期內營業額按年下跌百分之十二，核心盈利倒退至約三十億元，遜於市場預期。",
    "管理層在電話會議上表示，今年餘下時間將繼續壓縮土地儲備，並透過出售非核心資產回籠資金。",
    "分析員認為，板塊近月反彈主要受政策憧憬帶動，基本面仍未見明顯改善，建議投資者審慎。",
    "消息公布後，股價在早段急升百分之八，成交額較上日增加一倍，其後升幅收窄。",
    "集團預期明年資本開支維持在約一百億元人民幣，主要用於擴充產能及研發。",
    "恒生指數收市微跌，科技股個別發展，內房股及內銀股普遍受壓，北水全日淨流入。",
    "市場關注美國聯儲局下周議息結果，債息回落令高息股重新受到資金追捧。",
    "該行將目標價由四十二元下調至三十五元，維持中性評級，並指毛利率仍有下行壓力。",
)


def generate_companies(count: int, rng: random.Random) -> list[tuple[int, list[str]]]:
    seen: set[str] = set()
    companies = []
    while len(companies) < count:
        brand = "".join(rng.choice(BRAND) for _ in range(rng.choice((1, 2, 2, 3))))
        parts = [rng.choice(PLACES)] if rng.random() < 0.4 else []
        parts += [brand, rng.choice(INDUSTRY), rng.choice(SUFFIX)]
        name = "".join(parts)[:8]
        if len(name) < 2 or name in seen:
            continue
        seen.add(name)
        words = rng.sample(EN_WORDS, rng.choice((2, 2, 3)))
        english = " ".join(words) + f" {len(companies)}"
        names = [name, english]
        if rng.random() < 0.4:
            alias = brand + rng.choice(INDUSTRY)[:2] if len(brand) < 2 else brand
            names.append(alias)
        if rng.random() < 0.1:
            names.append("".join(w[0] for w in words).upper() + str(len(companies)))
        companies.append((len(companies) + 1, names))
    return companies


def generate_text(
    companies: list[tuple[int, list[str]]], megabytes: float, rng: random.Random
) -> str:
    target = int(megabytes * 1_000_000)
    paragraphs, size = [], 0
    while size < target:
        sentences = []
        for _ in range(rng.randint(3, 6)):
            _id, names = rng.choice(companies)
            sentences.append(rng.choice(names[:1] + names[2:]) + rng.choice(FILLER))
        paragraph = "".join(sentences)
        if rng.random() < 0.5:
            paragraph = convert_text(paragraph)
        paragraphs.append(paragraph)
        size += len(paragraph.encode()) + 1
    return "\n".join(paragraphs)


def median_seconds(function, runs: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    megabytes = float(sys.argv[2]) if len(sys.argv) > 2 else 1.0
    rng = random.Random(4)
    companies = generate_companies(count, rng)
    names = sum(len(n) for _id, n in companies)
    text = generate_text(companies, megabytes, rng)
    size = len(text.encode()) / 1_000_000

    table_time, _ = median_seconds(lambda: (fold_table.cache_clear(), fold_table()), 1)
    build_time, matcher = median_seconds(
        lambda: CompanyMatcher.from_names(companies), 3
    )
    fold_time, _ = median_seconds(lambda: fold(text), 5)
    scan_time, mentions = median_seconds(lambda: matcher.find(text), 5)

    tracemalloc.start()
    CompanyMatcher.from_names(companies)
    _current, build_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux

    lines = []
    lines.append(
        f"companies:  {count:,}, {names:,} names, {matcher.pattern_count:,} patterns"
    )
    lines.append(f"text:       {size:.2f} MB UTF-8, {len(text):,} characters")
    lines.append(f"fold table: {table_time * 1000:.0f} ms, once per process (OpenCC)")
    lines.append(f"build:      {build_time:.2f} s (median of 3; goal < 2 s)")
    lines.append(
        f"scan:       {scan_time * 1000:.1f} ms = {size / scan_time:.1f} MB/s "
        f"(median of 5, fold included; goal >= 20 MB/s), {len(mentions):,} mentions"
    )
    lines.append(
        f"  fold:     {fold_time * 1000:.1f} ms = {size / fold_time:.1f} MB/s "
        f"({fold_time / scan_time:.0%} of the scan)"
    )
    lines.append(
        f"memory:     build peak {build_peak / 1_000_000:.1f} MB "
        "(tracemalloc: Python allocations)"
    )
    lines.append(f"            ru_maxrss {maxrss:.0f} MB for the whole process")

    sys.stdout.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
