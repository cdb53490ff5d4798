"""Inclusive structures (SIAE, EA, ESAT): the list's import (bad lines named, nothing half-imported), the flag
on potential suppliers and the structures of the area in "préparer un achat"."""

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pilote.contracts import inclusion
from pilote.contracts.models import InclusionList, InclusiveStructure
from pilote.core.enums import Role
from pilote.core.models import AuditEvent, BuyerEntity
from pilote.explorer.services import do_import_inclusion_list
from tests.explorer.guidance_store import BUYER_CAEN, SIAE_REPAS, luhn_complete


# The official ASP layout (2019 list), « ; », département on 3 digits, a SIRET listed for two measures.
ASP = (
    "MESURE;CODE_DEPARTEMENT;LIBELLE_DPT;CODE_POSTAL;COMMUNE;CODE_NAF2;NATURE_JURIDIQUE;SIRET;DENOMINATION_SOCIALE\n"
    f"EI;014;CALVADOS;14000;CAEN;5629B;SARL;{SIAE_REPAS};Cuisine Solidaire\n"
    f"ACI;014;CALVADOS;14000;CAEN;5629B;SARL;{SIAE_REPAS};Cuisine Solidaire\n"
    f"ACI;076;SEINE MARITIME;76000;ROUEN;8121Z;Association;{luhn_complete('3888888880001')};Net Insertion\n"
    f"AI;044;LOIRE ATLANTIQUE;44000;NANTES;8899B;Association;{luhn_complete('3999999990001')};Relais Emploi\n"
).encode()
REAL_LIST = Path(__file__).resolve().parents[3] / "shared/data/territoire/siae/liste_siae_2019-07_normandie_pays-de-la-loire.csv"  # fmt: skip


def test_parse_the_asp_layout():
    rows = {r.siret: r for r in inclusion.parse_inclusion_csv(ASP)}
    assert len(rows) == 3
    solidaire = rows[SIAE_REPAS]
    assert solidaire.kinds == ("EI", "ACI")
    assert solidaire.departement == "14"
    assert solidaire.naf == "5629B"
    assert inclusion.family(",".join(solidaire.kinds)) == "SIAE (EI, ACI)"
    assert inclusion.family("EA,ESAT") == "EA, ESAT"


@pytest.mark.skipif(not REAL_LIST.exists(), reason="shared data not present")
def test_the_real_2019_list_parses():
    rows = inclusion.parse_inclusion_csv(REAL_LIST.read_bytes())
    assert len(rows) == 421  # 458 lines, a SIRET repeated per measure or département
    assert {r.departement for r in rows} == {"14", "27", "50", "61", "76", "44", "49", "53", "72", "85"}


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"siret;type\n12345678901234;EI\n", "Ligne 2 : « 12345678901234 » n'est pas un SIRET valide"),
        (b"siret;type\n1234;EI\n", "Ligne 2 : « 1234 » n'est pas un SIRET : il faut exactement 14 chiffres."),
        (f"siret;type;nom\n{SIAE_REPAS};EI;A\n{SIAE_REPAS};XYZ;B\n".encode(), "Ligne 3 : type « XYZ » inconnu"),
        (b"siret;type\n;EI\n", "Ligne 2 : SIRET manquant."),
        (b"nom;type\nA;EI\n", "Colonnes « siret » et « type »"),
        (b"", "Le fichier est vide."),
        (b"siret;type\n\n", "Aucune structure dans le fichier."),
    ],
)
def test_bad_files_are_refused_naming_the_line(raw, message):
    with pytest.raises(ValidationError) as error:
        inclusion.parse_inclusion_csv(raw)
    assert any(message in m for m in error.value.messages)


def test_many_bad_lines_are_summed_up():
    raw = ("siret;type\n" + "".join(f"1234567890123{i};EI\n" for i in range(8))).encode()
    with pytest.raises(ValidationError) as error:
        inclusion.parse_inclusion_csv(raw)
    assert error.value.messages[0] == "Rien n'a été importé : corrigez le fichier."
    assert error.value.messages[-1] == "… et 3 autres lignes."


@pytest.mark.django_db
def test_import_replaces_the_list_and_a_bad_file_changes_nothing(org_a, support):
    do_import_inclusion_list(organisation=org_a, filename="asp.csv", raw=ASP, actor=support)
    assert InclusiveStructure.objects.filter(organisation=org_a).count() == 3
    assert AuditEvent.objects.filter(verb="contracts.inclusion_import").count() == 1
    bad = f"siret;type\n{SIAE_REPAS};EI\n1;EI\n".encode()
    with pytest.raises(ValidationError):
        do_import_inclusion_list(organisation=org_a, filename="bad.csv", raw=bad, actor=support)
    assert InclusiveStructure.objects.filter(organisation=org_a).count() == 3  # the previous list stays
    assert InclusionList.objects.filter(organisation=org_a).count() == 1


