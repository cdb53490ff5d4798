"""French full-text search over the store: words, accents, case, plurals, ranking, filters, bad input."""

import datetime as dt

from pilote.contracts.filters import parse_filters
from pilote.contracts.search import query as queries
from pilote.contracts.search.text import query_terms
from tests.explorer.conftest import BUYER_LILLE, BUYER_ROUEN


def objets(result):
    return [r["objet"] for r in result.rows]


def test_restauration_scolaire_finds_case_and_plural_variants(ix):
    result = queries.search(ix, q="restauration scolaire")
    found = objets(result)
    assert "Restauration Scolaire" in found
    assert "restaurations scolaires des écoles" in found
    assert "Restauration collective du personnel" not in found  # only one of the two words: not with AND
    assert result.mode == "tous"


def test_accents_and_case_are_ignored_in_the_query(ix):
    assert objets(queries.search(ix, q="REFECTION des CHAUSSEES")) == ["Réfection des chaussées et trottoirs"]
    assert objets(queries.search(ix, q="écoles")) == objets(queries.search(ix, q="ecole"))


def test_relevance_puts_the_shortest_exact_object_first(ix):
    result = queries.search(ix, q="restauration scolaire")
    assert result.rows[0]["objet"] == "Restauration Scolaire"
    scores = [r["score"] for r in result.rows]
    assert scores == sorted(scores, reverse=True)


def test_falls_back_to_any_word_with_an_explanation(ix):
    result = queries.search(ix, q="voirie licornes")
    assert result.mode == "un"
    assert "au moins un" in result.message
    assert {"Travaux de voirie", "Entretien de la voirie communale"} <= set(objets(result))
    assert "licornes" in result.ignored


def test_sort_by_amount_and_date(ix):
    by_amount = queries.search(ix, q="voirie", sort="montant_desc")
    assert [r["montant"] for r in by_amount.rows] == [300000, 200000]
    by_date = queries.search(ix, q="", sort="date_asc")
    dates = [r["date_notification"] for r in by_date.rows]
    assert dates == sorted(dates)


def test_cockpit_filters_combine_with_words(ix):
    filters, _form = parse_filters({"perimetre": "acheteur", "acheteur": BUYER_ROUEN, "annee": "2024"})
    result = queries.search(ix, q="restauration scolaire", filters=filters)
    assert objets(result) == ["Restauration Scolaire", "Fourniture de repas pour la restauration scolaire"]
    filters, _form = parse_filters({"perimetre": "national", "montant_min": "100000", "cpv": "5552"})
    assert set(objets(queries.search(ix, q="restauration", filters=filters))) == {
        "Restauration Scolaire",
        "Fourniture de repas pour la restauration scolaire",
    }


def test_empty_query_lists_everything_by_date(ix):
    result = queries.search(ix, q="")
    assert result.total == 12
    assert result.rows[0]["date_notification"] == dt.date(2024, 7, 1)


def test_stop_words_and_punctuation_only_give_a_message(ix):
    for q in ["le la les de", "?!;...", "  ' - ' "]:
        result = queries.search(ix, q=q)
        assert result.total == 0
        assert "mots trop courants" in result.message


def test_sql_and_html_in_the_query_are_just_words(ix):
    result = queries.search(ix, q="voirie'; DROP TABLE contrats;--")
    assert result.total >= 2  # fallback on "voirie"
    result = queries.search(ix, q="<script>alert('x')</script> nettoyage")
    assert "Nettoyage des locaux administratifs" in objets(result)


def test_page_past_the_end_shows_the_last_page(ix):
    result = queries.search(ix, q="", per_page=5, page=99)
    assert result.page == 3
    assert len(result.rows) == 2
    assert "n'existe pas" in result.message


def test_unknown_buyer_filter_gives_no_result_not_an_error(ix):
    filters, _form = parse_filters({"perimetre": "acheteur", "acheteur": "12345678901234"})
    result = queries.search(ix, q="voirie", filters=filters)
    assert result.total == 0
    assert result.message


def test_titulaire_filter(ix):
    filters, _form = parse_filters({"perimetre": "national", "titulaire": BUYER_LILLE})
    assert queries.search(ix, q="", filters=filters).total == 0


def test_query_terms_normalisation():
    assert query_terms("Restauration Scolaire") == query_terms("restaurations scolaires") == ["restaur", "scolair"]
    assert query_terms("l'École") == query_terms("ecoles")
