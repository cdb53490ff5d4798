"""Demo fiches visa for Région Normandie, in various states of the workflow, written by the demo agent and
reviewed by the demo support service. Synthetic content, labelled "(démo)" in the object. Idempotent."""

from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from pilote.clauses.models import Clause
from pilote.core.enums import Role
from pilote.core.models import Organisation, User
from pilote.fiches.models import Fiche
from pilote.fiches.services import do_add_comment, do_create_fiche, do_transition


DEMO_FICHES = [
    # objet, service, CPV, amount, nature, steps
    ("Nettoyage des lycées de Caen (démo)", "Direction des lycées", "90919300", "420000", "services", ["soumettre"]),
    (
        "Repas des cantines des lycées de l'Orne (démo)",
        "Direction des lycées",
        "55524000",
        "950000",
        "services",
        ["soumettre", "instruire"],
    ),
    (
        "Renouvellement des ordinateurs portables des agents (démo)",
        "Direction du numérique",
        "30213100",
        "260000",
        "fournitures",
        ["soumettre", "instruire", "viser"],
    ),
    (
        "Entretien des espaces verts du siège (démo)",
        "Direction du patrimoine",
        "77314000",
        "85000",
        "services",
        ["soumettre", "demander_reprise"],
    ),
    (
        "Mobilier de la nouvelle antenne de Rouen (démo)",
        "Direction du patrimoine",
        "39130000",
        "55000",
        "fournitures",
        [],
    ),
]


@transaction.atomic
def prepare_demo() -> list[str]:
    region = Organisation.objects.filter(slug="region-normandie").first()
    agent = User.objects.filter(email="agent@demo.pilote.test").first()
    appui = User.objects.filter(email="appui@demo.pilote.test").first()
    if not (region and agent and appui):
        return []
    created = []
    for objet, service, cpv, amount, nature, steps in DEMO_FICHES:
        if Fiche.objects.filter(organisation=region, objet=objet).exists():
            continue
        fiche = do_create_fiche(
            region,
            actor=agent,
            fields={
                "service_demandeur": service,
                "objet": objet,
                "besoin": "Besoin de démonstration : contenu synthétique pour découvrir la fiche visa.",
                "nature": nature,
                "montant_estime": Decimal(amount),
                "methode_estimation": "Dépense des trois dernières années, actualisée (démo).",
                "duree_mois": 12,
                "reconductions": 3,
                "alloti": False,
                "justification_lot_unique": "Prestation homogène sur un seul site (démo).",
                "code_cpv": cpv,
                "code_cpv_confirme": True,
                "date_lancement": timezone.localdate() + timedelta(days=90),
                "sourcing_realise": True,
                "sourcing_fournisseurs": "Trois entreprises rencontrées lors d'un salon (démo).",
            },
        )
        for step in steps:
            roles = {Role.AGENT} if step == "soumettre" else {Role.APPUI}
            actor = agent if step == "soumettre" else appui
            comment = (
                "Merci de préciser le volume d'heures d'insertion envisagé (démo)."
                if step == "demander_reprise"
                else ""
            )
            retained = (
                list(Clause.objects.filter(organisation=None, segments=fiche.segment)[:2]) if step == "viser" else []
            )
            do_transition(
                fiche,
                step,
                actor=actor,
                roles=roles,
                comment=comment,
                retained_clauses=retained,
                # Used only if the clauses retained leave a mandatory obligation unmet (pilote.fiches.obligations).
                justification="Critère et condition environnementaux précisés au cahier des charges (démo).",
                confirmed=True,  # the demo is scripted: no one to show a confirmation step to
            )
        if "instruire" in steps:
            do_add_comment(fiche, actor=appui, text="Je prends cette fiche en instruction (démo).")
        created.append(f"fiche visa {objet}")
    return created
