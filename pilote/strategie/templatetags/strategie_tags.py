"""Template filters of the strategy pages."""

from django import template


register = template.Library()


@register.filter
def euros(value) -> str:
    """50000 → "50 000 €" (amounts of instruments, envelopes and costs are whole euros)."""
    if value is None or value == "":
        return "—"
    return f"{round(float(value)):,} €".replace(",", " ")
