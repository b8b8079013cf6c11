"""Charts drawn on the server as SVG: no script, no CDN, nothing the CSP refuses.

A ``Chart`` is columns of counts (one bar per column, its series stacked or
side by side), drawn as an inline ``<svg role="img">`` with a title and a
one-sentence description, a legend, and the same figures as a table in a
``<details>`` for screen readers and anyone who would rather read numbers.
Colours come from classes (``nr-series-1``...) in the stylesheets, which
give each a light and a dark value; text is ``currentColor``. No ``style``
attribute anywhere: the public site's CSP allows none.
"""

from dataclasses import dataclass, field
from html import escape

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

WIDTH = 640
HEIGHT = 180
TOP, BOTTOM, LEFT, RIGHT = 14, 22, 36, 6


@dataclass
class Series:
    key: str
    label: str


@dataclass
class Chart:
    """Counts per column: ``values[series key][column index]``."""

    id: str
    title: str
    description: str
    columns: list[str]
    series: list[Series]
    values: dict[str, list[int]] = field(default_factory=dict)
    stacked: bool = True
    # Label every n-th column on the axis (all of them are in the table).
    label_every: int = 1

    def total(self, index: int) -> int:
        return sum(self.values[s.key][index] for s in self.series)

    @property
    def highest(self) -> int:
        if not self.columns:
            return 0
        if self.stacked:
            return max(self.total(i) for i in range(len(self.columns)))
        return max(max(self.values[s.key], default=0) for s in self.series)


def _n(number: float) -> str:
    return f"{number:.1f}"


def _nice_ceiling(value: int) -> int:
    """The axis maximum: 1, 2 or 5 times a power of ten, at least ``value``."""
    if value <= 0:
        return 1
    step = 1
    while True:
        for factor in (1, 2, 5):
            if step * factor >= value:
                return step * factor
        step *= 10


def svg(chart: Chart) -> SafeString:
    """The chart as an inline SVG image with its title and description."""
    top = _nice_ceiling(chart.highest)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    count = max(len(chart.columns), 1)
    slot = plot_w / count
    bar = slot * 0.7
    parts = [
        format_html(
            '<line class="nr-chart-axis" x1="{}" y1="{}" x2="{}" y2="{}"/>'
            '<text x="{}" y="{}" text-anchor="end">{}</text>'
            '<text x="{}" y="{}" text-anchor="end">0</text>',
            LEFT,
            TOP + plot_h,
            WIDTH - RIGHT,
            TOP + plot_h,
            LEFT - 4,
            TOP + 4,
            f"{top:,}",
            LEFT - 4,
            TOP + plot_h,
        ),
        format_html(
            '<line class="nr-chart-grid" x1="{}" y1="{}" x2="{}" y2="{}"/>',
            LEFT,
            TOP,
            WIDTH - RIGHT,
            TOP,
        ),
    ]
    for index, column in enumerate(chart.columns):
        x = LEFT + index * slot + (slot - bar) / 2
        base = TOP + plot_h
        width = bar if chart.stacked else bar / len(chart.series)
        for number, series in enumerate(chart.series, 1):
            value = chart.values[series.key][index]
            height = plot_h * value / top
            left = x if chart.stacked else x + (number - 1) * width
            y = base - height if chart.stacked else TOP + plot_h - height
            if value:
                # One element per bar and label, written directly: through
                # format_html a 24-month chart cost about 0.3 ms a page.
                parts.append(
                    f'<rect class="nr-series-{number}" x="{_n(left)}" y="{_n(y)}"'
                    f' width="{_n(max(width - 0.5, 0.5))}" height="{_n(height)}">'
                    f"<title>{escape(str(column))}: {escape(str(series.label))} {value}"
                    "</title></rect>"
                )
            if chart.stacked:
                base -= height
        if index % chart.label_every == 0:
            parts.append(
                f'<text x="{_n(LEFT + index * slot + slot / 2)}" y="{HEIGHT - 6}"'
                f' text-anchor="middle">{escape(str(column))}</text>'
            )
    return format_html(
        '<svg class="nr-chart-svg" viewBox="0 0 {} {}" role="img" '
        'aria-labelledby="{}-title {}-desc" xmlns="http://www.w3.org/2000/svg" '
        'fill="currentColor" font-size="11"><title id="{}-title">{}</title>'
        '<desc id="{}-desc">{}</desc>{}</svg>',
        WIDTH,
        HEIGHT,
        chart.id,
        chart.id,
        chart.id,
        chart.title,
        chart.id,
        chart.description,
        mark_safe("".join(parts)),  # noqa: S308 - every part escaped above
    )


