"""Companies and tickers in the database and through the admin."""

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation

from companies.models import Company, Ticker
from companies.tickers import InvalidTicker
from tests.factories import make_company

pytestmark = pytest.mark.django_db


# --- Ticker -------------------------------------------------------------------


def test_ticker_save_zero_pads_hk_symbol():
    company = make_company()
    ticker = Ticker.objects.create(company=company, exchange="HK", symbol="853")
    ticker.refresh_from_db()
    assert ticker.symbol == "0853"
    assert str(ticker) == "0853.HK"


def test_ticker_save_normalises_exchange_alias_and_case():
    company = make_company()
    ticker = Ticker.objects.create(company=company, exchange="nasdaq", symbol="brk-b")
    ticker.refresh_from_db()
    assert (ticker.exchange, ticker.symbol) == ("US", "BRK.B")


def test_ticker_save_refuses_invalid_symbol():
    company = make_company()
    with pytest.raises(InvalidTicker):
        Ticker.objects.create(company=company, exchange="SH", symbol="AB")
    assert not Ticker.objects.exists()


def test_same_listing_spelled_differently_violates_uniqueness():
    make_company("853.HK")
    other = make_company()
    with pytest.raises(IntegrityError), transaction.atomic():
        Ticker.objects.create(company=other, exchange="HK", symbol="0853")
    assert Ticker.objects.count() == 1


def test_same_symbol_on_another_exchange_is_allowed():
    make_company("600000.SH")
    make_company("600000.SZ")
    assert Ticker.objects.count() == 2


def test_full_clean_reports_duplicate_listing_in_another_spelling():
    make_company("853.HK")
    duplicate = Ticker(company=make_company(), exchange="HK", symbol="00853")
    with pytest.raises(ValidationError) as excinfo:
        duplicate.full_clean()
    (error,) = excinfo.value.error_dict["__all__"]
    assert error.code == "unique_together"
    assert error.params["unique_check"] == ("exchange", "symbol")


def test_full_clean_normalises_the_symbol():
    ticker = Ticker(company=make_company(), exchange="HK", symbol="853")
    ticker.full_clean()
    assert ticker.symbol == "0853"


def test_full_clean_reports_invalid_symbol_on_the_symbol_field():
    ticker = Ticker(company=make_company(), exchange="HK", symbol="12345678")
    with translation.override("en"), pytest.raises(ValidationError) as excinfo:
        ticker.full_clean()
    errors = excinfo.value.message_dict
    assert list(errors) == ["symbol"]
    (message,) = errors["symbol"]
    assert "12345678" in message
    assert "Hong Kong codes are 1 to 5 digits" in message


def test_lookup_finds_ticker_in_any_spelling():
    company = make_company("853.HK")
    assert Ticker.objects.lookup("00853.hkg").company == company
    assert Ticker.objects.lookup("9999.HK") is None
    assert Ticker.objects.lookup("not a ticker") is None


# --- Company ------------------------------------------------------------------


def test_company_slug_comes_from_english_name():
    company = Company.objects.create(name="金融壹賬通", name_en="OneConnect Financial")
    assert company.slug == "oneconnect-financial"


def test_companies_with_same_english_name_get_different_slugs():
    first = Company.objects.create(name="甲", name_en="Ping An")
    second = Company.objects.create(name="乙", name_en="Ping An")
    third = Company.objects.create(name="丙", name_en="Ping An")
    assert first.slug == "ping-an"
    assert second.slug == "ping-an-2"
    assert third.slug == "ping-an-3"


def test_company_without_english_name_gets_its_name_in_pinyin():
    first = Company.objects.create(name="甲")
    second = Company.objects.create(name="乙")
    assert (first.slug, second.slug) == ("jia", "yi")


def test_company_slug_is_kept_when_saved_again():
    company = Company.objects.create(name="甲", name_en="Ping An")
    company.name_en = "Ping An Insurance"
    company.save()
    company.refresh_from_db()
    assert company.slug == "ping-an"


def test_company_aliases_are_stripped_and_blanks_dropped():
    company = Company.objects.create(
        name="金融壹賬通", aliases=["  壹賬通 ", "", "   ", "OneConnect"]
    )
    company.refresh_from_db()
    assert company.aliases == ["壹賬通", "OneConnect"]


def test_all_names_lists_every_name_once_main_name_first():
    company = Company(
        name="金融壹賬通",
        name_hans="金融壹账通",
        name_en="OneConnect",
        aliases=["壹賬通", "OneConnect", "金融壹賬通"],
    )
    assert company.all_names == ["金融壹賬通", "金融壹账通", "OneConnect", "壹賬通"]


def test_all_names_skips_empty_names():
    assert Company(name="平安").all_names == ["平安"]


# --- admin --------------------------------------------------------------------


@pytest.fixture
def english_editor_client(editor_client):
    editor_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return editor_client


def _company_form(**tickers):
    data = {
        "name": "金融壹賬通",
        "name_en": "OneConnect Financial",
        "name_hans": "",
        "aliases": "壹賬通\nOneConnect",
        "slug": "",
        "website": "",
        "description": "",
        "tickers-TOTAL_FORMS": "1",
        "tickers-INITIAL_FORMS": "0",
        "tickers-MIN_NUM_FORMS": "0",
        "tickers-MAX_NUM_FORMS": "1000",
    }
    data.update({f"tickers-0-{key}": value for key, value in tickers.items()})
    return data


def test_admin_adds_company_with_inline_ticker_normalised(editor_client):
    response = editor_client.post(
        reverse("admin:companies_company_add"),
        _company_form(exchange="HK", symbol="853"),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    company = Company.objects.get()
    assert company.slug == "oneconnect-financial"
    assert company.aliases == ["壹賬通", "OneConnect"]
    assert [str(t) for t in company.tickers.all()] == ["0853.HK"]


def test_admin_shows_error_for_invalid_inline_ticker_and_saves_nothing(
    english_editor_client,
):
    response = english_editor_client.post(
        reverse("admin:companies_company_add"),
        _company_form(exchange="HK", symbol="12345678"),
    )
    assert response.status_code == 200
    errors = response.context["inline_admin_formsets"][0].formset.errors
    (message,) = errors[0]["symbol"]
    assert "12345678" in message
    assert "Hong Kong codes are 1 to 5 digits" in message
    assert "Hong Kong codes are 1 to 5 digits" in response.content.decode()
    assert not Company.objects.exists()
    assert not Ticker.objects.exists()


def test_admin_refuses_inline_ticker_another_company_has(editor_client):
    make_company("853.HK")
    response = editor_client.post(
        reverse("admin:companies_company_add"),
        _company_form(exchange="HK", symbol="00853"),
    )
    assert response.status_code == 200
    errors = response.context["inline_admin_formsets"][0].formset.errors
    assert errors[0], "the duplicate ticker should be reported on its inline form"
    assert Company.objects.count() == 1
    assert Ticker.objects.count() == 1


def test_invalid_symbol_message_names_the_symbol_in_the_newsroom_language():
    ticker = Ticker(company=make_company(), exchange="SZ", symbol="12345")
    with pytest.raises(ValidationError) as excinfo:
        ticker.full_clean()
    (message,) = excinfo.value.message_dict["symbol"]
    assert "12345" in message
