"""Listed companies and their tickers."""

import hashlib

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.functional import cached_property
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from newsroom import paths
from newsroom.fields import LinesField

from .tickers import (
    Exchange,
    InvalidTicker,
    normalise_exchange,
    normalise_symbol,
    ticker_candidates,
)


class Company(models.Model):
    name = models.CharField(
        _("name (Traditional Chinese)"),
        max_length=200,
        help_text=_("The name readers know, in Traditional Chinese, e.g. 金融壹賬通."),
    )
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    name_hans = models.CharField(
        _("name (Simplified Chinese)"),
        max_length=200,
        blank=True,
        help_text=_("Only when the Simplified name is not a plain conversion."),
    )
    aliases = LinesField(
        _("aliases"),
        max_item_length=100,
        help_text=_("Other names used in copy, one per line, e.g. 壹賬通, OneConnect."),
    )
    slug = models.SlugField(
        _("slug"),
        max_length=100,
        unique=True,
        blank=True,
        help_text=_("ASCII, used in the company's web address; from the English name."),
    )
    description = models.TextField(_("description"), blank=True)
    website = models.URLField(_("website"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["name"]
        # The newest change, read on every article page (matching.companies_version).
        indexes = [models.Index(fields=["updated_at"], name="company_updated_idx")]
        verbose_name = _("company")
        verbose_name_plural = _("companies")

    def __str__(self):
        return self.name

    def save(self, *args, ticker=None, **kwargs):
        """``ticker``: the listing a new company comes with, for its slug when
        it has no English name (its Ticker rows are saved after it)."""
        if not self.slug:
            self.slug = self._unique_slug(ticker)
        self.aliases = [a.strip() for a in self.aliases or [] if str(a).strip()]
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return self.url_for(self.slug)

    @cached_property
    def listings(self) -> tuple["Ticker", ...]:
        """Its tickers, in display order. Pages that read them together with
        the company (articles.public.views.page_parts) set this directly."""
        return tuple(self.tickers.all())

    @staticmethod
    def url_for(slug: str, path=paths.path) -> str:
        """The path of the company at ``slug`` (by ``path``: paths.here()'s)."""
        return path("companies:detail", slug=slug)

    def _unique_slug(self, ticker=None):
        """An address from the English name, else the primary ticker
        (``0700-hk``), else the Chinese name in pinyin (``teng-xun-kong-gu``);
        made once, when the company is first saved, so links keep working."""
        if ticker is None and self.pk is not None:
            ticker = self.tickers.order_by("pk").first()
        base = slugify(self.name_en)[:90]
        if not base and ticker is not None:
            base = slugify(f"{ticker.symbol}-{ticker.exchange}")
        if not base:
            # Imported here: its dictionaries take some 60 MB, which every web
            # worker would hold for a slug made once per company.
            from pypinyin import lazy_pinyin

            base = slugify("-".join(lazy_pinyin(self.name, errors="ignore")))[:90]
        if not base or base == "company":
            # Neither English, a ticker nor Chinese: a stable stand-in, never
            # the bare word "company".
            base = "company-" + hashlib.sha1(self.name.encode()).hexdigest()[:8]
        slug, n = base, 2
        while Company.objects.filter(slug=slug).exclude(pk=self.pk).exists():
            slug, n = f"{base}-{n}", n + 1
        return slug

    @property
    def all_names(self) -> list[str]:
        """Every name the company goes by, without duplicates, main name first."""
        names = [self.name, self.name_hans, self.name_en, *self.aliases]
        return list(dict.fromkeys(n for n in names if n))


class TickerQuerySet(models.QuerySet):
    def lookup(self, text: str):
        """The ticker a person means by ``text`` in any spelling they type
        (tickers.ticker_candidates), or None; a bare number is a code only if
        a company has it, the likeliest listing first."""
        candidates = ticker_candidates(text)
        if not candidates:
            return None
        query = models.Q()
        for candidate in candidates:
            query |= models.Q(exchange=candidate.exchange, symbol=candidate.symbol)
        found = {(t.exchange, t.symbol): t for t in self.filter(query)}
        return next(
            (
                found[key]
                for key in ((c.exchange, c.symbol) for c in candidates)
                if key in found
            ),
            None,
        )


class Ticker(models.Model):
    company = models.ForeignKey(
        Company,
        on_delete=models.CASCADE,
        related_name="tickers",
        verbose_name=_("company"),
    )
    exchange = models.CharField(_("exchange"), max_length=4, choices=Exchange.choices)
    symbol = models.CharField(
        _("symbol"),
        max_length=12,
        help_text=_(
            "As quoted by the exchange: Hong Kong 853 is stored as 0853; "
            "US symbols are stored in capitals."
        ),
    )

    objects = TickerQuerySet.as_manager()

    class Meta:
        ordering = ["exchange", "symbol"]
        verbose_name = _("ticker")
        verbose_name_plural = _("tickers")
        constraints = [
            models.UniqueConstraint(
                fields=["exchange", "symbol"], name="ticker_exchange_symbol_uniq"
            )
        ]

    def __str__(self):
        return self.label(self.symbol, self.exchange)

    def save(self, *args, **kwargs):
        # Normalise on every path (admin, importer, shell), not only in forms.
        self.exchange = normalise_exchange(self.exchange)
        self.symbol = normalise_symbol(self.exchange, self.symbol)
        super().save(*args, **kwargs)

    def clean(self):
        try:
            self.exchange = normalise_exchange(self.exchange)
            self.symbol = normalise_symbol(self.exchange, self.symbol)
        except InvalidTicker as error:
            raise ValidationError({"symbol": str(error)}) from error

    @staticmethod
    def label(symbol: str, exchange: str) -> str:
        """How a ticker is written: 0700.HK, OCFT.US."""
        return f"{symbol}.{exchange}"
