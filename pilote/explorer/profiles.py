"""What the contract, buyer and supplier pages show: the read layer's records and figures (pilote.contracts),
with the explorer's labels."""

from pilote.contracts import profiles, records
from pilote.explorer.labels import CONTRACT_FIELDS, display


def contract(index, uid: str) -> dict | None:
    """Everything known about one contract, with its fields labelled, or None when the uid is unknown."""
    record = records.contract(index, uid)
    if record is None:
        return None
    row = record["row"]
    fields = []
    for key, label in CONTRACT_FIELDS:
        raw = row.get(f"{key}_brut")
        fields.append(
            {"key": key, "label": label, "value": display(row.get(key)), "raw": raw if raw not in (None, "") else None}
        )
    return record | {"fields": fields}


def buyer(index, siret: str) -> dict | None:
    return profiles.buyer(index, siret)


def supplier(index, siret: str) -> dict | None:
    return profiles.supplier(index, siret)
