"""Vega-Lite specifications of the cockpit's charts, as Python dicts (data inline).

Each chart is drawn by the vendored vega-embed (static/vendor/vega), whose menu exports PNG and SVG; every
chart is shown next to a data table with the same figures (accessibility, and readable without JavaScript).
"""

from pilote.contracts.indicators import MIN_BASE


SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"
PALETTE = ["#000091", "#18753c", "#b34000", "#6a6af4", "#a558a0"]


def _base(description: str, values: list[dict]) -> dict:
    return {
        "$schema": SCHEMA,
        "description": description,
        "width": "container",
        "height": 220,
        "data": {"values": values},
        "config": {
            "locale": {"number": {"decimal": ",", "thousands": "\u202f", "grouping": [3], "currency": ["", " €"]}}
        },
    }


def trend_counts(par_annee: list[dict]) -> dict:
    """Contracts per year; those without a date are not drawn, and the subtitle says how many there are."""
    values = [{"annee": r["valeur"], "contrats": r["n"]} for r in par_annee if r["valeur"]]
    spec = _base("Nombre de contrats par année de notification", values)
    undated = sum(r["n"] for r in par_annee if not r["valeur"])
    if undated:
        spec["title"] = {"text": "", "subtitle": f"Sans date de notification (non tracés) : {undated} contrat(s)"}
    spec.update(
        mark={"type": "bar", "color": PALETTE[0], "tooltip": True},
        encoding={
            "x": {"field": "annee", "type": "ordinal", "title": "Année de notification"},
            "y": {"field": "contrats", "type": "quantitative", "title": "Contrats"},
        },
    )
    return spec


def trend_shares(par_annee: list[dict]) -> dict:
    """Shares per year; a year whose base is below the minimum base (figures.BREAKDOWN_SHARES) is not drawn,
    and the chart's subtitle says which were left out and why."""
    values, left_out = [], []
    for r in par_annee:
        if not r["valeur"]:
            continue
        for key, label in (("part_soc", "Considération sociale"), ("part_env", "Considération environnementale")):
            if r.get(f"{key}_insuffisant"):
                left_out.append(f"{r['valeur']} ({label.split()[-1]})")
            elif r[key] is not None:
                values.append({"annee": r["valeur"], "indicateur": label, "part": r[key]})
    spec = _base("Part des contrats avec une considération sociale ou environnementale, par année", values)
    if left_out:
        spec["title"] = {
            "text": "",
            "subtitle": f"Non tracé, échantillon insuffisant (moins de {MIN_BASE} contrats renseignés) : "
            + ", ".join(left_out),
        }
    spec.update(
        mark={"type": "line", "point": True, "tooltip": True},
        encoding={
            "x": {"field": "annee", "type": "ordinal", "title": "Année de notification"},
            "y": {"field": "part", "type": "quantitative", "title": "Part des contrats", "axis": {"format": ".0%"}},
            "color": {"field": "indicateur", "type": "nominal", "title": None, "scale": {"range": PALETTE[1:3]}},
        },
    )
    return spec


def bars(rows: list[dict], label_key: str, value_key: str, title: str, description: str) -> dict:
    values = [{"libelle": r[label_key] or "Non renseigné", "valeur": r[value_key] or 0} for r in rows]
    spec = _base(description, values)
    spec.update(
        height=max(80, 24 * len(values)),
        mark={"type": "bar", "color": PALETTE[0], "tooltip": True},
        encoding={
            "y": {"field": "libelle", "type": "nominal", "title": None, "sort": "-x"},
            "x": {"field": "valeur", "type": "quantitative", "title": title},
        },
    )
    return spec


EMPTY_TEXT = "Aucune donnée pour ces filtres"


def empty_state(spec: dict) -> dict:
    """`spec` itself when it has data; otherwise a chart that says there is none. Vega-Lite draws an empty
    data set as a broken axis (« Infinite extent »), which reads like a bug: one sentence replaces it."""
    if spec["data"]["values"]:
        return spec
    empty = _base(spec["description"], [{"texte": EMPTY_TEXT}])
    empty.update(
        height=60,
        mark={"type": "text", "fontSize": 15, "color": "#3a3a3a"},
        encoding={"text": {"field": "texte", "type": "nominal"}},
    )
    empty["config"]["view"] = {"stroke": None}
    if "title" in spec:  # what was left out and why (undated contracts, small samples) is still said
        empty["title"] = spec["title"]
    return empty


def cockpit_charts(data: dict) -> dict:
    """Every chart of the cockpit page, keyed by the id of its container (an empty one says so)."""
    return {key: empty_state(spec) for key, spec in _cockpit_specs(data).items()}


def _cockpit_specs(data: dict) -> dict:
    return {
        "graphique-annees": trend_counts(data["par_annee"]),
        "graphique-parts": trend_shares(data["par_annee"]),
        "graphique-procedures": bars(
            data["par_procedure"], "valeur", "n", "Contrats", "Nombre de contrats par procédure"
        ),
        "graphique-titulaires": bars(
            [{**r, "nom": r["titulaire_nom"] or r["titulaire_id"]} for r in data["titulaires"]["top"]],
            "nom",
            "montant",
            "Montant (€ HT)",
            "Montant attribué aux principaux titulaires",
        ),
    }
