"""Text repair rules for free text (objet, names): reversible mojibake (UTF-8 read as Latin-1/cp1252, e.g.
`rÃ©novation`) repaired with ftfy, irreversible U+FFFD replacement characters flagged, HTML entities and
`<br />` tags repaired, control characters removed (C1 controls that are cp1252 characters mis-decoded restored).

Speed: ftfy and html.unescape are Python per value, so they only run on the distinct values matching a suspect
regex (a few thousand at national scale); the repairs come back as a `replace` mapping, everything else is
vectorised.
"""

import html

import ftfy
import polars as pl

from pilote.decp.cleaning.base import Cleaned, Stages, blank_to_null


# Two-character sequences produced by UTF-8 bytes decoded as Latin-1 / cp1252: "Ã©" (é), "Ã\x89"/"Ã‰" (É),
# "â€™" (’), "Â°" (°), "Å“" (œ).
MOJIBAKE_SUSPECT = r"[ÃÂ][\u0080-\u00bf€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ]|â€|Å[\u0080-\u00bf“’]"
HTML_SUSPECT = r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});"
BR_TAG = r"(?i)\s*<br\s*/?>\s*"
REPLACEMENT_CHAR = "\ufffd"
# C0 controls except tab/newline/carriage return, DEL: invalid in XML, invisible, removed.
CONTROL = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"
# C1 controls are cp1252 characters decoded as Latin-1 (\x92 -> ’, \x9c -> œ): restored, undefined ones removed.
_C1_FROM = [chr(c) for c in range(0x80, 0xA0)]
_C1_TO = [bytes([c]).decode("cp1252", "ignore") for c in range(0x80, 0xA0)]


def repair_mojibake(s: str) -> str:
    """Undo UTF-8-read-as-Latin-1 (ftfy.fix_encoding only: quotes and other characters are left alone)."""
    return ftfy.fix_encoding(s)


def repair_html(s: str) -> str:
    return html.unescape(s)


_ANY_SUSPECT = "|".join(
    f"(?:{p})" for p in (MOJIBAKE_SUSPECT, HTML_SUSPECT, r"(?i)<br", CONTROL, r"[\u0080-\u009f]", REPLACEMENT_CHAR)
)
_RESULT = pl.Struct({"value": pl.String, "moji": pl.Boolean, "html": pl.Boolean, "control": pl.Boolean})


def _python_map(values: pl.Series, pattern: str, fn) -> pl.Series:
    """Apply fn to the distinct values matching pattern only (Python on the few suspects)."""
    mapping = {}
    for s in values.filter(values.str.contains(pattern).fill_null(False)).unique().to_list():
        fixed = fn(s)
        if fixed != s:
            mapping[s] = fixed
    return values.replace(mapping) if mapping else values


def repair_text_series(values: pl.Series) -> pl.Series:
    """Repair a Series of texts; returns a struct (value, moji, html, control) telling which repair applied.

    Only the rows matching one combined suspect regex go through the repairs (most texts are clean)."""
    values = values.cast(pl.String)
    n = values.len()
    suspect = values.str.contains(_ANY_SUSPECT).fill_null(False)
    idx = suspect.arg_true()
    sub = values.gather(idx)
    v1 = _python_map(sub, MOJIBAKE_SUSPECT, repair_mojibake)
    v2 = _python_map(v1, HTML_SUSPECT, repair_html)
    v3 = v2.str.replace_all(BR_TAG, " ").str.strip_chars(" ")
    v4 = v3.str.replace_all(CONTROL, "").str.replace_many(_C1_FROM, _C1_TO)

    def spread(name: str, base: pl.Series, sub_values: pl.Series) -> pl.Series:
        # Series.scatter works in place: always on a fresh copy
        out = base.clone().rename(name)
        return out.scatter(idx, sub_values) if len(idx) else out

    false = pl.Series([False] * n, dtype=pl.Boolean)
    return pl.DataFrame(
        [
            spread("value", values, v4),
            spread("moji", false, v1.ne_missing(sub)),
            spread("html", false, v2.ne_missing(v1) | v2.str.contains(BR_TAG)),
            spread("control", false, v3.str.contains(CONTROL) | v3.str.contains(r"[\u0080-\u009f]")),
        ]
    ).to_struct()


def clean_text(raw: pl.Expr) -> Cleaned:
    """Repair a free-text column (run it in a deduplicated group: the repairs then see distinct values)."""
    st = Stages(raw)
    (s,) = st.add(s=blank_to_null(raw))
    (r,) = st.add(r=s.map_batches(repair_text_series, return_dtype=_RESULT))
    # a text made only of control characters or tags is empty once repaired: absent
    (v,) = st.add(v=pl.when(r.struct.field("value").str.len_bytes() > 0).then(r.struct.field("value")))
    return st.done(
        v,
        v.ne_missing(s),
        [
            ("texte_mojibake", r.struct.field("moji")),
            ("texte_caracteres_perdus", v.str.contains(REPLACEMENT_CHAR, literal=True)),
            ("texte_html", r.struct.field("html")),
            ("texte_controle", r.struct.field("control")),
        ],
    )
