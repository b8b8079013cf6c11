"""Filters for the public article lists, with their state in the query string.

The FilterSet starts from ``Article.objects.live()`` (django-filter would fall
back to the default manager and leak drafts). Bad values never raise: an
invalid date becomes a form error and that filter is skipped; an unknown
tag, company or author filters to nothing and says so.
"""

import django_filters
from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag

from companies.matching import resolve as resolve_company
from companies.tickers import Exchange

from .. import rows
from ..models import Article, Author


class _LazyChoices:
    """Choices read from the database only when the form is rendered."""

    def __init__(self, empty_label, rows):
        self.empty_label, self.rows, self._choices = empty_label, rows, None

    def __iter__(self):
        if self._choices is None:
            self._choices = [("", self.empty_label), *self.rows()]
        return iter(self._choices)

    def __deepcopy__(self, memo):
        # Forms deep-copy their widgets; one read of the table is enough.
        return self


class ArticleFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=Article.Kind.choices, empty_label=_("All kinds")
    )
    tag = django_filters.CharFilter(label=_("Tag"), field_name="tags__slug")
    # Typed, not picked from a list of every company (thousands): a name in
    # either script, a ticker or the company's address (companies.matching).
    company = django_filters.CharFilter(
        label=_("Company"),
        method="filter_company",
        widget=forms.TextInput(
            attrs={"placeholder": _("Name or ticker, e.g. 騰訊 or 0700.HK")}
        ),
    )
    exchange = django_filters.ChoiceFilter(
        label=_("Exchange"),
        choices=Exchange.choices,
        empty_label=_("All exchanges"),
        field_name="companies__tickers__exchange",
        # An article about two Hong Kong companies would otherwise appear twice.
        distinct=True,
    )
    author = django_filters.CharFilter(
        label=_("Author"), field_name="bylines__author__slug", distinct=True
    )
    date_from = django_filters.DateFilter(
        label=_("Published from"),
        field_name="publish_at",
        lookup_expr="date__gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = django_filters.DateFilter(
        label=_("Published to"),
        field_name="publish_at",
        lookup_expr="date__lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = Article
        fields = []

    def __init__(self, data=None, queryset=None, *, fixed_kind=False, **kwargs):
        if queryset is None:
            queryset = Article.objects.live()
        super().__init__(data, queryset, **kwargs)
        if fixed_kind:
            # /briefs/ and /features/ are one kind already.
            del self.filters["kind"]
        # Readers pick authors by name; the URL carries the slug, and a slug
        # that names nobody still filters (to nothing, with a message).
        self.filters["author"].extra["widget"] = forms.Select(
            choices=_LazyChoices(_("All authors"), rows.author_choices)
        )

    def _company(self, value):
        """The company ``value`` names (resolved once per request)."""
        if not hasattr(self, "_resolved"):
            self._resolved = {}
        if value not in self._resolved:
            self._resolved[value] = resolve_company(value)
        return self._resolved[value]

    def filter_company(self, queryset, name, value):
        company = self._company(value)
        if company is None:
            return queryset.none()
        # One link per article and company: no duplicates to remove.
        return queryset.filter(companies=company)

    @property
    def is_active(self) -> bool:
        """Whether any filter (not only the page number) is in the query string."""
        return any(self.data.get(name) for name in self.filters)

    def unknown_messages(self) -> list[str]:
        """Messages for slugs that name no tag, company or author."""
        checks = [
            ("tag", Tag, gettext("There is no such tag.")),
            ("company", None, gettext("There is no such company.")),
            ("author", Author, gettext("There is no such author.")),
        ]
        messages = []
        for name, model, message in checks:
            value = (self.data.get(name) or "").strip()
            if not value:
                continue
            if model is None:
                known = self._company(value) is not None
            else:
                known = model.objects.filter(slug=value).exists()
            if not known:
                messages.append(message)
        return messages
