"""Number formatting of the census pages (French: narrow no-break space between thousands)."""

from django import template

from pilote.ui import formats


register = template.Library()


@register.filter
def euros(value, decimals=0):
    """180000 -> « 180 000 € »; empty value -> « — »."""
    return formats.euros(value, int(decimals), exact=True)  # one set of rules for every page
