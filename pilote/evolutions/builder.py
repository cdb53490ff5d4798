"""The evolution clause builder: a review clause (R. 2194-1) written from structured fields, and the check that it
is "claire, précise et sans équivoque": every field filled, a measurable trigger, a cap."""

from decimal import Decimal

from pilote.evolutions.models import ChangeNature, Trigger


REQUIRED = {
    "title": "l'intitulé",
    "scope": "le champ d'application",
    "change_nature": "la nature des modifications",
    "trigger": "la condition de déclenchement",
    "proposer": "qui propose la modification",
    "decider": "qui la décide",
}
# Triggers measured by a number crossing a threshold (an index, a need indicator); an event or a jury request is
# measured by the document that records it, named in `measure`.
MEASURED = {Trigger.INDICE, Trigger.BESOIN}


def problems(fields: dict) -> dict[str, str]:
    """{field: French message} of what keeps the clause from being clear, precise and unequivocal."""
    out = {name: f"Indiquez {label}." for name, label in REQUIRED.items() if not str(fields.get(name) or "").strip()}
    if not str(fields.get("measure") or "").strip():
        out["measure"] = (
            "Un déclenchement sans mesure n'est pas sans équivoque : indiquez ce qui est mesuré ou constaté."
        )
    if fields.get("trigger") in MEASURED and fields.get("threshold") is None:
        out["threshold"] = "Un indice ou un indicateur de besoin déclenche la clause à partir d'un seuil chiffré."
    cap = fields.get("cap_share")
    if cap is None:
        out["cap_share"] = "Une clause de réexamen fixe un plafond (en % du montant initial)."
    elif not Decimal(0) < Decimal(cap) <= Decimal(100):
        out["cap_share"] = "Le plafond est un pourcentage du montant initial compris entre 0 et 100."
    return out


def text(fields: dict) -> str:
    """The clause as it is written in the contract documents."""
    nature = ChangeNature(fields["change_nature"]).label.lower()
    trigger = Trigger(fields["trigger"]).label.lower()
    threshold = f" lorsque la mesure atteint {fields['threshold']:n}" if fields.get("threshold") is not None else ""
    jury = " après avis du jury citoyen" if fields.get("jury_opinion") else ""
    return (
        f"Clause de réexamen (article R. 2194-1 du code de la commande publique). "
        f"Champ d'application : {fields['scope'].strip()}. "
        f"Nature des modifications : {nature}. "
        f"Déclenchement : {trigger} — {fields['measure'].strip()}{threshold}. "
        f"Plafond : les modifications au titre de la présente clause n'excèdent pas {Decimal(fields['cap_share']):n} % "
        f"du montant initial du marché. "
        f"La modification est proposée par {fields['proposer'].strip()} et décidée par {fields['decider'].strip()}"
        f"{jury}."
    )
