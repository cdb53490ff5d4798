"""The audit trail in French sentences: each detail of an event's payload becomes one line (« Rôle : Acheteur »,
« Nom : « Ville A » → « Ville B » »), never a Python dict or a code. Keys are labelled from one table (apps may
add theirs with `register_payload_labels` in their AppConfig.ready); an unknown key reads with spaces."""

import datetime as dt
import re

from pilote.core.enums import Role
from pilote.ui import formats


LABELS: dict[str, str] = {
    # core
    "name": "nom",
    "kind": "nature",
    "population": "population",
    "peer_group": "groupe de pairs",
    "is_public": "vue publique",
    "sirets": "SIRET",
    "role": "rôle",
    "avant": "avant",
    "apres": "après",
    # shared words of the apps' payloads
    "annee": "année",
    "date_limite": "date limite",
    "services": "services",
    "champs": "champs",
    "modifications": "modifications",
    "fichier": "fichier",
    "contrat_id": "identifiant du marché",
    "verification": "vérification",
    "jour": "jour",
    "fiches": "fiches",
    "fiche": "fiche",
    "evaluation": "évaluation",
    "clauses_retenues": "clauses retenues",
    "version": "version",
    "objet": "objet",
    "statut": "statut",
    "present": "présent",
    "reserviste": "réserviste",
    "indicateur": "indicateur",
    "cible": "cible",
    "import_run": "import",
    "source": "source",
    "envois": "envois",
    # clauses (field names of guides and clauses)
    "summary": "enjeux du segment",
    "questions": "questions",
    "legal_references": "références juridiques",
    "labels": "labels et référentiels",
    "pitfalls": "pièges à éviter",
    "sourcing_tips": "conseils de sourçage",
    "recommended_clauses": "clauses recommandées",
    "common_criteria": "critères communs",
    "title": "intitulé",
    "text": "texte",
    "legal_basis": "fondement juridique",
    "is_active": "active",
    "segments": "segments",
}
MAX_LINES = 12
MAX_TEXT = 160
_ROLES = {role.value: role.label for role in Role}
_DECIMAL = re.compile(r"-?\d+\.\d+")


def register_payload_labels(labels: dict[str, str]) -> None:
    """French labels of an app's payload keys (a key already labelled keeps its first label)."""
    for key, label in labels.items():
        LABELS.setdefault(key, label)


def label(key: str) -> str:
    text = LABELS.get(key) or key.replace("_", " ")
    return text[:1].upper() + text[1:]


def value_text(value) -> str:
    """One value in French: oui/non, dates dd/mm/yyyy, numbers with French separators, roles by their label."""
    if value is None or value == "" or value == []:
        return "vide"
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, int | float):
        return (
            formats.nombre(value, 0 if float(value).is_integer() else 2)
            if abs(value) >= 10_000
            else str(value).replace(".", ",")
        )
    if isinstance(value, list):
        return ", ".join(value_text(item) for item in value)
    if isinstance(value, dict):
        return " ; ".join(f"{label(k).lower()} : {value_text(v)}" for k, v in value.items())
    text = str(value)
    if text in _ROLES:
        return _ROLES[text]
    if _DECIMAL.fullmatch(text):
        return formats.nombre(text, len(text.split(".")[1]))
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        pass
    else:
        return f"{moment:%d/%m/%Y}" if len(text) == 10 else f"{moment:%d/%m/%Y à %H:%M}"
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"


# Keys whose value is a list of items (two SIRETs are not a change from one to the other).
LIST_KEYS = {
    "sirets",
    "fiches",
    "services",
    "clauses_retenues",
    "segments",
    "recommended_clauses",
    "common_criteria",
    "champs",
}


def _is_change(key: str, value) -> bool:
    """[before, after] of a field-level diff (services store changes so)."""
    if not isinstance(value, list) or len(value) != 2:
        return False
    return key not in LIST_KEYS or all(isinstance(v, list) for v in value)


def _lines(payload: dict) -> list[str]:
    lines = []
    for key, value in payload.items():
        if _is_change(key, value):
            lines.append(f"{label(key)} : « {value_text(value[0])} » → « {value_text(value[1])} »")
        elif isinstance(value, dict) and value:
            lines += [f"{label(key)} — {line[:1].lower()}{line[1:]}" for line in _lines(value)]
        else:
            lines.append(f"{label(key)} : {value_text(value)}")
    return lines


def describe_payload(payload) -> list[str]:
    """The details of an audit event as French lines, at most MAX_LINES (then how many more)."""
    if not payload:
        return []
    if not isinstance(payload, dict):
        return [value_text(payload)]
    lines = _lines(payload)
    if len(lines) > MAX_LINES:
        rest = len(lines) - MAX_LINES
        lines = [*lines[:MAX_LINES], f"… et {formats.compte(rest, 'autre détail,autres détails')}"]
    return lines
