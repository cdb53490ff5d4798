"""The DECP modification block of a signed modification, validated against the official schema (format of the
arrêté du 22 décembre 2022, schema 2.0.4 shipped in the shared data, copied next to this module)."""

import json
from functools import lru_cache
from pathlib import Path

from pilote.evolutions import rules
from pilote.evolutions.models import COUNTED


SCHEMA_PATH = Path(__file__).parent / "schemas" / "schema_decp_v2.0.4.json"


@lru_cache(maxsize=1)
def _validator():
    import jsonschema  # here: 46 ms of every process's start-up (apps' registrations import this module)

    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    # Validate one item of `modifications` with the schema's own definitions (the $ref stays resolvable).
    item = {"$ref": "#/definitions/marche/definitions/ModificationArray", "definitions": schema["definitions"]}
    return jsonschema.Draft7Validator(item)


def block(modification, published_on=None) -> dict:
    """The object to add to the contract's `modifications` list: the new total amount and duration."""
    register = modification.register
    before = [m for m in register.modifications.all() if m.status in COUNTED and m.rank <= modification.rank]
    content = {
        "id": modification.rank,
        "dateNotificationModification": modification.dated.isoformat(),
        "datePublicationDonneesModification": (
            published_on or modification.published_on or modification.dated
        ).isoformat(),
        "montant": float(rules.new_total(register, before)),
    }
    if modification.new_duration:
        content["dureeMois"] = modification.new_duration
    return {"modification": content}


def errors(data: dict) -> list[str]:
    """French messages of the schema violations (empty: the block validates)."""
    return [
        f"{'/'.join(str(p) for p in error.absolute_path) or 'bloc'} : {error.message}"
        for error in _validator().iter_errors(data)
    ]
