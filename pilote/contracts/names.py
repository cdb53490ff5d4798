"""Names of buyers and suppliers: from the DECP data when a record carries one (2019 records, tabular
extracts), else from the SIRENE extract the organisation imported, else none (pages then show the SIRET with a
link to the public company directory, labels.directory_url)."""

from pilote.contracts.models import SireneName


def sirene_names(organisation, sirets) -> dict[str, str]:
    """SIRET -> name from the organisation's imported SIRENE extract (empty when none was imported): the
    establishment's row, else the row of its legal unit (SIREN, the first 9 digits)."""
    sirets = [s for s in set(sirets or ()) if s]
    if organisation is None or not sirets:
        return {}
    keys = sorted(set(sirets) | {s[:9] for s in sirets if len(s) == 14})
    rows = {}
    # SQLite limits the number of bound parameters: look the keys up in chunks.
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        rows |= dict(
            SireneName.objects.filter(organisation=organisation, siret__in=chunk)
            .exclude(name="")
            .values_list("siret", "name")
        )
    found = {}
    for siret in sirets:
        name = rows.get(siret) or rows.get(siret[:9] if len(siret) == 14 else "")
        if name:
            found[siret] = name
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
