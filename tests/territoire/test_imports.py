"""Imports of the territory: real shipped files go in whole, faulty rows refuse the whole file with a French
message naming the row, duplicates of an actor keep every source."""

from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from pilote.core.models import AuditEvent
from pilote.territoire import identifiers, services
from pilote.territoire.models import Actor, Grant, Scheme
from pilote.territoire.parsing import ImportRefused, amount


DEMO = Path(__file__).resolve().parents[2] / "pilote" / "territoire" / "data" / "demo"


def _text(name):
    return (DEMO / name).read_text(encoding="utf-8")


def test_identifiers_are_cleaned_then_checked():
    assert identifiers.clean("224 900 019 000 15'") == "22490001900015"
    assert identifiers.company_problem("224 900 019 000 15'") is None
    assert "SIREN" in identifiers.company_problem("224900018")
    assert identifiers.rna_problem("W491234567") is None
    assert "RNA" in identifiers.rna_problem("W49123")
    assert amount("245 600,00 €") == Decimal("245600.00")
    with pytest.raises(ValueError):
        amount("beaucoup")


@pytest.mark.django_db
def test_siae_list_imports_every_structure_once(org_a, members_a):
    from pilote.territoire.demo import siae_of_normandie

    text = siae_of_normandie()
    if text is None:
        pytest.skip("la liste SIAE de 2019 n'est pas redistribuée : ../shared/data/territoire/siae absent")
    actor = next(iter(members_a.values()))
    summary = services.do_import(org_a, actor=actor, layout="siae", text=text, filename="siae.csv")
    actors = Actor.objects.filter(organisation=org_a)
    # 214 rows, several measures or départements for one SIRET: one actor per SIRET
    assert 150 < actors.count() < 214
    sirets = {line.split(";")[7] for line in text.splitlines()[1:]}
    assert summary.startswith(f"{len(sirets)} acteur")  # one per SIRET read, establishments of a SIREN merge
    assert actors.count() == len({s[:9] for s in sirets})
    assert all(a.commune_code and a.kind in {"ACI", "EI", "AI", "ETTI"} and "SIAE" in a.labels for a in actors)
    assert AuditEvent.objects.filter(organisation=org_a, verb="territoire.import").count() == 1


@pytest.mark.django_db
def test_maine_et_loire_file_is_refused_whole_naming_rows(org_a, members_a):
    actor = next(iter(members_a.values()))
    text = _text("224900019_conventions-de-subventions-du-departement-de-maine-et-loire.csv")
    with pytest.raises(ImportRefused) as refused:
        services.do_import(org_a, actor=actor, layout="scdl", text=text, filename="m-et-l.csv")
    messages = refused.value.messages
    assert any(m.startswith("Ligne 67 :") and "78611666800010" in m for m in messages)
    assert messages[-1].startswith("Rien n'a été importé")
    assert not Grant.objects.exists()
    assert not Actor.objects.exists()


@pytest.mark.django_db
def test_maine_et_loire_rows_with_valid_ids_import_despite_spaces_and_quotes(org_a, members_a):
    actor = next(iter(members_a.values()))
    lines = _text("224900019_conventions-de-subventions-du-departement-de-maine-et-loire.csv").splitlines()
    services.do_import(org_a, actor=actor, layout="scdl", text="\n".join(lines[:3]), filename="m.csv")
    grants = list(Grant.objects.order_by("pk"))
    assert [g.attribuant_siret for g in grants] == ["22490001900015", "22490001900015"]
    assert grants[0].beneficiary.siret == "82212742900014"
    assert grants[0].montant == Decimal("24000.0")


@pytest.mark.django_db
def test_unknown_commune_code_is_refused(org_a, members_a):
    actor = next(iter(members_a.values()))
    text = (
        "nom,siret,rna,code_insee,typologie\nCafé associatif,,W141000001,14118,ASSO\nTiers-lieu,,,99999,TIERS_LIEUX\n"
    )
    with pytest.raises(ImportRefused) as refused:
        services.do_import(org_a, actor=actor, layout="inclusion", text=text, filename="di.csv")
    assert any("Ligne 3" in m and "99999" in m for m in refused.value.messages)
    assert not Actor.objects.exists()


@pytest.mark.django_db
def test_fonds_vert_pads_codes_links_scheme_and_actor(org_a, members_a):
    actor = next(iter(members_a.values()))
    lines = _text("fonds-vert-2023-normandie.csv").splitlines()
    services.do_import(org_a, actor=actor, layout="fonds_vert", text="\n".join(lines[:11]), filename="fv.csv")
    grants = Grant.objects.filter(organisation=org_a)
    assert grants.count() == 10
    assert all(len(g.commune_code) == 5 and g.beneficiary_id for g in grants)
    assert grants.first().montant > 0


@pytest.mark.django_db
def test_real_schemes_import_and_a_missing_field_refuses(org_a, members_a):
    actor = next(iter(members_a.values()))
    from pilote.territoire.parsing import read_rows

    rows = read_rows(_text("dispositifs-transition-ecologique.csv"))
    ok = [r for r in rows if len(r["description"]) <= 5000][:20]
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(ok)
    services.do_import(org_a, actor=actor, layout="dispositifs", text=buffer.getvalue(), filename="d.csv")
    assert Scheme.objects.filter(organisation=org_a).count() == 20
    scheme = Scheme.objects.filter(organisation=org_a).first()
    assert scheme.porteurs
    assert scheme.cibles == ["professionnels"]
    assert scheme.geographie
    ok[1]["titre"] = ""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(ok)
    with pytest.raises(ImportRefused) as refused:
        services.do_import(org_a, actor=actor, layout="dispositifs", text=buffer.getvalue(), filename="d.csv")
    assert "Ligne 3 : titre manquant." in refused.value.messages


@pytest.mark.django_db
def test_merge_keeps_every_source(org_a, members_a):
    actor = next(iter(members_a.values()))
    one = services.upsert_actor(org_a, {"name": "Asso A", "siren": "342246600"}, "siae", "liste")
    two = services.upsert_actor(org_a, {"name": "ASSO A (bis)", "rna": "W141000001", "commune_code": "14118"},
                                "manuel", "saisie")  # fmt: skip
    services.do_merge_actors(one, two, actor=actor)
    one.refresh_from_db()
    assert {s.kind for s in one.sources.all()} == {"siae", "manuel"}
    assert one.rna == "W141000001"
    assert one.commune_code == "14118"
    assert Actor.objects.get(pk=two.pk).merged_into_id == one.pk
    with pytest.raises(ValidationError):
        services.do_merge_actors(one, two, actor=actor)