def legend(chart: Chart) -> SafeString:
    return format_html(
        '<ul class="nr-chart-legend" aria-hidden="true">{}</ul>',
        format_html_join(
            "",
            '<li><span class="nr-swatch nr-series-{}"></span>{}</li>',
            ((n, s.label) for n, s in enumerate(chart.series, 1)),
        ),
    )


def table(chart: Chart, *, column_heading: str) -> SafeString:
    """The chart's figures as a table (rows are the columns of the chart)."""
    head = format_html_join(
        "", '<th scope="col">{}</th>', ((s.label,) for s in chart.series)
    )
    rows = mark_safe(  # noqa: S308 - the headings escaped, the cells numbers
        "".join(
            f'<tr><th scope="row">{escape(str(column))}</th>'
            + "".join(f"<td>{chart.values[s.key][i]:,}</td>" for s in chart.series)
            + "</tr>"
            for i, column in enumerate(chart.columns)
        )
    )
    return format_html(
        '<details class="nr-chart-data"><summary>{}</summary><table>'
        '<caption>{}</caption><thead><tr><th scope="col">{}</th>{}</tr></thead>'
        "<tbody>{}</tbody></table></details>",
        _("The figures as a table"),
        chart.title,
        column_heading,
        head,
        rows,
    )


def figure(chart: Chart, *, column_heading: str) -> SafeString:
    """Chart, legend and table, ready for a template."""
    return format_html(
        '<figure class="nr-chart" id="{}"><figcaption class="nr-chart-title">{}'
        "</figcaption>{}{}{}</figure>",
        chart.id,
        chart.title,
        svg(chart),
        legend(chart),
        table(chart, column_heading=column_heading),
    )


def progress_bar(
    *, id: str, title: str, parts: list[tuple[str, int]], total: int
) -> SafeString:
    """One horizontal bar split into parts (label, count) of ``total``."""
    x, rects = 0.0, []
    for number, (label, count) in enumerate(parts, 1):
        width = 100 * count / total if total else 0
        if width:
            rects.append(
                format_html(
                    '<rect class="nr-series-{}" x="{}" y="0" width="{}" '
                    'height="10"><title>{}: {}</title></rect>',
                    number,
                    _n(x),
                    _n(width),
                    label,
                    count,
                )
            )
        x += width
    description = "; ".join(f"{label} {count:,}" for label, count in parts)
    return format_html(
        '<figure class="nr-chart nr-progress" id="{}"><svg class="nr-chart-svg" '
        'viewBox="0 0 100 10" preserveAspectRatio="none" role="img" '
        'aria-labelledby="{}-title" xmlns="http://www.w3.org/2000/svg">'
        '<title id="{}-title">{}: {}</title><rect class="nr-chart-track" x="0" '
        'y="0" width="100" height="10"/>{}</svg><figcaption class="nr-chart-title">'
        "{}: {}</figcaption>{}</figure>",
        id,
        id,
        id,
        title,
        description,
        mark_safe("".join(rects)),  # noqa: S308 - each part built by format_html
        title,
        description,
        legend(Chart(id, title, "", [], [Series(label, label) for label, _c in parts])),
    )
