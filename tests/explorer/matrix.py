"""Permission-matrix extension of the explorer (see tests/core/test_permission_matrix.py)."""

PUBLIC_VIEWS = {}
# Explorer pages take DECP identifiers, not objects of the organisation: any value works (unknown ones get a
# clear "not found" page, never an error).
KWARG_PROVIDERS = {
    "uid": lambda organisation: "m|21760540700019|INCONNU|2024-01-01",
    "siret": lambda organisation: "21760540700019",
}
# A background import's kind (its token comes from tests/recensement/matrix.py: an unknown one sends back to the
# upload page).
KWARG_PROVIDERS["kind"] = lambda organisation: "sirene"
