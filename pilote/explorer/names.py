"""Names of buyers and suppliers: from the DECP data when a record carries one (2019 records, tabular
extracts), else from the SIRENE extract the organisation imported, else none (pages then show the SIRET with a
link to the public company directory, labels.directory_url)."""

from pilote.explorer.models import SireneName


def sirene_names(organisation, sirets) -> dict[str, str]:
    """SIRET -> name from the organisation's imported SIRENE extract (empty when none was imported)."""
    sirets = [s for s in set(sirets or ()) if s]
    if organisation is None or not sirets:
        return {}
    found = {}
    # SQLite limits the number of bound parameters: look the SIRETs up in chunks.
    for start in range(0, len(sirets), 500):
        chunk = sirets[start : start + 500]
        found |= dict(
            SireneName.objects.filter(organisation=organisation, siret__in=chunk).values_list("siret", "name")
        )
    return found


def fill_names(organisation, items, *, id_key="siret", name_key="name") -> list[dict]:
    """Complete missing names in a list of dicts from the SIRENE extract (in place; returns the list)."""
    missing = [item[id_key] for item in items if not item.get(name_key)]
    names = sirene_names(organisation, missing)
    for item in items:
        if not item.get(name_key) and item.get(id_key) in names:
            item[name_key] = names[item[id_key]]
            item["name_source"] = "SIRENE"
    return items
