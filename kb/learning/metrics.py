"""The staff dashboard's numbers: weekly series computed from the facts.

Weeks start on Monday, in UTC. Every rate is None for a week with nothing
to divide (shown as a gap in the chart, an empty cell in the CSV).
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from dataclasses import dataclass, field

import pygal
from django.db.models import Case, Count, F, IntegerField, Q, Sum, When
from django.db.models.functions import TruncWeek
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kb.articles.models import ArticleFeedback
from kb.core import charts
from kb.core.choices import Language, Priority, Region
from kb.learning.models import ArticleEffectiveness, KnowledgeGap, TicketLearning
from kb.learning.selectors import content_flag_counts, content_flag_list, knowledge_gap_queue
from kb.search.models import SearchQuery
from kb.tickets.models import Ticket
from kb.wizard.selectors import WizardTotals, session_outcomes_by_week, wizard_totals

MAX_WEEKS = 52


@dataclass
class Series:
    key: str
    label: str
    unit: str  # "%" (a share 0..1), "h" (hours), "x" (a ratio), "n" (a count)
    values: list[float | None]
    segment: str = ""

    @property
    def latest(self) -> float | None:
        return next((v for v in reversed(self.values) if v is not None), None)


@dataclass
class Dashboard:
    weeks: list[dt.date]
    series: dict[str, list[Series]] = field(default_factory=dict)
    wizard_data: bool = False
    wizard: WizardTotals = field(default_factory=WizardTotals)
    top_articles: list = field(default_factory=list)
    top_gaps: list = field(default_factory=list)
    flags: list = field(default_factory=list)
    flag_counts: dict = field(default_factory=dict)

    def all_series(self) -> list[Series]:
        return [s for group in self.series.values() for s in group]


def week_starts(weeks: int, now: dt.datetime | None = None) -> list[dt.date]:
    today = (now or timezone.now()).astimezone(dt.UTC).date()
    monday = today - dt.timedelta(days=today.weekday())
    return [monday - dt.timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]


def _week(value) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def _ratio(num: float, den: float) -> float | None:
    return num / den if den else None


def _counts_by_week(qs, date_field: str, *keys: str, **annotations) -> dict:
    """{(week, *keys): {name: value}} from one grouped query."""
    rows = (qs.annotate(week=TruncWeek(date_field, tzinfo=dt.UTC)).values("week", *keys)
            .annotate(**annotations).order_by())
    found = {}
    for row in rows:
        found[(_week(row["week"]), *(row[k] for k in keys))] = row
    return found


def dashboard(*, weeks: int = 12, now: dt.datetime | None = None,
              language: str = Language.EN) -> Dashboard:
    starts = week_starts(weeks, now)
    since = dt.datetime.combine(starts[0], dt.time.min, tzinfo=dt.UTC)
    board = Dashboard(weeks=starts)

    # The learning loop: link rate, new versus known, reuse.
    links = _counts_by_week(TicketLearning.objects.filter(closed_at__gte=since), "closed_at",
                            "link", n=Count("pk"))
    reuse = _counts_by_week(
        TicketLearning.objects.filter(closed_at__gte=since, article__isnull=False),
        "closed_at", tickets=Count("pk"), articles=Count("article", distinct=True))
    link_rate, known, reuse_rate, closed = [], [], [], []
    for week in starts:
        by_link = {k: links.get((week, k), {}).get("n", 0) for k in TicketLearning.Link.values}
        total = sum(by_link.values())
        closed.append(float(total))
        link_rate.append(_ratio(by_link["existing"] + by_link["new"], total))
        known.append(_ratio(by_link["existing"], total))
        row = reuse.get((week,), {})
        reuse_rate.append(_ratio(row.get("tickets", 0), row.get("articles", 0)))
    board.series["learning"] = [
        Series("link_rate", _("Link rate"), "%", link_rate),
        Series("known_fix", _("New versus known: fix existed when opened"), "%", known),
    ]
    board.series["reuse"] = [
        Series("article_reuse", _("Article reuse: tickets per linked article"), "x",
               reuse_rate),
        Series("closed_tickets", _("Closed tickets"), "n", closed),
    ]

    # Time to publish a fix for a new problem: opened -> its article published.
    hours = defaultdict(list)
    for published, opened in TicketLearning.objects.filter(
            link=TicketLearning.Link.NEW, article__published_at__gte=since).values_list(
            "article__published_at", "opened_at"):
        monday = published.astimezone(dt.UTC).date()
        monday -= dt.timedelta(days=monday.weekday())
        hours[monday].append(max((published - opened).total_seconds() / 3600, 0.0))
    board.series["publish"] = [Series(
        "time_to_publish", _("Time to publish a fix for a new problem (median hours)"), "h",
        [statistics.median(hours[w]) if hours.get(w) else None for w in starts])]

    # Self-service: search deflection, "did this help", the wizard.
    searches = _counts_by_week(SearchQuery.objects.filter(created_at__gte=since), "created_at",
                               n=Count("pk"), clicked=Count("clicked_article"))
    votes = _counts_by_week(ArticleFeedback.objects.filter(created_at__gte=since), "created_at",
                            n=Count("pk"), helpful=Count("pk", filter=Q(helpful=True)))
    # The wizard's figures come from the wizard's own reads, as on its
    # statistics page, so the two pages cannot disagree.
    board.wizard = wizard_totals(language=language, now=now)
    board.wizard_data = board.wizard.started > 0
    sessions = session_outcomes_by_week(since=since, now=now)
    search_rate, helpful_rate, wizard_rate = [], [], []
    for week in starts:
        s = searches.get((week,), {})
        search_rate.append(_ratio(s.get("clicked", 0), s.get("n", 0)))
        v = votes.get((week,), {})
        helpful_rate.append(_ratio(v.get("helpful", 0), v.get("n", 0)))
        w = sessions.get(week, {})
        wizard_rate.append(_ratio(w.get("resolved", 0), w.get("ended", 0)))
    board.series["self_service"] = [
        Series("search_deflection", _("Search deflection: searches that opened a fix"), "%",
               search_rate),
        Series("self_service_success", _("Self-service success: “did this help” yes"), "%",
               helpful_rate),
        Series("wizard_deflection", _("Wizard deflection: sessions resolved per session "
                                      "ended"), "%", wizard_rate),
    ]

    # SLA compliance: a closed ticket met every target it reached on time.
    met = Case(When(Q(acknowledged_at__lte=F("acknowledge_due"))
                    & (Q(located_at__isnull=True) | Q(located_at__lte=F("locate_due")))
                    & Q(resolved_at__lte=F("resolve_due")), then=1),
               default=0, output_field=IntegerField())
    closed_tickets = Ticket.objects.filter(closed_at__gte=since, status=Ticket.Status.CLOSED)
    # A priority is read by its code (P1); a region by its name, not "na".
    for key, choices, label, name in (
            ("priority", Priority, _("SLA compliance by priority"), str),
            ("region", Region, _("SLA compliance by region"), lambda v: Region(v).label)):
        rows = _counts_by_week(closed_tickets, "closed_at", key, n=Count("pk"), met=Sum(met))
        board.series[f"sla_{key}"] = [
            Series(f"sla_{key}", f"{label}: {name(value)}", "%",
                   [_ratio((rows.get((w, value)) or {}).get("met") or 0,
                           (rows.get((w, value)) or {}).get("n", 0)) for w in starts],
                   segment=value)
            for value in choices.values
        ]

    # Knowledge gaps and content health over time.
    gaps = _counts_by_week(KnowledgeGap.objects.filter(created_at__gte=since), "created_at",
                           n=Count("pk"))
    board.series["gaps"] = [Series("gaps_found", _("Knowledge gaps found"), "n",
                                   [float(gaps.get((w,), {}).get("n", 0)) for w in starts])]

    board.top_articles = list(
        ArticleEffectiveness.objects.filter(problem_code="", tickets_resolved__gt=0)
        .select_related("article").order_by("-tickets_resolved", "-success_rate")[:10])
    board.top_gaps = list(knowledge_gap_queue()[:10])
    board.flags = list(content_flag_list()[:20])
    board.flag_counts = content_flag_counts()
    return board


# Charts ------------------------------------------------------------------------
CHART_WIDTH, CHART_HEIGHT = 560, 220
# The palette of site.css's .pygal-chart .color-N, for the legend's swatches.
COLOURS = ["#0b63c5", "#b3261e", "#1d7a3a", "#a15c00", "#8250df", "#57606a"]


def chart(series: list[Series], *, title: str, weeks: list[dt.date]) -> dict:
    """A weekly line chart drawn by pygal (kb/core/charts.py), with its legend.

    Shares are drawn on 0..100 %; other units from 0 to their maximum.
    A week without data breaks the line; a lone week shows as a dot.
    """
    shares = all(s.unit == "%" for s in series)
    top = 1.0 if shares else max([v for s in series for v in s.values if v is not None]
                                 or [1.0]) or 1.0
    drawn = pygal.Line(**charts.config(
        width=CHART_WIDTH, height=CHART_HEIGHT, range=(0, top), show_legend=False,
        allow_interruptions=True, show_dots=True, dots_size=2.5, show_only_major_dots=False,
        x_labels_major_count=4, show_minor_x_labels=False, y_labels_major_count=3,
        show_minor_y_labels=False,
        value_formatter=(lambda v: display(v, "%")) if shares else (lambda v: f"{v:g}")))
    drawn.x_labels = [week.strftime("%m-%d") for week in weeks]
    for s in series:
        drawn.add(str(s.label), [None if value is None else {
            "value": value, "label": f"{s.label}, {week:%Y-%m-%d}: {display(value, s.unit)}"}
            for week, value in zip(weeks, s.values, strict=False)])
    chart_id = f"chart-{series[0].key}"
    return {
        "svg": charts.svg(drawn, chart_id=chart_id, title=str(title), description=_(
            "One line per measure, one point per week from the week of %(first)s to the "
            "week of %(last)s; a gap is a week with nothing to measure. Every value is in "
            "the CSV.") % {"first": weeks[0].isoformat(), "last": weeks[-1].isoformat()}),
        "lines": [{"label": s.label, "colour": COLOURS[index % len(COLOURS)],
                   "latest": display(s.latest, s.unit)} for index, s in enumerate(series)],
    }


def display(value: float | None, unit: str) -> str:
    if value is None:
        return "–"
    if unit == "%":
        return f"{value * 100:.0f} %"
    if unit == "h":
        return f"{value:.1f} h"
    if unit == "x":
        return f"{value:.1f}×"
    return f"{value:.0f}"


def csv_rows(board: Dashboard) -> list[list[str]]:
    rows = [["week", "metric", "segment", "value"]]
    for s in board.all_series():
        for week, value in zip(board.weeks, s.values, strict=True):
            rows.append([week.isoformat(), s.key, s.segment,
                         "" if value is None else f"{value:.4f}".rstrip("0").rstrip(".")])
    return rows
