"""Numbers read from a query string, bounded where they are parsed: a page number or an id written by hand
(`?page=99999999999999999999`, `?segment=9999…`) must not reach a database, whose integers stop at 2^63 - 1
(SQLite raises OverflowError, DuckDB a conversion error: a 500). An absurd value answers 400 (Django's
BadRequest, shown by the French error page); a missing or non-numeric one is simply absent."""

from django.core.exceptions import BadRequest


MAX_PAGE = 100_000  # the explorer's form and API use the same bound
MAX_ID = 2**63 - 1  # a database id (BigAutoField)


def _bounded(params, key: str, maximum: int) -> int | None:
    raw = (params.get(key) or "").strip()
    if not raw.isdigit() or not raw.isascii():
        return None
    if len(raw) > len(str(maximum)) or int(raw) > maximum:
        raise BadRequest(f"Paramètre « {key} » invalide : {raw[:30]}")
    return int(raw)


def page_number(params, key: str = "page") -> int:
    """The page asked for (1 when absent, non-numeric or zero); BadRequest beyond MAX_PAGE."""
    return max(1, _bounded(params, key, MAX_PAGE) or 1)


def object_id(params, key: str) -> int | None:
    """An id from the query string (None when absent or non-numeric); BadRequest beyond a database id."""
    return _bounded(params, key, MAX_ID)
