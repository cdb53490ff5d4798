"""DECP readers: format detection on content and the per-format readers (JSON, XML, tabular).

`detect_format(path)` looks at the first bytes of a plain (already decompressed) file and answers one of
FORMATS, or raises ImportFailed with a French message when the file is empty or not DECP.
"""

from pilote.decp.errors import ImportFailed


FORMATS = ("decp-2022-json", "decp-2019-json", "decp-2022-xml", "tabulaire-csv", "tabulaire-parquet")
FORMAT_ALIASES = {
    "json": "decp-2022-json",
    "2022": "decp-2022-json",
    "2019": "decp-2019-json",
    "xml": "decp-2022-xml",
    "csv": "tabulaire-csv",
    "parquet": "tabulaire-parquet",
}
_TABULAR_HINTS = (b"uid", b"acheteur_id", b"codeCPV", b"titulaire_id", b"montant")


def normalize_format(value):
    if value is None:
        return None
    value = FORMAT_ALIASES.get(value, value)
    if value not in FORMATS:
        raise ImportFailed(f"format « {value} » inconnu ; formats possibles : {', '.join(FORMATS)}")
    return value


def detect_format(path, name):
    with open(path, "rb") as fh:
        head = fh.read(65536)
    if not head.strip():
        raise ImportFailed("fichier vide", fichier=name)
    if head.startswith(b"PAR1"):
        return "tabulaire-parquet"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text.startswith(b"<"):
        return "decp-2022-xml"
    if text.startswith(b"{"):
        marches = text.find(b'"marches"')
        if marches < 0 and b'"id"' in text and (b'"acheteur' in text or b'"autoriteConcedante"' in text):
            return "decp-2019-json" if b'"_type"' in text or b'"nom"' in text else "decp-2022-json"
        if marches < 0:
            raise ImportFailed("ce fichier JSON n'est pas au format DECP (clé « marches » absente)", fichier=name)
        after = text[marches + len(b'"marches"') :].lstrip(b" \t\r\n:")
        return "decp-2019-json" if after.startswith(b"[") else "decp-2022-json"
    first_line = text.split(b"\n", 1)[0]
    if sum(hint in first_line for hint in _TABULAR_HINTS) >= 2:
        return "tabulaire-csv"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:
            raise ImportFailed(
                "format non reconnu et encodage invalide (UTF-8 attendu)", fichier=name, where=f"octet {exc.start}"
            ) from exc
    raise ImportFailed(
        "format non reconnu : ni JSON DECP, ni XML DECP, ni fichier tabulaire DECP (CSV/Parquet)", fichier=name
    )
