"""A company's address: from its English name, else its primary ticker, else its
Chinese name in pinyin; unique, kept when names change, never ``company``."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from companies.models import Company
from tests.factories import make_company

pytestmark = pytest.mark.django_db


def test_slug_comes_from_the_english_name():
    assert Company.objects.create(name="騰訊控股", name_en="Tencent").slug == "tencent"


def test_chinese_name_alone_is_romanised_not_company():
    company = Company.objects.create(name="騰訊控股")
    assert company.slug == "teng-xun-kong-gu"
    assert company.get_absolute_url() == "/companies/teng-xun-kong-gu/"


def test_a_name_that_is_the_word_company_is_not_the_slug_company():
    assert Company.objects.create(name="Company", name_en="").slug != "company"
    assert Company.objects.create(name="！？").slug.startswith("company-")


def test_same_name_twice_gets_two_addresses():
    first = Company.objects.create(name="新科技")
    second = Company.objects.create(name="新科技")
    assert (first.slug, second.slug) == ("xin-ke-ji", "xin-ke-ji-2")


def test_slug_stays_when_the_names_change():
    company = Company.objects.create(name="新科技")
    company.name, company.name_en = "新科技集團", "New Tech Group"
    company.save()
    company.refresh_from_db()
    assert company.slug == "xin-ke-ji"


def test_admin_company_with_only_a_chinese_name_takes_its_ticker(editor_client):
    url = reverse("admin:companies_company_add")
    data = {
        "name": "另一家新科技",
        "name_en": "",
        "name_hans": "",
        "aliases": "",
        "slug": "",
        "website": "",
        "description": "",
        "tickers-TOTAL_FORMS": "1",
        "tickers-INITIAL_FORMS": "0",
        "tickers-MIN_NUM_FORMS": "0",
        "tickers-MAX_NUM_FORMS": "1000",
        "tickers-0-exchange": "HK",
        "tickers-0-symbol": "2359",
    }
    response = editor_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    company = Company.objects.get(name="另一家新科技")
    assert company.slug == "2359-hk"
    page = editor_client.get(company.get_absolute_url())
    assert page.status_code == 200


def test_loaded_company_without_english_name_takes_its_ticker(tmp_path):
    path = tmp_path / "companies.csv"
    path.write_text(
        "exchange,symbol,name_zh_hant,name_en,aliases\nHK,2359,藥明康德,,\n", "utf-8"
    )
    call_command("load_companies", str(path), stdout=StringIO(), stderr=StringIO())
    assert Company.objects.get(name="藥明康德").slug == "2359-hk"


def test_existing_company_slug_is_not_touched_by_its_tickers():
    company = make_company("0700.HK", name="騰訊", name_en="")
    assert company.slug == "teng-xun"