@pytest.mark.django_db
def test_flag_by_siret_or_siren_and_name_from_the_list(org_a, org_b, support):
    do_import_inclusion_list(organisation=org_a, filename="asp.csv", raw=ASP, actor=support)
    other_establishment = luhn_complete(SIAE_REPAS[:9] + "0019")
    suppliers = [{"siret": SIAE_REPAS, "name": None}, {"siret": other_establishment, "name": "X"},
                 {"siret": luhn_complete("5111111110001"), "name": "Y"}]  # fmt: skip
    inclusion.flag_inclusive(org_a, suppliers)
    assert [s["inclusive"] for s in suppliers] == ["SIAE (EI, ACI)", "SIAE (EI, ACI)", None]
    assert suppliers[0]["name"] == "Cuisine Solidaire"
    # another organisation's list is not this one's
    assert inclusion.flag_inclusive(org_b, [{"siret": SIAE_REPAS}])[0]["inclusive"] is None


@pytest.mark.django_db
def test_structures_of_the_area_fitting_the_purchase(org_a, support):
    do_import_inclusion_list(organisation=org_a, filename="asp.csv", raw=ASP, actor=support)
    catering = inclusion.structures_in_area(org_a, code_cpv="55523100", departements=["14"])
    assert catering["count"] == 1
    assert [f["name"] for f in catering["fitting"]] == ["Cuisine Solidaire"]
    cleaning = inclusion.structures_in_area(org_a, code_cpv="90919200", departements=["14", "76"])
    assert [f["name"] for f in cleaning["fitting"]] == ["Net Insertion"]
    assert inclusion.structures_in_area(org_a, code_cpv="55523100", departements=["44"])["fitting"] == []


def url(name, org):
    return reverse(f"explorer:{name}", kwargs={"slug": org.slug})


@pytest.fixture
def support(members_a):
    return members_a[Role.APPUI]


@pytest.fixture
def client_for(client, members_a):
    def login(role):
        client.force_login(members_a[role])
        return client

    return login


@pytest.mark.django_db
def test_upload_page_imports_and_refuses_a_bad_line(client_for, org_a):
    client = client_for(Role.APPUI)
    response = client.post(url("inclusion", org_a), {"fichier": SimpleUploadedFile("asp.csv", ASP)})
    assert response.status_code == 302
    assert InclusiveStructure.objects.filter(organisation=org_a).count() == 3
    bad = SimpleUploadedFile("bad.csv", b"siret;type\n12345678901234;EI\n")
    html = client.post(url("inclusion", org_a), {"fichier": bad}).content.decode()
    assert "Ligne 2" in html
    assert InclusiveStructure.objects.filter(organisation=org_a).count() == 3
    assert "3 structures" in client.get(url("inclusion", org_a)).content.decode()


@pytest.mark.django_db
def test_need_page_flags_an_siae_and_names_the_structures_of_the_area(client_for, org_a, guidance_store):
    BuyerEntity.objects.create(organisation=org_a, siret=BUYER_CAEN)
    client = client_for(Role.ACHETEUR)
    response = client.get(url("need", org_a), {"objet": "Fourniture de repas pour la restauration scolaire"})
    html = response.content.decode()
    assert "aucune liste de structures inclusives" in html.lower()
    assert "Lieu d'exécution retenu : 14" in html  # the organisation's usual place (Caen's contracts)
    do_import_inclusion_list(organisation=org_a, filename="asp.csv", raw=ASP, actor=None)
    html = client.get(url("need", org_a), {"objet": "Fourniture de repas pour la restauration scolaire"}).content
    html = html.decode()
    # two suppliers only in Calvados: the zone is widened to Normandie (14 and 76 in the list)
    assert "Des structures inclusives existent pour cet achat dans la région : 1 dont" in html
    assert "sur 2 structures de la liste" in html
    assert "Cuisine Solidaire — SIAE (EI, ACI) (14)" in html
    assert "Services de restauration scolaire" in html
    assert '<span class="badge">SIAE (EI, ACI)</span>' not in html  # it won no 55523 contract
    # the supplier that won the school-catering contract G2 (55524000) in Calvados is flagged
    params = {"objet": "Restauration scolaire", "code_cpv": "55524000", "departement": "14"}
    html = client.get(url("need", org_a), params).content.decode()
    assert '<span class="badge">SIAE (EI, ACI)</span>' in html
    assert "1 des fournisseurs potentiels ci-dessus est une structure inclusive" in html
