"""Number and boolean rules: amounts (parsed from strings like `"137 614,00"`, never changed, flagged when
absurd), integers with `NC` placeholders, booleans written as `oui`/`non`/`1`/`0`, rates given in percent.
"""

import polars as pl

from pilote.decp.cleaning.base import Cleaned, Stages, blank_to_null
from pilote.decp.cleaning.enums import NC_VALUES


MONTANT_EXCESSIF = 1e10  # no French public contract reaches 10 bn€; above is a unit or typing error
MONTANT_FAIBLE = 1000.0  # DECP covers contracts from 25 k€ (40 k€ since 2024): below 1 000 € is a unit error

BOOL_TRUE = ("true", "True", "TRUE")
BOOL_FALSE = ("false", "False", "FALSE")
BOOL_TEXT_TRUE = ("oui", "Oui", "OUI", "1", "o", "O", "vrai", "Vrai", "yes", "Yes")
BOOL_TEXT_FALSE = ("non", "Non", "NON", "0", "n", "N", "faux", "Faux", "no", "No")


def _number_stages(st: Stages, raw: pl.Expr) -> tuple[pl.Expr, pl.Expr, pl.Expr, pl.Expr, pl.Expr]:
    """(s, value as Float64, written as text (French/spaced form), unreadable, is NC) for a numeric string."""
    (s,) = st.add(s=blank_to_null(raw).str.strip_chars())
    (direct,) = st.add(direct=s.cast(pl.Float64, strict=False))
    compact = s.str.replace_all(r"[\s\u00a0\u202f€]", "")
    # "1.234.567,89": dots are thousands separators when a comma is the decimal mark.
    french = (
        pl.when(compact.str.contains(",", literal=True))
        .then(compact.str.replace_all(".", "", literal=True).str.replace(",", ".", literal=True))
        .otherwise(compact)
    )
    # the French form is only tried where the plain cast failed (rare): when/then evaluates both branches, so
    # the string work is skipped entirely when every value is a plain number
    needs_text = s.is_not_null() & direct.is_null()
    (value, is_nc) = st.add(
        value=pl.when(needs_text).then(french.cast(pl.Float64, strict=False)).otherwise(direct),
        is_nc=s.is_in(NC_VALUES),
    )
    # "nan"/"inf" are accepted by the float cast but are not amounts
    (value,) = st.add(value=pl.when(value.is_finite()).then(value))
    is_text = needs_text & value.is_not_null()
    unreadable = s.is_not_null() & value.is_null() & ~is_nc
    return s, value, is_text, unreadable, is_nc


def _digit_runs() -> list[float]:
    """Whole parts that are placeholders typed on the keyboard: runs of consecutive digits of 6 digits or more
    (123 456, 234 567, 9 876 543…) and one digit repeated (111 111, 222 222…)."""
    runs = set()
    for seq in ("1234567890", "9876543210"):
        for start in range(len(seq)):
            for end in range(start + 6, len(seq) + 1):
                if seq[start] != "0":
                    runs.add(int(seq[start:end]))
    for digit in "123456789":
        for n in range(6, 12):
            runs.add(int(digit * n))
    return sorted(float(v) for v in runs)


DIGIT_RUNS = _digit_runs()


def sentinel_expr(value: pl.Expr) -> pl.Expr:
    """Placeholder amounts: a run of nines (999 999 999, 99 999 999 999.99), starting with 123456789, or a
    whole part that is a keyboard run (123 456.78, 9 876 543.21, 111 111.21: the AIFE test amounts).
    Numeric (no string conversion of 1.6 M amounts): floor(v) + 1 is a power of ten, or the 9 leading digits
    are 123456789, or floor(v) is in a short list."""
    whole = value.floor()
    ndigits = whole.log10().floor() + 1
    nines = (whole + 1) == pl.lit(10.0).pow(ndigits)
    lead = (whole / pl.lit(10.0).pow(ndigits - 9)).floor() == 123456789
    return ((value >= 1e6) & (nines | lead)) | ((value >= 1e5) & whole.is_in(DIGIT_RUNS))


