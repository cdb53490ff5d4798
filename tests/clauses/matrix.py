"""Permission-matrix extension of the clauses app (see tests/core/test_permission_matrix.py)."""

from pilote.clauses.models import Clause


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


PUBLIC_VIEWS = {}
KWARG_PROVIDERS = {
    # A national reference segment, loaded by the data migration clauses.0002.
    "segment_code": lambda organisation: "nettoyage",
    "clause_id": org_clause,
}
