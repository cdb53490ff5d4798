"""Demo content of the cockpit: SPASER targets and a report comment for Région Normandie (synthetic, labelled
as such in the comment). Idempotent; written through the services like any other change."""

from pilote.analytics.models import ReportComment, SpaserTarget, TargetIndicator
from pilote.analytics.services import do_save_comment, do_set_target
from pilote.core.models import Organisation, User


TARGETS = [
    (2024, TargetIndicator.SOCIALE, 25),
    (2024, TargetIndicator.ENVIRONNEMENTALE, 60),
    (2025, TargetIndicator.SOCIALE, 30),
    (2025, TargetIndicator.ENVIRONNEMENTALE, 80),
    (2025, TargetIndicator.OFFRE_UNIQUE, 20),
]
COMMENT = (
    "[Démonstration — commentaire fictif] Le SPASER adopté en 2024 fixe une progression des clauses sociales "
    "et environnementales ; les marchés de travaux concentrent l'effort en 2025."
)


def prepare_demo() -> list[str]:
    organisation = Organisation.objects.filter(slug="region-normandie").first()
    actor = User.objects.filter(email="appui@demo.pilote.test").first()
    if organisation is None or actor is None:
        return []
    created = []
    for annee, indicateur, cible in TARGETS:
        if not SpaserTarget.objects.filter(organisation=organisation, annee=annee, indicateur=indicateur).exists():
            do_set_target(organisation=organisation, annee=annee, indicateur=indicateur, cible=cible, actor=actor)
            created.append(f"objectif {indicateur} {annee}")
    if not ReportComment.objects.filter(organisation=organisation, annee=2024).exists():
        do_save_comment(organisation=organisation, annee=2024, texte=COMMENT, actor=actor)
        created.append("commentaire du rapport 2024")
    return created
