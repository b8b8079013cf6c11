"""``manage.py load_companies``: the shipped CSV, idempotence and the error report."""

from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils import translation

from articles import demo
from companies.models import Company, Ticker
from tests.factories import make_company

pytestmark = pytest.mark.django_db

SHIPPED = Path(settings.BASE_DIR) / "companies" / "data" / "companies.csv"
HEADER = "exchange,symbol,name_zh_hant,name_en,aliases\n"


def load(path, *args):
    out, err = StringIO(), StringIO()
    call_command("load_companies", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def write(tmp_path, text, *, encoding="utf-8"):
    path = tmp_path / "companies.csv"
    path.write_bytes(text.encode(encoding))
    return path


def test_shipped_csv_loads_every_row():
    out, err = load(SHIPPED)
    assert err == ""
    assert Company.objects.count() >= 50
    assert set(Ticker.objects.values_list("exchange", flat=True)) >= {
        "HK",
        "US",
        "SH",
        "SZ",
    }
    vanke = Ticker.objects.lookup("000002.SZ").company
    assert sorted(str(t) for t in vanke.tickers.all()) == ["000002.SZ", "2202.HK"]
    oneconnect = Ticker.objects.lookup("6638.HK").company
    assert oneconnect.name == "金融壹賬通"
    assert {"壹賬通", "OneConnect"} <= set(oneconnect.aliases)
    assert f"companies created: {Company.objects.count()}" in out


def test_shipped_csv_agrees_with_the_demo_companies():
    load(SHIPPED)
    for spec in demo.COMPANIES:
        owners = {Ticker.objects.lookup(t).company for t in spec["tickers"]}
        assert [c.name for c in owners] == [spec["name"]], spec["slug"]


def test_second_run_creates_nothing():
    load(SHIPPED)
    companies, tickers = Company.objects.count(), Ticker.objects.count()
    out, _err = load(SHIPPED)
    assert "companies created: 0, updated: 0," in out
    assert "tickers created: 0." in out
    assert (Company.objects.count(), Ticker.objects.count()) == (companies, tickers)


def test_loading_after_seed_demo_makes_no_duplicate_companies():
    call_command("seed_demo", stdout=StringIO(), stderr=StringIO())
    demo_companies = Company.objects.count()
    load(SHIPPED)
    for spec in demo.COMPANIES:
        assert Company.objects.filter(name=spec["name"]).count() == 1
        assert Company.objects.get(slug=spec["slug"]).tickers.count() == len(
            spec["tickers"]
        )
    expected = len(
        {line.split(",")[2] for line in SHIPPED.read_text().splitlines()[1:]}
    )
    assert Company.objects.count() == expected
    assert Company.objects.count() > demo_companies


def test_bad_rows_are_reported_by_line_and_nothing_is_imported(tmp_path):
    make_company("0700.HK", name="騰訊控股")
    make_company(name="小米集團")
    path = write(
        tmp_path,
        HEADER
        + "HK,2202,萬科企業,China Vanke,萬科\n"  # line 2
        + "XX,1234,某公司,Some Company,\n"  # line 3: unknown exchange
        + "SZ,000002,萬科企業,China Vanke,\n"  # line 4
        + "SH,12AB,壞代號,Bad Symbol,\n"  # line 5: invalid symbol
        + "HK,2202,萬科,,\n"  # line 6: duplicate ticker
        + "HK,0853,,MicroPort Scientific,\n"  # line 7: missing name
        + "HK,0700,小米集團,Xiaomi,\n"  # line 8: ticker of another company
        + "HK,1810,小米集團\n",  # line 9: wrong column count
    )
    with pytest.raises(CommandError) as excinfo, translation.override("en"):
        load(path)
    message = str(excinfo.value)
    assert "6 of 8 rows are bad; nothing was imported" in message
    assert "line 3: Unknown exchange “XX”" in message
    assert "line 5: “12AB” is not a valid SH ticker" in message
    assert "line 6: Ticker 2202.HK is in the file twice (first on line 2)" in message
    assert "line 7: The Traditional Chinese name (name_zh_hant) is missing" in message
    assert "line 8: Ticker 0700.HK already belongs to 騰訊控股, not 小米集團" in message
    assert "line 9: 3 columns, expected 5" in message
    assert "line 2:" not in message and "line 4:" not in message
    assert set(Company.objects.values_list("name", flat=True)) == {
        "騰訊控股",
        "小米集團",
    }
    assert Ticker.objects.count() == 1


def test_skip_bad_rows_imports_the_rest_and_lists_the_skipped(tmp_path):
    path = write(
        tmp_path,
        HEADER
        + "HK,2202,萬科企業,China Vanke,萬科\n"
        + "XX,1234,某公司,Some Company,\n"
        + "SZ,000002,萬科企業,China Vanke,Vanke\n"
        + "HK,0853,,MicroPort Scientific,\n",
    )
    out, err = load(path, "--skip-bad-rows")
    assert "Skipped 2 of 4 rows" in err
    assert "line 3:" in err and "line 5:" in err
    vanke = Company.objects.get()
    assert vanke.aliases == ["萬科", "Vanke"]
    assert sorted(str(t) for t in vanke.tickers.all()) == ["000002.SZ", "2202.HK"]
    assert "companies created: 1" in out and "tickers created: 2." in out


def test_dry_run_writes_nothing(tmp_path):
    path = write(tmp_path, HEADER + "HK,0853,微創醫療,MicroPort Scientific,\n")
    out, _err = load(path, "--dry-run")
    assert "Dry run" in out and "companies created: 1" in out
    assert not Company.objects.exists()
    assert not Ticker.objects.exists()


def test_byte_order_mark_is_ignored(tmp_path):
    path = write(
        tmp_path,
        HEADER + "HK,853,微創醫療,MicroPort Scientific,\n",
        encoding="utf-8-sig",
    )
    load(path)
    assert str(Ticker.objects.get()) == "0853.HK"


def test_rows_sharing_an_english_name_make_one_company(tmp_path):
    path = write(
        tmp_path,
        HEADER + "HK,2202,萬科企業,China Vanke,\n" + "SZ,000002,萬科,China Vanke,\n",
    )
    load(path)
    vanke = Company.objects.get()
    assert vanke.name == "萬科企業"
    assert vanke.aliases == ["萬科"]
    assert vanke.tickers.count() == 2


def test_existing_company_is_matched_by_name_and_aliases_are_merged(tmp_path):
    company = make_company(name="微創醫療", name_en="", aliases=["微創"])
    path = write(
        tmp_path, HEADER + "HK,0853,微創醫療,MicroPort Scientific,MicroPort|微創\n"
    )
    out, _err = load(path)
    company.refresh_from_db()
    assert company.name_en == "MicroPort Scientific"
    assert company.aliases == ["微創", "MicroPort"]
    assert [str(t) for t in company.tickers.all()] == ["0853.HK"]
    assert "companies created: 0, updated: 1, unchanged: 0; tickers created: 1." in out


def test_file_without_header_is_refused(tmp_path):
    path = write(tmp_path, "HK,0853,微創醫療,MicroPort Scientific,\n")
    with pytest.raises(CommandError, match="header"):
        load(path)
    assert not Company.objects.exists()
