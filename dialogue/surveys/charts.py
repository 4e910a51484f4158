"""Small bar charts drawn on the server as SVG: no script, they print, and a table carries the same data.

Each chart is an image with a title (role="img", aria-labelledby), and every bar is labelled with its
count and percentage in text, so nothing depends on colour or on seeing the bar's length.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from dialogue.surveys.results import Row

WIDTH = 620
LABEL_WIDTH = 260
BAR_WIDTH = 250
ROW_HEIGHT = 26
BAR_HEIGHT = 18
TOP = 8
LABEL_CHARS = 34


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[:LABEL_CHARS - 1].rstrip() + "…"


def bar_chart(chart_id: str, title: str, rows: list[Row]) -> Markup:
    """Horizontal bars, one per row, scaled to the largest count."""
    height = TOP * 2 + ROW_HEIGHT * len(rows)
    largest = max((row.count for row in rows), default=0) or 1
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" aria-labelledby="{chart_id}-title" '
        f'viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" id="{chart_id}">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
    ]
    for index, row in enumerate(rows):
        y = TOP + index * ROW_HEIGHT
        length = round(BAR_WIDTH * row.count / largest)
        text_y = y + BAR_HEIGHT - 4
        parts.append(f'<text class="chart-label" x="{LABEL_WIDTH - 8}" y="{text_y}" text-anchor="end">'
                     f'{escape(_short(row.label))}</text>')
        parts.append(f'<rect class="chart-track" x="{LABEL_WIDTH}" y="{y}" width="{BAR_WIDTH}" '
                     f'height="{BAR_HEIGHT}" fill="#f3f2f1"/>')
        if length:
            parts.append(f'<rect class="chart-bar" x="{LABEL_WIDTH}" y="{y}" width="{length}" '
                         f'height="{BAR_HEIGHT}" fill="#1d4f91"/>')
        parts.append(f'<text class="chart-value" x="{LABEL_WIDTH + BAR_WIDTH + 8}" y="{text_y}">'
                     f'{row.count} ({row.percent}%)</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
