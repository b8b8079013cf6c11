"""The desk's start page: what needs an editor's or a writer's attention now.

``build(user, now=...)`` gives the panels for the person's role: editors
(who may publish) see the review queue, what goes live in the next 24 hours,
what went live today (Hong Kong day), recent corrections, imported drafts
nobody has touched and tickers in recent copy that no company has; writers
see their own drafts, what was sent back to them, and their scheduled and
published pieces.

Each article panel is one condition (``Panel.condition``), used three ways:
its first rows, its count (all counts in one query) and the change list's
"On the desk" filter, so a panel's "all N" link shows exactly those
articles. The page runs the same number of queries however many articles
there are.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import urlencode

from django.contrib.admin import SimpleListFilter
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.db.models.lookups import Exact
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from companies.models import Ticker
from companies.tickers import TickerSymbol
from newsroom.display import person_name

from .. import workflow
from ..company_links import tickers_in_copy
from ..models import Article, ArticleAuthor, Correction, ImportRecord, Transition
from . import quick_actions, scheduling

Status = Article.Status
# Rows shown per panel; the panel's link lists the rest.
ROWS = 10
SCHEDULE_WINDOW = timedelta(hours=24)
CORRECTIONS_WINDOW = timedelta(days=7)
PUBLISHED_WINDOW = timedelta(days=30)
# Unknown tickers are looked for in this many of the latest drafts and
# articles in review (imports included).
TICKER_SCAN = 50


def _latest_transition(field_name: str) -> Subquery:
    return Subquery(
        Transition.objects.filter(article=OuterRef("pk"))
        .order_by("-at", "-pk")
        .values(field_name)[:1]
    )


def _sent_back() -> Exact:
    """The article's last status change was a send-back (it is with the writer)."""
    return Exact(Coalesce(_latest_transition("action"), Value("")), "send_back")


def _own(user) -> Q:
    bylined = ArticleAuthor.objects.filter(article=OuterRef("pk"), author__user=user)
    return Q(created_by=user) | Q(Exists(bylined))


def _corrected_since(now: datetime) -> Exists:
    return Exists(
        Correction.objects.filter(
            article=OuterRef("pk"), corrected_at__gte=now - CORRECTIONS_WINDOW
        )
    )


def _latest_correction(field_name: str) -> Subquery:
    return Subquery(
        Correction.objects.filter(article=OuterRef("pk"))
        .order_by("-corrected_at", "-pk")
        .values(field_name)[:1]
    )


@dataclass(frozen=True)
class Panel:
    """One panel: which articles (``condition`` at a moment, for a person),
    in which order, and what its rows show."""

    key: str
    title: str
    for_editors: bool
    condition: Callable[[object, datetime], Q]
    order_by: tuple
    # What the row's time column shows, and its heading.
    when_label: str
    when: Callable[[Article], datetime | None]
    who_label: str = ""
    annotations: Callable[[], dict] = dict
    select_related: tuple = ()
    countdown: bool = False
    empty: str = ""


