"""Who could answer a purchase: the one sequence behind the suppliers of « Préparer un achat » and of the fiche
visa (one definition, two pages). Suppliers recent first, then nearest to the place of execution (the
organisation's usual one when none is given, and the result says it was assumed), named from the data or the
organisation's SIRENE extract, flagged when the organisation's list says they are inclusive structures."""

from pilote.contracts import inclusion, names
from pilote.contracts.geo import departement_names
from pilote.contracts.search import guidance


def sourcing(organisation, *, code_cpv, departement=None, limit: int = 10) -> dict:
    place_assumed = False
    if not departement:
        departement = guidance.home_departement(organisation.sirets)
        place_assumed = departement is not None
    suppliers = guidance.potential_suppliers(code_cpv=code_cpv, departement=departement, limit=limit)
    names.fill_names(organisation, suppliers)
    inclusion.flag_inclusive(organisation, suppliers)
    return {
        "suppliers": suppliers,
        "sourcing_departement": departement,
        "sourcing_departement_name": departement_names().get(departement or "", ""),
        "place_assumed": place_assumed,
        "inclusive_suppliers": sum(1 for s in suppliers if s.get("inclusive")),
    }
