"""Small charts drawn on the server as inline SVG: geometry here, markup in
``templates/includes/charts/``. Every chart sits next to the same figures in text,
and carries a text label, so nothing is told by colour alone."""

import datetime

from django import template

from ..models import Status
from .tracker import with_as_of

register = template.Library()

BAR_WIDTH = 420
ROW_HEIGHT = 26
LABEL_WIDTH = 190


@register.simple_tag(takes_context=True)
def status_bars_for(context, body_cards):
    """Rows for ``status_bars`` from (body, scorecard) pairs, linked on the date."""
    as_of = context.get("as_of_param", "")
    return [
        (body.label, with_as_of(body.get_absolute_url(), as_of), card)
        for body, card in body_cards
    ]


@register.inclusion_tag("includes/charts/status_bars.html")
def status_bars(rows, caption=""):
    """Stacked bars of commitments by status, one per (label, url, scorecard) row."""
    rows = list(rows)
    biggest = max((card.total for _, _, card in rows), default=0) or 1
    bars = []
    for index, (label, url, card) in enumerate(rows):
        x, segments = LABEL_WIDTH, []
        for status, count in card.statuses():
            if not count:
                continue
            width = count / biggest * BAR_WIDTH
            segments.append(
                {
                    "x": round(x, 2),
                    "width": round(width, 2),
                    "status": status,
                    "count": count,
                }
            )
            x += width
        bars.append(
            {
                "y": index * ROW_HEIGHT,
                "label": label,
                "url": url,
                "card": card,
                "segments": segments,
                "end": round(x + 6, 2),
            }
        )
    return {
        "bars": bars,
        "caption": caption,
        "width": LABEL_WIDTH + BAR_WIDTH + 60,
        "height": max(len(bars), 1) * ROW_HEIGHT,
        "statuses": list(Status),
        "label_x": LABEL_WIDTH,
    }


def _year_ticks(start: datetime.date, end: datetime.date):
    return [datetime.date(y, 1, 1) for y in range(start.year + 1, end.year + 1)]


@register.inclusion_tag("includes/charts/deadline_timeline.html")
def deadline_timeline(commitment, deadline, assessments, as_of):
    """A time line: the declaration, the due window (and earlier windows), each
    overall assessment, and the as-of date."""
    width, left, right = 640, 10, 10
    dates = [commitment.declaration.date, as_of]
    windows = []
    if deadline is not None and deadline.has_window:
        windows.append(
            {
                "first": deadline.earliest,
                "last": deadline.latest,
                "label": deadline.window_display,
                "current": True,
            }
        )
        for revision in deadline.revisions.all():
            if revision.old_earliest and revision.old_latest:
                windows.append(
                    {
                        "first": revision.old_earliest,
                        "last": revision.old_latest,
                        "label": revision.old_window_display,
                        "current": False,
                    }
                )
    for window in windows:
        dates += [window["first"], window["last"]]
    points = [a for a in assessments if a.member_state_id is None]
    dates += [a.as_of for a in points]
    start = min(dates) - datetime.timedelta(days=15)
    end = max(dates) + datetime.timedelta(days=15)
    span = (end - start).days or 1

    def x(day):
        return round(left + (day - start).days / span * (width - left - right), 2)

    for row, window in enumerate(windows):
        window.update(
            x=x(window["first"]),
            width=max(
                x(window["last"] + datetime.timedelta(days=1)) - x(window["first"]), 2
            ),
            y=20 + row * 18,
        )
    marks = [
        {
            "x": x(a.as_of),
            "status": a.status,
            "label": a.get_status_display(),
            "date": a.as_of,
        }
        for a in reversed(points)
    ]
    return {
        "width": width,
        "height": 60 + len(windows) * 18 + 20,
        "axis_y": 40 + len(windows) * 18,
        "windows": windows,
        "marks": marks,
        "declared": {
            "x": x(commitment.declaration.date),
            "date": commitment.declaration.date,
        },
        "as_of": {"x": x(as_of), "date": as_of},
        "ticks": [{"x": x(t), "year": t.year} for t in _year_ticks(start, end)],
    }
