"""A chart with no data says so instead of drawing a broken axis (« Infinite extent »)."""

from pilote.analytics import charts


def cockpit_data(par_annee=(), procedures=(), titulaires=()):
    return {"par_annee": list(par_annee), "par_procedure": list(procedures), "titulaires": {"top": list(titulaires)}}


def test_every_cockpit_chart_without_data_is_a_sentence():
    specs = charts.cockpit_charts(cockpit_data())
    assert set(specs) == {"graphique-annees", "graphique-parts", "graphique-procedures", "graphique-titulaires"}
    for spec in specs.values():
        assert spec["mark"]["type"] == "text"
        assert spec["data"]["values"] == [{"texte": "Aucune donnée pour ces filtres"}]
        assert "x" not in spec["encoding"]  # no axis to break
        assert spec["description"]  # still described for assistive technologies


def test_undated_contracts_alone_leave_the_year_chart_empty_but_said():
    specs = charts.cockpit_charts(cockpit_data(par_annee=[{"valeur": None, "n": 4}]))
    assert specs["graphique-annees"]["mark"]["type"] == "text"
    assert "Sans date de notification (non tracés) : 4 contrat(s)" in specs["graphique-annees"]["title"]["subtitle"]


def test_a_chart_with_data_is_drawn_as_before():
    rows = [{"valeur": "Appel d'offres ouvert", "n": 3}]
    specs = charts.cockpit_charts(cockpit_data(procedures=rows))
    assert specs["graphique-procedures"]["mark"]["type"] == "bar"
    assert specs["graphique-procedures"]["data"]["values"] == [{"libelle": "Appel d'offres ouvert", "valeur": 3}]
    assert specs["graphique-annees"]["mark"]["type"] == "text"