def clean_montant(
    raw: pl.Expr, *, subvention: bool = False, seuil: bool = True, blank_unknowable: bool = False
) -> Cleaned:
    """Amount in euros HT: parsed, flagged when absurd (0/1 €, sentinels, > 10 bn€: cannot be the true amount;
    < 1 000 €: to review, may be true), never modified unless `blank_unknowable`.

    subvention: montantSubventionPublique may legitimately be 0, so only its parsing rules apply.
    seuil: False for sous-traitance acts, which may be small (the DECP threshold concerns contracts).
    blank_unknowable: modification amounts, which have no per-row exclusion on the read side: a value that cannot
    be the true amount (0/1 €, negative, sentinel, > 10 bn€) is set to null, the written value kept in `_brut`.
    """
    st = Stages(raw)
    _s, value, is_text, unreadable, is_nc = _number_stages(st, raw)
    flags = [("montant_texte", is_text), ("montant_illisible", unreadable), ("non_communique", is_nc)]
    changed = is_text | unreadable | is_nc
    if not subvention:
        symbolic, sentinel, excessive = value <= 1, sentinel_expr(value), value > MONTANT_EXCESSIF
        flags += [
            ("montant_symbolique", symbolic),
            ("montant_faible", (value > 1) & (value < MONTANT_FAIBLE) & pl.lit(seuil)),
            ("montant_sentinelle", sentinel),
            ("montant_excessif", excessive),
        ]
        if blank_unknowable:
            unknowable = (symbolic | sentinel | excessive).fill_null(False)
            value = pl.when(unknowable).then(None).otherwise(value)
            changed = changed | unknowable
    else:
        flags.append(("montant_negatif", value < 0))
    # the number is unchanged (except blanked, above), but a text form ("137 614,00") is kept in _brut
    return st.done(value, changed, flags)


def clean_entier(raw: pl.Expr, *, zero_code: str = "entier_hors_bornes", minimum: int = 1) -> Cleaned:
    """Integer field (dureeMois, offresRecues): "NC" -> null (`non_communique`), "12.0" accepted, values below
    `minimum` set to null and flagged with zero_code (0 offers, 0 months are impossible), unreadable flagged."""
    st = Stages(raw)
    s, value, is_text, unreadable, is_nc = _number_stages(st, raw)
    is_int = value.is_not_null() & (value == value.round(0)) & value.abs().lt(2**31)
    (as_int,) = st.add(as_int=pl.when(is_int).then(value).cast(pl.Int32, strict=False))
    too_low = as_int < minimum
    (final,) = st.add(final=pl.when(too_low).then(pl.lit(None, dtype=pl.Int32)).otherwise(as_int))
    return st.done(
        final,
        s.is_not_null() & (final.is_null() | is_text),
        [
            ("non_communique", is_nc),
            ("nombre_texte", is_text),
            ("entier_illisible", unreadable | (value.is_not_null() & as_int.is_null())),
            (zero_code, too_low),
        ],
    )


def clean_booleen(raw: pl.Expr) -> Cleaned:
    """Boolean written as text: "oui"/"non", "1"/"0", "Oui"… mapped (`booleen_texte`); "NC" -> null."""
    st = Stages(raw)
    (s,) = st.add(s=blank_to_null(raw).str.strip_chars())
    value, text, is_nc = st.add(
        value=pl.when(s.is_in(BOOL_TRUE + BOOL_TEXT_TRUE))
        .then(pl.lit(True))
        .when(s.is_in(BOOL_FALSE + BOOL_TEXT_FALSE))
        .then(pl.lit(False))
        .otherwise(pl.lit(None, dtype=pl.Boolean)),
        text=s.is_in(BOOL_TEXT_TRUE + BOOL_TEXT_FALSE),
        is_nc=s.is_in(NC_VALUES),
    )
    return st.done(
        value,
        text | (s.is_not_null() & value.is_null()),
        [
            ("booleen_texte", text),
            ("non_communique", is_nc),
            ("booleen_illisible", s.is_not_null() & value.is_null() & ~is_nc),
        ],
    )


def clean_taux(raw: pl.Expr, *, percent_code: str) -> Cleaned:
    """Share in [0, 1] (tauxAvance, origineUE, origineFrance). A value in ]1, 100] was given in percent
    (5.0 for 5 %) and is divided by 100 (`percent_code`); above 100 or negative -> null, flagged."""
    st = Stages(raw)
    _s, value, is_text, unreadable, is_nc = _number_stages(st, raw)
    percent, out_of_range = st.add(percent=(value > 1) & (value <= 100), out_of_range=(value < 0) | (value > 100))
    (final,) = st.add(final=pl.when(percent).then(value / 100).when(out_of_range).then(None).otherwise(value))
    return st.done(
        final,
        percent | out_of_range | unreadable | is_nc | is_text,
        [
            (percent_code, percent),
            ("taux_hors_bornes", out_of_range),
            ("nombre_texte", is_text),
            ("non_communique", is_nc),
            ("nombre_illisible", unreadable),
        ],
    )
