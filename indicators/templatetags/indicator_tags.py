"""Formatting of indicator values and the server-rendered SVG trend charts (no JavaScript, no CDN)."""

from decimal import Decimal

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def fmt(value, unit: str = "") -> str:
    """Norwegian number format: 1 234,5 and a unit."""
    if value is None or value == "":
        return "–"
    number = Decimal(value)
    digits = 0 if number == number.to_integral_value() or abs(number) >= 100 else 1
    text = f"{number:,.{digits}f}".replace(",", " ").replace(".", ",")
    if unit == "%":
        return f"{text} %"
    return text


@register.filter
def signed(value) -> str:
    if value is None:
        return ""
    return ("+" if value > 0 else "") + fmt(value)


@register.simple_tag
def sparkline(trend, width: int = 220, height: int = 48, target=None):
    """An inline SVG line of the values in ``trend`` ([(period, value|None), …])."""
    points = [(i, v) for i, (_p, v) in enumerate(trend) if v is not None]
    if not points:
        return format_html('<span class="quiet">{}</span>', "ingen data")
    values = [v for _i, v in points] + ([float(target)] if target is not None else [])
    low, high = min(values), max(values)
    span = (high - low) or 1.0
    step = width / max(len(trend) - 1, 1)

    def y(v: float) -> float:
        return round(height - 4 - (v - low) / span * (height - 8), 1)

    path = " ".join(f"{round(i * step, 1)},{y(v)}" for i, v in points)
    parts = [
        f'<svg class="sparkline" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="Utvikling siste {len(trend)} måneder">'
    ]
    if target is not None:
        ty = y(float(target))
        parts.append(
            f'<line x1="0" x2="{width}" y1="{ty}" y2="{ty}" stroke="#c0392b" '
            f'stroke-dasharray="4 3" stroke-width="1"/>'
        )
    parts.append(f'<polyline fill="none" stroke="#1f4e79" stroke-width="2" points="{path}"/>')
    last_i, last_v = points[-1]
    parts.append(f'<circle cx="{round(last_i * step, 1)}" cy="{y(last_v)}" r="3" fill="#1f4e79"/>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - built only from numbers above