PANELS: tuple[Panel, ...] = (
    # --- editors ---
    Panel(
        "review",
        _("In review"),
        True,
        lambda user, now: Q(status=Status.REVIEW),
        (F("submitted_at").asc(nulls_first=True), "pk"),
        _("Submitted"),
        lambda a: a.submitted_at,
        who_label=_("Submitted by"),
        annotations=lambda: {"submitted_at": _latest_transition("at")},
        empty=_("Nothing is waiting for review."),
    ),
    Panel(
        "scheduled_24h",
        _("Going live in the next 24 hours"),
        True,
        lambda user, now: Q(
            status=Status.PUBLISHED,
            publish_at__gt=now,
            publish_at__lte=now + SCHEDULE_WINDOW,
        ),
        ("publish_at", "pk"),
        _("Goes live"),
        lambda a: a.publish_at,
        who_label=_("Scheduled by"),
        countdown=True,
        empty=_("Nothing is scheduled for the next 24 hours."),
    ),
    Panel(
        "published_today",
        _("Published today"),
        True,
        lambda user, now: Q(
            status=Status.PUBLISHED,
            publish_at__gte=scheduling.start_of_day(now),
            publish_at__lte=now,
        ),
        ("-publish_at", "-pk"),
        _("Live since"),
        lambda a: a.publish_at,
        who_label=_("Published by"),
        empty=_("Nothing has gone live today yet."),
    ),
    Panel(
        "corrected",
        _("Corrected in the last 7 days"),
        True,
        lambda user, now: Q(_corrected_since(now)),
        ("-corrected_at", "-pk"),
        _("Corrected"),
        lambda a: a.corrected_at,
        annotations=lambda: {
            "corrected_at": _latest_correction("corrected_at"),
            "correction_right": _latest_correction("right"),
        },
        empty=_("No corrections in the last 7 days."),
    ),
    Panel(
        "imported",
        _("Imported drafts not yet opened"),
        True,
        # Version 1: the importer wrote it and nobody has saved it since.
        lambda user, now: Q(
            Exists(ImportRecord.objects.filter(article=OuterRef("pk"))),
            status=Status.DRAFT,
            version=1,
        ),
        ("-import_record__imported_at", "-pk"),
        _("Imported"),
        lambda a: a.import_record.imported_at,
        select_related=("import_record",),
        empty=_("No imported drafts are waiting."),
    ),
    # --- writers ---
    Panel(
        "my_drafts",
        _("My drafts"),
        False,
        lambda user, now: _own(user) & Q(status=Status.DRAFT) & ~Q(_sent_back()),
        ("-updated_at", "-pk"),
        _("Last saved"),
        lambda a: a.updated_at,
        empty=_("You have no drafts."),
    ),
    Panel(
        "sent_back",
        _("Sent back to me"),
        False,
        lambda user, now: _own(user) & Q(status=Status.DRAFT) & Q(_sent_back()),
        ("-sent_back_at", "-pk"),
        _("Sent back"),
        lambda a: a.sent_back_at,
        who_label=_("Sent back by"),
        annotations=lambda: {"sent_back_at": _latest_transition("at")},
        empty=_("Nothing has been sent back to you."),
    ),
    Panel(
        "my_scheduled",
        _("My scheduled pieces"),
        False,
        lambda user, now: _own(user) & Q(status=Status.PUBLISHED, publish_at__gt=now),
        ("publish_at", "pk"),
        _("Goes live"),
        lambda a: a.publish_at,
        countdown=True,
        empty=_("None of your pieces is scheduled."),
    ),
    Panel(
        "my_published",
        _("My published pieces (last 30 days)"),
        False,
        lambda user, now: (
            _own(user)
            & Q(
                status=Status.PUBLISHED,
                publish_at__lte=now,
                publish_at__gte=now - PUBLISHED_WINDOW,
            )
        ),
        ("-publish_at", "-pk"),
        _("Live since"),
        lambda a: a.publish_at,
        empty=_("None of your pieces went live in the last 30 days."),
    ),
)
PANELS_BY_KEY = {panel.key: panel for panel in PANELS}


def panels_for(user) -> list[Panel]:
    """Editors' panels for whoever may publish; writers' for whoever may write."""
    if workflow.can_publish(user):
        return [p for p in PANELS if p.for_editors]
    if user.is_active and user.has_perm("articles.add_article"):
        return [p for p in PANELS if not p.for_editors]
    return []


# --- what the page shows ----------------------------------------------------


@dataclass
class Row:
    article: Article
    when: datetime | None
    by: object = None  # the user of the last status change, where it matters
    note: str = ""
    countdown: str = ""
    detail: str = ""
    controls: quick_actions.Controls | None = None

    @property
    def url(self) -> str:
        return reverse("admin:articles_article_change", args=[self.article.pk])

    @property
    def who(self) -> str:
        if self.by is None:
            return ""
        return person_name(self.by)


@dataclass
class PanelView:
    panel: Panel
    count: int
    rows: list[Row]

    @property
    def has_controls(self) -> bool:
        return any(row.controls for row in self.rows)

    @property
    def more(self) -> int:
        return self.count - len(self.rows)

    @property
    def list_url(self) -> str:
        changelist = reverse("admin:articles_article_changelist")
        return f"{changelist}?{DeskFilter.parameter_name}={self.panel.key}"


@dataclass
class UnknownTickerRow:
    ticker: TickerSymbol
    name_guess: str
    articles: list[Article] = field(default_factory=list)

    @property
    def create_url(self) -> str:
        query = {"ticker": str(self.ticker)}
        if self.name_guess:
            query["name"] = self.name_guess
        return f"{reverse('admin:companies_company_add')}?{urlencode(query)}"


