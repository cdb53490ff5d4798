"""Fiches visa for tests: valid field values and a helper that creates a fiche through the service."""

from datetime import date
from decimal import Decimal

from pilote.core.enums import Role
from pilote.core.models import Membership
from pilote.fiches.services import do_create_fiche
from tests.core.factories import MembershipFactory


def fiche_fields(**overrides) -> dict:
    fields = {
        "service_demandeur": "Direction des bâtiments",
        "objet": "Nettoyage des locaux administratifs",
        "besoin": "Nettoyage quotidien de 4 000 m² de bureaux et vitrerie trimestrielle.",
        "nature": "services",
        "montant_estime": Decimal("180000"),
        "methode_estimation": "Marché précédent actualisé",
        "duree_mois": 12,
        "reconductions": 3,
        "alloti": False,
        "lots": "",
        "justification_lot_unique": "Un seul site, prestations indissociables.",
        "code_cpv": "90911200",
        "code_cpv_confirme": True,
        "segment": None,
        "date_lancement": date(2026, 10, 1),
        "urgence": False,
        "motif_urgence": "",
        "sourcing_realise": True,
        "sourcing_fournisseurs": "Trois entreprises rencontrées, dont une entreprise adaptée.",
        "sourcing_charte": [],
        "reponses_guide": {},
    }
    fields.update(overrides)
    return fields


def environmental_clauses() -> list:
    """A national environmental criterion and condition: what art. 35 asks at visa from 22/08/2026."""
    from pilote.clauses.models import Clause, ClauseKind

    return [
        Clause.objects.filter(organisation=None, kind=kind).order_by("pk").first()
        for kind in (ClauseKind.CRITERE_ENVIRONNEMENTAL, ClauseKind.CONDITION_ENVIRONNEMENTALE)
    ]


def agent_of(organisation):
    membership = Membership.objects.filter(organisation=organisation, role=Role.AGENT).first()
    return (membership or MembershipFactory(organisation=organisation, role=Role.AGENT)).user


def make_fiche(organisation, author=None, **overrides):
    return do_create_fiche(organisation, actor=author or agent_of(organisation), fields=fiche_fields(**overrides))
