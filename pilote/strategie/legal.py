"""The legal route of each kind of instrument, checked as it is entered: pure functions over dated data.

A strategy mixes purchases, subsidies, in-kind help, R&D and partnerships; each has its own legal route. The
amounts below are dated like pilote.reglementation.seuils (add a row, never edit a past one), and the contract
procedure by amount comes from seuils itself. `check_instrument` answers blocking errors (the kind contradicts
its route: nothing is saved) and notes (what the route implies: a procedure, a written agreement).
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import models

from pilote.reglementation import seuils


class InstrumentKind(models.TextChoices):
    MARCHE = "marche", "Marché public"
    ACHAT_INNOVANT = "achat_innovant", "Achat innovant sans publicité ni mise en concurrence"
    PARTENARIAT_INNOVATION = "partenariat_innovation", "Partenariat d'innovation"
    SUBVENTION = "subvention", "Subvention"
    NATURE = "nature", "Aide en nature"
    SPL = "spl", "Participation à une société publique locale"
    RD = "rd", "Contrat de recherche et développement"


class Nature(models.TextChoices):
    FOURNITURES = "fournitures", "Fournitures"
    SERVICES = "services", "Services"
    TRAVAUX = "travaux", "Travaux"


@dataclass(frozen=True)
class Threshold:
    code: str
    amount: Decimal
    valid_from: date
    valid_to: date | None
    source: str

    def applies_on(self, on: date) -> bool:
        return self.valid_from <= on and (self.valid_to is None or on <= self.valid_to)


# Dated amounts (HT) of the routes that pilote.reglementation does not hold. To be checked at each change of law.
THRESHOLDS: tuple[Threshold, ...] = (
    Threshold(
        "achat_innovant",
        Decimal(100_000),
        date(2018, 12, 25),
        date(2021, 12, 14),
        "Décret n° 2018-1225 (expérimentation, art. R. 2122-9-1 CCP)",
    ),
    Threshold(
        "achat_innovant",
        Decimal(100_000),
        date(2021, 12, 15),
        None,
        "Décret n° 2021-1634 (pérennisation, art. R. 2122-9-1 CCP), fournitures et services",
    ),
    Threshold(
        "convention_subvention",
        Decimal(23_000),
        date(2001, 6, 6),
        None,
        "Loi n° 2000-321, art. 10 ; décret n° 2001-495 (convention au-delà de 23 000 €)",
    ),
)


def threshold(code: str, on: date) -> Threshold:
    for entry in THRESHOLDS:
        if entry.code == code and entry.applies_on(on):
            return entry
    raise seuils.UnknownThreshold(f"Aucun seuil « {code} » en vigueur le {on:%d/%m/%Y}.")


@dataclass
class Check:
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _euros(amount: Decimal) -> str:
    return f"{amount:,.0f} €".replace(",", " ")


def contract_route(total: Decimal, nature: str, buyer_kind: str, on: date) -> str:
    """The procedure a public contract of this estimated total value (HT) follows on `on`."""
    dispense = seuils.procedure_threshold(nature, on)
    eu = seuils.eu_threshold(buyer_kind, nature, on)
    if total < dispense:
        return f"sans publicité ni mise en concurrence possible (sous {_euros(dispense)} HT, art. R. 2122-8)"
    if total < eu:
        return f"procédure adaptée (entre {_euros(dispense)} et {_euros(eu)} HT)"
    return f"procédure formalisée (à partir de {_euros(eu)} HT, seuil européen)"


def check_instrument(
    *,
    kind: str,
    total: Decimal,
    nature: str,
    buyer_kind: str,
    on: date,
    beneficiary_initiative: bool,
    ordered_by_organisation: bool,
) -> Check:
    """Errors when the kind contradicts its legal route, notes on what the route implies.

    `total`: estimated value over the instrument's whole period (HT), as the law counts it.
    `beneficiary_initiative`: the project comes from the beneficiary (a subsidy's condition).
    `ordered_by_organisation`: the organisation defines the service and orders it for its own needs (then it is a
    public contract, whatever it is called)."""
    check = Check()
    if total < 0:
        check.errors.append("Le montant ne peut pas être négatif.")
        return check
    if kind in (InstrumentKind.SUBVENTION, InstrumentKind.NATURE):
        _check_subsidy(check, kind, total, on, beneficiary_initiative, ordered_by_organisation)
    elif kind == InstrumentKind.ACHAT_INNOVANT:
        limit = threshold("achat_innovant", on)
        if nature == Nature.TRAVAUX:
            check.errors.append(
                "L'achat innovant sans publicité ni mise en concurrence (art. R. 2122-9-1) vaut pour les "
                "fournitures et services : choisissez un marché public ou un partenariat d'innovation."
            )
        elif total >= limit.amount:
            check.errors.append(
                f"Un achat innovant sans publicité ni mise en concurrence doit rester sous {_euros(limit.amount)} HT "
                f"(art. R. 2122-9-1) ; celui-ci vaut {_euros(total)} HT : passez par un marché public ou un "
                "partenariat d'innovation."
            )
        else:
            check.notes.append(f"Sous le seuil de {_euros(limit.amount)} HT ({limit.source}) ; publier les données.")
    elif kind == InstrumentKind.MARCHE:
        check.notes.append("Marché public : " + contract_route(total, nature, buyer_kind, on) + ".")
    elif kind == InstrumentKind.PARTENARIAT_INNOVATION:
        check.notes.append(
            "Partenariat d'innovation : procédure propre (art. L. 2172-3 et R. 2172-20 et suivants), "
            "phases de recherche puis d'acquisition."
        )
    elif kind == InstrumentKind.SPL:
        check.notes.append(
            "Participation à une SPL : l'organisation doit en être actionnaire et y exercer un contrôle analogue "
            "à celui de ses services (quasi-régie, art. L. 2511-1) pour lui confier des prestations sans mise en "
            "concurrence."
        )
    elif kind == InstrumentKind.RD:
        if ordered_by_organisation:
            check.notes.append(
                "Les résultats sont réservés à l'organisation et payés par elle : c'est un marché public, "
                + contract_route(total, nature, buyer_kind, on)
                + "."
            )
        else:
            check.notes.append(
                "Services de R&D hors code de la commande publique lorsque l'organisation n'en réserve pas les "
                "résultats ou ne les finance pas entièrement (art. L. 2512-5, 4°)."
            )
    else:
        check.errors.append(f"Type d'instrument inconnu : « {kind} ».")
    return check


def _check_subsidy(check, kind, total, on, beneficiary_initiative, ordered_by_organisation) -> None:
    label = "Une subvention" if kind == InstrumentKind.SUBVENTION else "Une aide en nature"
    if ordered_by_organisation:
        check.errors.append(
            f"{label} ne peut pas payer une prestation que l'organisation définit et commande pour ses besoins "
            "(loi n° 2000-321, art. 9-1) : c'est un marché public."
        )
    if not beneficiary_initiative:
        check.errors.append(
            f"{label} suppose que le projet vienne de l'initiative du bénéficiaire (loi n° 2000-321, art. 9-1)."
        )
    limit = threshold("convention_subvention", on)
    if total > limit.amount:
        check.notes.append(f"Au-delà de {_euros(limit.amount)}, une convention est obligatoire ({limit.source}).")
