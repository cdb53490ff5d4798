"""Number formatting of the census pages (French: narrow no-break space between thousands)."""

from django import template


register = template.Library()


@register.filter
def euros(value, decimals=0):
    """180000 -> « 180 000 € »; empty value -> « — »."""
    if value is None or value == "":
        return "—"
    text = f"{float(value):,.{int(decimals)}f}".replace(",", "\u202f").replace(".", ",")
    return f"{text}\u00a0€"
