"""The same buyer, year and filters give the same figures on the explorer's buyer page, the cockpit, the cockpit's
exports and the API, on the real demo files: one definition, read through pilote.contracts.figures."""

import csv
import io

import pytest

from pilote.core.enums import Role
from tests.contracts.conftest import BUSY_BUYER


COMPARED = ("nb_contrats", "montant_total", "part_consideration_sociale", "part_consideration_environnementale",
            "taux_offre_unique", "nb_offres_moyen")  # fmt: skip


def _cockpit(client, org, **params):
    response = client.get(f"/o/{org.slug}/cockpit/", {"perimetre": "acheteur", "acheteur": BUSY_BUYER, **params})
    assert response.status_code == 200
    return response.context["data"]["overview"]["values"]


def _api(client, **params):
    response = client.get("/api/v1/indicateurs", {"perimetre": "acheteur", "acheteur": BUSY_BUYER, **params})
    assert response.status_code == 200, response.content
    return response.json()["indicateurs"]


def _export(client, org, **params):
    query = {"perimetre": "acheteur", "acheteur": BUSY_BUYER, "tableau": "indicateurs", "format": "csv", **params}
    response = client.get(f"/o/{org.slug}/cockpit/export/", query)
    assert response.status_code == 200
    text = b"".join(response.streaming_content if response.streaming else [response.content]).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    header = rows.index(next(r for r in rows if "Code" in r))
    code, value, filled = (rows[header].index(k) for k in ("Code", "Valeur", "Contrats renseignés"))
    return {r[code]: (r[value], r[filled]) for r in rows[header + 1 :] if len(r) > code}


def _number(text):
    """A French CSV number: « 1234,5 », or a share « 12,5 % » (four decimals of a percent)."""
    if text in ("", None):
        return None
    share = text.endswith("%")
    value = float(text.removesuffix("%").replace("\u202f", "").replace(" ", "").replace(",", "."))
    return value / 100 if share else value


@pytest.mark.django_db
def test_buyer_page_cockpit_export_and_api_agree(real_store, client, org_a, members_a):
    client.force_login(members_a[Role.AGENT])
    page = client.get(f"/o/{org_a.slug}/explorer/acheteurs/{BUSY_BUYER}/")
    assert page.status_code == 200
    profile = page.context["profile"]
    cockpit = _cockpit(client, org_a)
    api = _api(client)
    export = _export(client, org_a)
    # 14 contracts in the JSON files + 163 in the 2024 tabular extract, whose 137 uids of this buyer hold 163
    # lots: a uid whose rows name other titulaires with other amounts holds distinct lots, each a contract
    # (docs/decp-pipeline.md, "Tabular"; it was 151 when each uid was one contract)
    assert profile["values"]["nb_contrats"].valeur == 177
    for code in COMPARED:
        mine = profile["values"][code]
        assert (mine.valeur, mine.renseignes) == (cockpit[code].valeur, cockpit[code].renseignes), code
        assert api[code]["valeur"] == pytest.approx(mine.valeur), code
        assert api[code]["renseignes"] == mine.renseignes, code
        value, filled = export[code]
        assert _number(value) == pytest.approx(mine.valeur, abs=1e-6), code
        assert int(filled) == mine.renseignes, code
    # the page shows the base of its shares
    social = profile["values"]["part_consideration_sociale"]
    assert f"sur {social.renseignes} renseigné" in page.content.decode()

    # per year: the buyer page's table against the cockpit, the API and the export filtered on that year
    for row in profile["by_year"]:
        if row["annee"] is None:
            continue
        year = int(row["annee"])
        per_year = _cockpit(client, org_a, annee=year)
        assert row["contrats"] == per_year["nb_contrats"].valeur
        assert row["montant"] == pytest.approx(per_year["montant_total"].valeur)
        assert _api(client, annee=year)["nb_contrats"]["valeur"] == row["contrats"]
        assert _number(_export(client, org_a, annee=year)["montant_total"][0]) == pytest.approx(row["montant"])


@pytest.mark.django_db
def test_supplier_page_counts_contracts_where_a_modification_added_the_supplier(real_store, client, org_a, members_a):
    from pilote.contracts import db

    row = db.fetch_one(
        """SELECT t.contrat_uid, t.titulaire_id FROM titulaires t
        WHERE t.modification_id IS NOT NULL AND length(t.titulaire_id) = 14 AND NOT EXISTS (
          SELECT 1 FROM titulaires i WHERE i.contrat_uid = t.contrat_uid AND i.modification_id IS NULL
            AND i.titulaire_id = t.titulaire_id) ORDER BY 1 LIMIT 1"""
    )
    client.force_login(members_a[Role.AGENT])
    page = client.get(f"/o/{org_a.slug}/explorer/titulaires/{row['titulaire_id']}/")
    assert page.status_code == 200
    profile = page.context["profile"]
    assert row["contrat_uid"] in {r["contrat_uid"] for r in profile["recent"]}
    cockpit = _cockpit(client, org_a, perimetre="national", acheteur="", titulaire=row["titulaire_id"])
    assert profile["values"]["nb_contrats"].valeur == cockpit["nb_contrats"].valeur