@dataclass
class Dashboard:
    now: datetime
    is_editor: bool
    panels: list[PanelView]
    unknown_tickers: list[UnknownTickerRow] | None = None
    unknown_ticker_count: int = 0


def build(user, *, now: datetime | None = None) -> Dashboard:
    """The panels ``user`` sees at ``now``, with their counts and first rows.

    A fixed number of queries: one for all the counts, one per panel for its
    rows, one for the status changes those rows show, and for editors two
    for unknown tickers.
    """
    now = now or timezone.now()
    panels = panels_for(user)
    is_editor = workflow.can_publish(user)
    if not panels:
        return Dashboard(now=now, is_editor=False, panels=[])
    articles = workflow.visible_to(user, Article.objects.all())
    counts = articles.aggregate(
        **{p.key: Count("pk", filter=p.condition(user, now)) for p in panels}
    )
    views = []
    for panel in panels:
        found = (
            articles.filter(panel.condition(user, now))
            .annotate(**panel.annotations())
            .select_related(*panel.select_related)
            .defer("body", "body_text", "hero_renditions")
            .order_by(*panel.order_by)[:ROWS]
        )
        rows = [
            Row(
                article,
                panel.when(article),
                countdown=scheduling.goes_live_in(article.publish_at, now)
                if panel.countdown
                else "",
                detail=getattr(article, "correction_right", "") or "",
                controls=quick_actions.controls_for(
                    article, user, prefix=f"{panel.key}-"
                ),
            )
            for article in found
        ]
        views.append(PanelView(panel, counts[panel.key], rows))
    _add_last_transitions(views)
    dashboard = Dashboard(now=now, is_editor=is_editor, panels=views)
    if is_editor:
        unknown = unknown_tickers(articles)
        dashboard.unknown_ticker_count = len(unknown)
        dashboard.unknown_tickers = unknown[:ROWS]
    return dashboard


def _add_last_transitions(views: list[PanelView]) -> None:
    """Who made each row's last status change, and its note: one query."""
    wanted = [v for v in views if v.panel.who_label or v.panel.key == "sent_back"]
    ids = {row.article.pk for v in wanted for row in v.rows}
    if not ids:
        return
    last = {}
    for transition in (
        Transition.objects.filter(article_id__in=ids)
        .select_related("by")
        .order_by("article_id", "-at", "-pk")
    ):
        last.setdefault(transition.article_id, transition)
    for view in wanted:
        for row in view.rows:
            transition = last.get(row.article.pk)
            if transition is not None:
                row.by = transition.by
                if transition.action == "send_back":
                    row.note = transition.note


def unknown_tickers(articles: QuerySet) -> list[UnknownTickerRow]:
    """Tickers in the latest drafts and articles in review that no company has.

    Newest copy first; each ticker once, with the articles it appears in.
    """
    recent = (
        articles.filter(status__in=[Status.DRAFT, Status.REVIEW])
        .only("pk", "headline", "dek", "key_points", "body_text", "status")
        .order_by("-updated_at", "-pk")[:TICKER_SCAN]
    )
    found: dict[TickerSymbol, UnknownTickerRow] = {}
    for article in recent:
        for symbol, guess in tickers_in_copy(article).items():
            row = found.setdefault(symbol, UnknownTickerRow(symbol, guess))
            row.name_guess = row.name_guess or guess
            row.articles.append(article)
    if not found:
        return []
    by_exchange: dict[str, list[str]] = {}
    for symbol in found:
        by_exchange.setdefault(symbol.exchange, []).append(symbol.symbol)
    # One condition per exchange, not per ticker: the query stays small.
    query = Q()
    for exchange, symbols in by_exchange.items():
        query |= Q(exchange=exchange, symbol__in=symbols)
    known = {
        TickerSymbol(exchange, symbol)
        for exchange, symbol in Ticker.objects.filter(query).values_list(
            "exchange", "symbol"
        )
    }
    return [row for symbol, row in found.items() if symbol not in known]


# --- the change list's filter -------------------------------------------------


class DeskFilter(SimpleListFilter):
    """The dashboard's panels as a change-list filter: a panel's "all" link."""

    title = _("on the desk")
    parameter_name = "desk"

    def lookups(self, request, model_admin):
        return [(p.key, p.title) for p in panels_for(request.user)]

    def queryset(self, request, queryset):
        panel = PANELS_BY_KEY.get(self.value() or "")
        if panel is None:
            return queryset
        return queryset.filter(panel.condition(request.user, timezone.now()))
