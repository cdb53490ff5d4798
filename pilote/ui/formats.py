"""French number formatting, in one place: every template reaches it through the ui filters (`fr_nombre`,
`fr_euros`, `fr_compte`). Thousands are grouped with a narrow no-break space (« 18 364 »), decimals take a comma,
large amounts take a unit (« 4,4 Md€ » rather than « 4 437,0 M€ »), and a count agrees with its noun the French way: 0 and 1
are singular (« 0 fiche », « 1 fiche », « 2 fiches »)."""

from decimal import Decimal, InvalidOperation


NNBSP = "\u202f"  # espace fine insécable: thousands and before units (%, €)
EMPTY = "—"


def _number(value) -> float | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        return float(Decimal(str(value)))
    except (InvalidOperation, ValueError):
        return None


def nombre(value, decimals: int = 0) -> str:
    """12345.6 → « 12 346 »; nombre(0.5, 1) → « 0,5 »; None or not a number → « — »."""
    number = _number(value)
    if number is None:
        return EMPTY
    text = f"{number:,.{int(decimals)}f}".replace(",", NNBSP).replace(".", ",")
    return text if text.strip("-0,\u202f") else text.lstrip("-")  # no « -0 »


def euros(value, decimals: int = 0, *, exact: bool = False) -> str:
    """An amount: « 18 364 € » below a million, « 4,4 M€ » (one decimal) from a million, « 1,2 Md€ » from a
    billion: the same unit rules on every page. `exact` keeps every euro (one contract's amount, a need)."""
    number = _number(value)
    if number is None:
        return EMPTY
    if exact:
        return f"{nombre(number, decimals)}{NNBSP}€"
    if abs(number) >= 1_000_000_000:
        return f"{nombre(number / 1_000_000_000, 1)}{NNBSP}Md€"
    if abs(number) >= 1_000_000:
        return f"{nombre(number / 1_000_000, 1)}{NNBSP}M€"
    return f"{nombre(number, decimals)}{NNBSP}€"


def pourcent(value, decimals: int = 1) -> str:
    """A share between 0 and 1: 0.123 → « 12,3 % »."""
    number = _number(value)
    return EMPTY if number is None else f"{nombre(100 * number, decimals)}{NNBSP}%"


def compte(count, nouns: str) -> str:
    """« 0 fiche », « 1 fiche », « 2 fiches »: `nouns` is « singulier » (plural adds an s, to each word) or
    « singulier,pluriel » for an irregular plural (« besoin urgent » → « besoins urgents » works by itself)."""
    number = int(_number(count) or 0)
    singular, _, plural = nouns.partition(",")
    if not plural:
        plural = " ".join(word if word.endswith(("s", "x")) else f"{word}s" for word in singular.split(" "))
    return f"{nombre(number)} {singular if abs(number) < 2 else plural}"
