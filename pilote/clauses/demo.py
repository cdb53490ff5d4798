"""Demo content of the clauses app: national content (normally loaded by migrations) plus, for Région
Normandie, an organisation clause and its adapted guide for cleaning with common criteria. Idempotent."""

from django.db import transaction

from pilote.clauses.models import Clause, Segment, SegmentGuide
from pilote.clauses.national_guides import load_national_content
from pilote.clauses.reference import ensure_national_segments
from pilote.clauses.services import GUIDE_FIELDS, do_save_clause, do_save_guide
from pilote.core.models import Organisation, User


DEMO_CLAUSE_TITLE = "Critère commun : part des heures réalisées par des salariés en insertion (démo)"


@transaction.atomic
def prepare_demo() -> list[str]:
    created = ensure_national_segments()
    created += load_national_content(Segment, Clause, SegmentGuide)
    region = Organisation.objects.filter(slug="region-normandie").first()
    appui = User.objects.filter(email="appui@demo.pilote.test").first()
    if region is None or appui is None:
        return created
    clause = Clause.objects.filter(organisation=region, title=DEMO_CLAUSE_TITLE).first()
    nettoyage = Segment.objects.get(organisation=None, code="nettoyage")
    if clause is None:
        clause = do_save_clause(
            region,
            actor=appui,
            fields={
                "kind": "critere_social",
                "title": DEMO_CLAUSE_TITLE,
                "text": "Critère appliqué par la Région à toutes ses consultations de nettoyage (contenu de "
                "démonstration) : 10 % de la note sur le nombre d'heures d'insertion proposées au-delà du minimum "
                "et la qualité de l'accompagnement.",
                "legal_basis": "CCP art. L. 2152-7 et R. 2152-7",
                "is_active": True,
            },
            segments=[nettoyage],
        )
        created.append("clause de démonstration de la Région")
    if not SegmentGuide.objects.filter(organisation=region, segment=nettoyage).exists():
        national = SegmentGuide.objects.get(organisation=None, segment=nettoyage)
        fields = {name: getattr(national, name) for name in GUIDE_FIELDS}
        fields["questions"] += "\nLes sites occupés permettent-ils un passage en journée sur tous les étages ?"
        do_save_guide(
            region,
            nettoyage,
            actor=appui,
            fields=fields,
            recommended_clauses=list(national.recommended_clauses.all()),
            common_criteria=[clause],
        )
        created.append("guide nettoyage adapté par la Région")
    return created
