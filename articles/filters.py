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

from companies.models import Company
from companies.tickers import Exchange

from .models import Article, Author


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
    company = django_filters.CharFilter(
        label=_("Company"), field_name="companies__slug", distinct=True
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
        # Readers pick companies and authors by name; the URL carries the slug,
        # and a slug that names nobody still filters (to nothing, with a message).
        self.filters["company"].extra["widget"] = forms.Select(
            choices=_LazyChoices(
                _("All companies"),
                lambda: Company.objects.order_by("name_en", "name").values_list(
                    "slug", "name"
                ),
            )
        )
        self.filters["author"].extra["widget"] = forms.Select(
            choices=_LazyChoices(
                _("All authors"), lambda: Author.objects.values_list("slug", "name")
            )
        )

    @property
    def is_active(self) -> bool:
        """Whether any filter (not only the page number) is in the query string."""
        return any(self.data.get(name) for name in self.filters)

    def unknown_messages(self) -> list[str]:
        """Messages for slugs that name no tag, company or author."""
        checks = [
            ("tag", Tag, gettext("There is no such tag.")),
            ("company", Company, gettext("There is no such company.")),
            ("author", Author, gettext("There is no such author.")),
        ]
        messages = []
        for name, model, message in checks:
            value = (self.data.get(name) or "").strip()
            if value and not model.objects.filter(slug=value).exists():
                messages.append(message)
        return messages
