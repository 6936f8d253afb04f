"""Formatting of indicator values and the server-rendered SVG trend charts (no JavaScript, no CDN)."""

from decimal import Decimal

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from ..warnings import warning_shown

register = template.Library()


@register.filter
def warning_text(text: str) -> str:
    """A stored warning in the reader's language."""
    return warning_shown(text)


@register.filter
def fmt(value, unit: str = "") -> str:
    """Norwegian number format: 1 234,5 and a unit."""
    if value is None or value == "":
        return "–"
    number = Decimal(value)
    if number == number.to_integral_value() or abs(number) >= 100:
        digits = 0
    else:  # small shares (a KBS share of 0,25 %) keep their second decimal
        digits = 2 if abs(number) < 1 else 1
    text = f"{number:,.{digits}f}".replace(",", " ").replace(".", ",")
    if unit == "%":
        return f"{text} %"
    return text


@register.filter
def signed(value) -> str:
    if value is None:
        return ""
    return ("+" if value > 0 else "") + fmt(value)


MONTHS_NB = ["jan", "feb", "mar", "apr", "mai", "jun", "jul", "aug", "sep", "okt", "nov", "des"]


def _month_label(period) -> str:
    start = getattr(period, "start", None)
    if start is None:
        return str(period)
    if getattr(period, "kind", "month") == "year":
        return str(start.year)
    return f"{MONTHS_NB[start.month - 1]} {start:%y}"


@register.simple_tag
def sparkline(trend, width: int = 260, height: int = 64, target=None, unit: str = ""):
    """An inline SVG trend of ``trend`` ([(period, value|None), …]): the line (broken where a month
    has no value), the lowest and highest value on the left, the first and last month below, the
    target as a dashed line, and the latest value as a dot. Styled by CSS classes (light/dark)."""
    points = [(i, float(v)) for i, (_p, v) in enumerate(trend) if v is not None]
    if not points:
        return format_html('<span class="quiet">{}</span>', "ingen data")
    values = [v for _i, v in points]
    scale = values + ([float(target)] if target is not None else [])
    low, high = min(scale), max(scale)
    left, right, top, bottom = 40, width - 8, 6, height - 16
    step = (right - left) / max(len(trend) - 1, 1)

    def x(i: int) -> float:
        return round(left + i * step, 1)

    def y(v: float) -> float:
        if high == low:
            return round((top + bottom) / 2, 1)
        return round(bottom - (v - low) / (high - low) * (bottom - top), 1)

    summary = "Utvikling siste {n} måneder: lavest {lo}, høyest {hi}, sist {last}{target}".format(
        n=len(trend),
        lo=fmt(min(values), unit),
        hi=fmt(max(values), unit),
        last=fmt(values[-1], unit),
        target=f", mål {fmt(target, unit)}" if target is not None else "",
    )
    parts = [
        f'<svg class="sparkline" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(summary)}">',
        f"<title>{escape(summary)}</title>",
        f'<rect class="spark-bg" x="{left}" y="{top - 2}" width="{right - left}" '
        f'height="{bottom - top + 4}" rx="2"/>',
        *(
            [f'<text x="{left - 4}" y="{y(low) + 3}" text-anchor="end">{escape(fmt(low))}</text>']
            if high == low
            else [
                f'<text x="{left - 4}" y="{top + 7}" text-anchor="end">{escape(fmt(high))}</text>',
                f'<text x="{left - 4}" y="{bottom + 2}" text-anchor="end">{escape(fmt(low))}</text>',
            ]
        ),
        f'<text x="{left}" y="{height - 2}">{escape(_month_label(trend[0][0]))}</text>',
        f'<text x="{right}" y="{height - 2}" text-anchor="end">'
        f"{escape(_month_label(trend[-1][0]))}</text>",
    ]
    if target is not None:
        ty = y(float(target))
        parts.append(f'<line class="spark-target" x1="{left}" x2="{right}" y1="{ty}" y2="{ty}"/>')
    runs: list[list[tuple[int, float]]] = []
    for i, v in points:
        if runs and runs[-1][-1][0] == i - 1:
            runs[-1].append((i, v))
        else:
            runs.append([(i, v)])
    for run in runs:
        if len(run) == 1:
            i, v = run[0]
            parts.append(f'<circle class="spark-point" cx="{x(i)}" cy="{y(v)}" r="1.8"/>')
        else:
            path = " ".join(f"{x(i)},{y(v)}" for i, v in run)
            parts.append(f'<polyline class="spark-line" points="{path}"/>')
    last_i, last_v = points[-1]
    parts.append(f'<circle class="spark-last" cx="{x(last_i)}" cy="{y(last_v)}" r="3"/>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - numbers and escaped labels only
