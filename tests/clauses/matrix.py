"""Permission-matrix extension of the clauses app (see tests/core/test_permission_matrix.py)."""

from pilote.clauses.models import Clause
from pilote.clauses.reference import ensure_national_segments


def org_clause(organisation):
    clause = Clause.objects.filter(organisation=organisation).first()
    if clause is None:
        clause = Clause.objects.create(
            organisation=organisation,
            kind="condition_sociale",
            title="Clause d'insertion de la matrice",
            text="Le titulaire réserve 5 % des heures travaillées à des personnes en insertion.",
        )
    return clause.pk


def national_segment_code(organisation):
    # Loaded by migrations; reloaded here in case a transactional test flushed the database before.
    ensure_national_segments()
    return "nettoyage"


PUBLIC_VIEWS = {}
KWARG_PROVIDERS = {
    "segment_code": national_segment_code,
    "clause_id": org_clause,
}
