"""Guidance a buyer trusts (issue 17): the nature of the need, lots grouped, price references of the same nature
and duration, suppliers recent first and named."""

import pytest

from pilote.contracts.search import guidance
from pilote.contracts.search.nature import cpv_nature, text_nature
from pilote.contracts.search.ranking import group_lots, object_root
from tests.explorer.guidance_store import (
    BUYER_CAEN,
    KITCHEN,
    NOM_SIRET,
    SANS_NOM,
    TODAY,
    TRAITEUR_LOCAL,
    TRAITEUR_NATIONAL,
)


NEED = "Fourniture de repas pour la restauration scolaire"


@pytest.mark.parametrize(
    ("text", "nature"),
    [
        (NEED, "services"),
        ("Fourniture et livraison de repas", "services"),
        ("Travaux de voirie", "travaux"),
        ("Entretien de la voirie communale", "travaux"),
        ("Nettoyage des locaux", "services"),
        ("Fourniture de mobilier scolaire", "fournitures"),
        ("Acquisition de matériel informatique", "fournitures"),
        ("Maintenance du parc informatique", "services"),
        ("Réhabilitation du gymnase", "travaux"),
        ("Objet sans indice", None),
    ],
)
def test_text_nature(text, nature):
    assert text_nature(text) == nature


@pytest.mark.parametrize(
    ("code", "nature"),
    [("45210000", "travaux"), ("39162110", "fournitures"), ("48000000", "fournitures"), ("55523100", "services"),
     ("03000000", "fournitures"), ("98000000", "services"), ("", None), (None, None)],
)  # fmt: skip
def test_cpv_nature(code, nature):
    assert cpv_nature(code) == nature


def test_school_catering_gives_a_catering_code_first(guidance_store):
    suggestions = guidance.suggest_cpv(NEED)
    assert suggestions[0]["code"].startswith("5552")
    assert suggestions[0]["nature"] == "services"
    codes = [s["code"] for s in suggestions]
    # School supplies share two words with the need and five contracts in history, yet come after catering.
    if "39162110" in codes:
        assert codes.index("39162110") > codes.index(suggestions[0]["code"])
    # Without the nature, the word-for-word match would have put supplies first (the confusion reported).
    assert guidance.suggest_cpv("fournitures scolaires")[0]["code"] == "39162110"


def test_object_root_cuts_the_lot_designation():
    assert object_root("Construction d'une cuisine centrale - Lot n°2 : charpente") == (
        "construction d une cuisine centrale"
    )
    assert object_root("Restauration scolaire") == "restauration scolaire"
    # a leading designation: the lot's title after it goes too, so that the lots share their root
    assert object_root("Lot 3 : électricité - Construction d'une cuisine") == "construction d une cuisine"
    assert object_root("LOT N°4 : plomberie - Construction d'une cuisine") == "construction d une cuisine"
    assert object_root("Lotissement les Pins") == "lotissement les pins"


def test_group_lots_keeps_other_buyers_and_dates_apart():
    import datetime as dt

    day = dt.date(2024, 1, 10)
    rows = [
        {"acheteur_id": "A", "objet": "Cuisine - Lot 1 : gros oeuvre", "date_notification": day},
        {"acheteur_id": "B", "objet": "Cuisine - Lot 1 : gros oeuvre", "date_notification": day},
        {"acheteur_id": "A", "objet": "Cuisine - Lot 2 : charpente", "date_notification": day + dt.timedelta(3)},
        {"acheteur_id": "A", "objet": "Cuisine - Lot 3", "date_notification": day + dt.timedelta(400)},
    ]
    groups = group_lots(rows, 10)
    assert [len(g) for g in groups] == [2, 1, 1]
    assert group_lots(rows, 1) == [[rows[0], rows[2]]]


def test_similar_contracts_group_the_lots_of_one_consultation(guidance_store):
    found = guidance.similar_contracts(objet="cuisine centrale restauration scolaire", limit=10)
    kitchen = [f for f in found if f["acheteur"]["siret"] == BUYER_CAEN and "cuisine centrale" in f["objet"]]
    assert len(kitchen) == 1
    assert kitchen[0]["nb_lots"] == len(KITCHEN)
    assert len(kitchen[0]["lots"]) == len(KITCHEN) - 1
    assert kitchen[0]["montant_lots"] == sum(r[4] for r in KITCHEN)
    uids = [f["contrat_uid"] for f in found]
    assert len(uids) == len(set(uids))


