"""Guidance a buyer trusts: the 90 k€ publicity tier and every dated threshold, plausibility warnings, and the
history in French ("300 000,50 €", not "3E+5")."""

from datetime import date
from decimal import Decimal

import pytest

from pilote.core.enums import Role
from pilote.fiches import guidance
from pilote.fiches.models import FicheEvent
from pilote.fiches.services import do_update_fiche
from pilote.fiches.templatetags.fiches import fiche_value
from pilote.reglementation import seuils
from tests.fiches.factories import make_fiche


ON = date(2027, 3, 1)


@pytest.mark.parametrize(
    ("montant", "nature", "expected"),
    [
        ("59999", "services", "sans publicité"),
        ("89999.99", "services", "publicité adaptée au montant"),
        ("90000", "services", "BOAMP ou dans un journal habilité"),
        ("215999", "services", "BOAMP ou dans un journal habilité"),
        ("216000", "services", "Journal officiel de l'Union européenne"),
        ("99999", "travaux", "sans publicité"),
        ("100000", "travaux", "BOAMP ou dans un journal habilité"),
        ("5404000", "travaux", "Journal officiel de l'Union européenne"),
    ],
)
def test_procedure_tiers_with_dated_thresholds(montant, nature, expected):
    result = guidance.procedure(Decimal(montant), nature, "region", ON)
    assert expected in f"{result['label']} {result['publicity']}"
    assert [s.code for s in result["thresholds"]] == [
        seuils.procedure_code(nature),
        "publicite_boamp_jal",
        seuils.eu_code("region", nature),
        "publication_decp",
    ]


def test_thresholds_are_those_of_the_launch_date():
    # 2025: dispensation at 40 000 € and EU threshold of local authorities at 221 000 €.
    in_2025 = guidance.procedure(Decimal(50000), "services", "commune", date(2025, 6, 1))
    assert "BOAMP" not in in_2025["publicity"]
    assert "adaptée" in in_2025["label"]
    assert guidance.procedure(Decimal(218000), "services", "commune", date(2025, 6, 1))["label"].startswith(
        "Procédure adaptée"
    )
    assert guidance.procedure(Decimal(218000), "services", "commune", ON)["label"].startswith("Procédure formalisée")
    # The State follows its own EU threshold (140 000 € in 2026-2027).
    assert guidance.procedure(Decimal(150000), "services", "etat", ON)["label"].startswith("Procédure formalisée")


def test_publicity_tier_is_dated_data():
    tier = seuils.seuil("publicite_boamp_jal", ON)
    assert tier.amount == Decimal(90000)
    assert "R. 2131-12" in tier.source
    with pytest.raises(seuils.UnknownThreshold):
        seuils.seuil("publicite_boamp_jal", date(2015, 1, 1))


def test_plausibility_warnings():
    today = date(2026, 12, 5)
    ok = guidance.plausibility(
        montant=Decimal(300000), duree_mois=12, reconductions=3, date_lancement=date(2027, 3, 1), today=today
    )
    assert ok == []
    warnings = guidance.plausibility(
        montant=Decimal("999999999999"), duree_mois=999, reconductions=0, date_lancement=date(2020, 1, 1), today=today
    )
    assert len(warnings) == 3
    assert "vérifiez la saisie" in warnings[0]
    assert "4 ans" in warnings[1]
    assert "999 mois" in warnings[1]
    assert "01/01/2020" in warnings[2]
    assert "passée" in warnings[2]
    # Renewals count: 12 months renewed four times is five years.
    renewed = guidance.plausibility(montant=None, duree_mois=12, reconductions=4, date_lancement=None, today=today)
    assert len(renewed) == 1
    assert "60 mois" in renewed[0]


@pytest.mark.django_db
def test_history_values_in_french(client, org_a, members_a):
    agent = members_a[Role.AGENT]
    fiche = make_fiche(org_a, author=agent, montant_estime=Decimal("300000"))
    do_update_fiche(
        fiche,
        actor=agent,
        roles={Role.AGENT},
        fields={
            "montant_estime": Decimal("300000.50"),
            "date_lancement": date(2027, 2, 1),
            "urgence": True,
            "motif_urgence": "Fin de contrat",
        },
        revision=fiche.revision,
    )
    change = FicheEvent.objects.get(fiche=fiche, verb="modifiee").payload["modifications"]
    assert change["montant_estime"] == ["300000", "300000.50"]  # plain digits, never "3E+5"
    client.force_login(agent)
    page = client.get(f"/o/{org_a.slug}/fiches/{fiche.pk}/").content.decode()
    assert "« 300\xa0000 € » → « 300\xa0000,50 € »" in page
    assert "« 01/10/2026 » → « 01/02/2027 »" in page
    assert "« non » → « oui »" in page
    assert "3E+5" not in page


def test_value_formatting_reads_older_history_rows():
    assert fiche_value("3E+5", "montant_estime") == "300\xa0000 €"
    assert fiche_value("services", "nature") == "Services"
    assert fiche_value(None, "montant_estime") == ""