def test_similar_contracts_for_catering_put_catering_before_works(guidance_store):
    found = guidance.similar_contracts(objet=NEED, limit=5)
    assert [f["nature"] for f in found[:5]] == ["services"] * 5


def test_price_reference_keeps_the_need_nature(guidance_store):
    # the words of the kitchen project's lots, for a catering service (CPV given)
    need = "Restauration scolaire pour la cuisine centrale"
    ref = guidance.price_reference(objet=need, code_cpv="55523100", montant=100000, duree_mois=12)
    assert ref["nature"] == "services"
    assert ref["other_nature"] >= 1  # the kitchen lots (works) are left out, and counted
    assert ref["count"] >= 5
    assert ref["quartiles"]["max"] <= 450000  # no kitchen-works amount (up to 900,000) in the reference
    # the same words for works give the works lots only
    works = guidance.price_reference(objet="Travaux de construction de la cuisine centrale", duree_mois=12)
    assert works["nature"] == "travaux"
    assert works["count"] == len(KITCHEN)


def test_quartile_message_reads_the_duration_row(guidance_store):
    # 12-month catering contracts cost 60-80 k€; 48-month ones 380-450 k€. An estimate of 100 k€ for 12
    # months is above the 12-month row's third quartile; against all durations it would be "in range".
    ref = guidance.price_reference(objet=NEED, montant=100000, duree_mois=12)
    band = next(b for b in ref["bands"] if b["band"] == "0-12")
    assert band["count"] >= 3
    assert ref["position_basis"] == "contrats de 12 mois ou moins"
    assert ref["position"] == "au-dessus du 3e quartile"
    assert ref["quartiles"]["q1"] <= 100000 <= ref["quartiles"]["q3"]
    # a duration band without enough contracts: read against all durations, and said so
    ref = guidance.price_reference(objet=NEED, montant=100000, duree_mois=20)
    assert ref["position_basis"] == "toutes durées"
    assert ref["position"] == "entre le 1er et le 3e quartile"


def test_suppliers_recent_first_and_named(guidance_store):
    suppliers = guidance.potential_suppliers(code_cpv="55520000", limit=20)
    sirets = [s["siret"] for s in suppliers]
    recent = [s["recent"] for s in suppliers]
    assert recent == sorted(recent, reverse=True)  # every recent one before every older one
    # the national caterer won 4 contracts, all older than 3 years: after the local, recent ones
    assert sirets.index(TRAITEUR_LOCAL) < sirets.index(TRAITEUR_NATIONAL)
    by_siret = {s["siret"]: s for s in suppliers}
    assert by_siret[TRAITEUR_NATIONAL]["wins"] == 4
    assert not by_siret[TRAITEUR_NATIONAL]["recent"]
    # named from its other contract, where the segment's recent one carries no name
    assert by_siret[SANS_NOM]["name"] == "Repas de Loire"
    # a published "name" that is the SIRET is no name
    assert by_siret[NOM_SIRET]["name"] is None
    assert all(s["last_win"] <= TODAY for s in suppliers)


def test_suppliers_near_the_place_before_the_others(guidance_store):
    # Calvados (14) has 3 catering suppliers of 5552x: enough, nobody from elsewhere is added.
    in_14 = guidance.potential_suppliers(code_cpv="55520000", departement="14")
    assert {s["zone"] for s in in_14} == {"département"}
    assert TRAITEUR_NATIONAL not in {s["siret"] for s in in_14}
    # Loire-Atlantique (44) has one: the région has no other, France adds the others after it (recent first)
    in_44 = guidance.potential_suppliers(code_cpv="55520000", departement="44")
    assert in_44[0]["siret"] == SANS_NOM
    assert in_44[0]["zone"] == "département"
    assert {s["zone"] for s in in_44[1:]} == {"France"}
    recent = [s["recent"] for s in in_44]
    assert recent == sorted(recent, reverse=True)


def test_similar_contracts_name_titulaires_from_their_other_contracts(guidance_store):
    found = guidance.similar_contracts(objet=NEED, limit=10)
    holders = {t["siret"]: t["nom"] for f in found for t in f["titulaires"]}
    assert holders[SANS_NOM] == "Repas de Loire"  # G3 carries no name, G4 does
    assert holders[NOM_SIRET] is None  # its only "name" is its SIRET: shown as a SIRET with a directory link
