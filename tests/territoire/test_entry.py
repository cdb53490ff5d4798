"""Entering by hand: an actor (identifier, commune, type, themes, labels checked) and a support scheme in the
national schema's fields (exported back in the dispositif-aide format), with a French error per field."""

import pytest

from pilote.core.enums import Role
from pilote.territoire import schemes_csv
from pilote.territoire.models import Actor, Scheme


ACTOR = {"name": "Épicerie solidaire du Pays d'Auge", "identifier": "W141000001", "commune_code": "14118",
         "kind": "ACI", "themes": ["solidarites"], "labels": "ESS, SIAE"}  # fmt: skip
SCHEME = {
    "titre": "Fonds local d'amorçage", "promesse": "Amorcer une initiative locale", "description": "Aide au démarrage.",
    "eligibilite": "Associations du Calvados", "types_aides": "financement, conseil", "porteur_nom": "Région",
    "porteur_siren": "200053403", "porteur_roles": "financeur", "cibles": ["associations"], "geographie": "DEP-14 DEP-50",
    "date_ouverture": "2027-01-01", "date_cloture": "2027-12-31",
}  # fmt: skip


@pytest.fixture
def support(client, org_a, members_a):
    client.force_login(members_a[Role.APPUI])
    return f"/o/{org_a.slug}/territoire/"


@pytest.mark.django_db
def test_actor_entered_by_hand(client, org_a, support):
    client.post(support + "acteurs/nouveau/", ACTOR)
    actor = Actor.objects.get(organisation=org_a)
    assert (actor.rna, actor.commune_code, actor.kind) == ("W141000001", "14118", "ACI")
    assert actor.themes == ["solidarites"]
    assert actor.labels == ["ESS", "SIAE"]
    assert actor.sources.get().kind == "manuel"
    # the same RNA again: recognised, a second source, no duplicate
    client.post(support + "acteurs/nouveau/", {**ACTOR, "name": "Épicerie solidaire"})
    assert Actor.objects.filter(organisation=org_a).count() == 1
    assert actor.sources.count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("identifier", "W12", "n&#x27;est pas un numéro RNA"),
        ("identifier", "34224660000032", "clé de contrôle"),
        ("commune_code", "99999", "inconnu du COG"),
        ("kind", "INVENTE", "INVENTE"),
        ("name", "", "Nom de l&#x27;acteur"),
    ],
)
def test_actor_refused_per_field(client, org_a, support, field, value, message):
    page = client.post(support + "acteurs/nouveau/", {**ACTOR, field: value}, follow=True).content.decode()
    assert message in page
    assert not Actor.objects.filter(organisation=org_a).exists()


@pytest.mark.django_db
def test_scheme_entered_by_hand_and_exported_in_the_national_format(client, org_a, support):
    client.post(support + "dispositifs/nouveau/", SCHEME)
    scheme = Scheme.objects.get(organisation=org_a)
    assert scheme.geographie == ["DEP-14", "DEP-50"]
    assert scheme.porteurs == [{"nom": "Région", "siren": "200053403", "roles": ["financeur"]}]
    assert scheme.types_aides == ["financement", "conseil"]
    row = dict(zip(schemes_csv.COLUMNS, schemes_csv.scheme_row(scheme), strict=True))
    assert schemes_csv.parse_scheme_rows([row])[0]["uid"] == scheme.uid  # valid again in the national format
    csv = client.get(support + "dispositifs-aide.csv").content.decode()
    assert "Fonds local d'amorçage" in csv


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("geographie", "Calvados", "codes TYPE-code attendus"),
        ("porteur_siren", "123456789", "n&#x27;est pas un SIREN valide"),
        ("cibles", ["touristes"], "touristes"),
        ("date_cloture", "2026-01-01", "La clôture doit suivre l&#x27;ouverture"),
        ("promesse", "x" * 181, "actuellement 181"),
    ],
)
def test_scheme_refused_per_field(client, org_a, support, field, value, message):
    page = client.post(support + "dispositifs/nouveau/", {**SCHEME, field: value}, follow=True).content.decode()
    assert message in page
    assert not Scheme.objects.filter(organisation=org_a).exists()


@pytest.mark.django_db
def test_entry_forms_shown_to_editors_only(client, org_a, members_a):
    client.force_login(members_a[Role.APPUI])
    assert "Ajouter un acteur du territoire" in client.get(f"/o/{org_a.slug}/territoire/").content.decode()
    reader = next((members_a[r] for r in members_a if r not in (Role.ACHETEUR, Role.APPUI, Role.ADMIN)), None)
    if reader is not None:
        client.force_login(reader)
        assert client.post(f"/o/{org_a.slug}/territoire/acteurs/nouveau/", ACTOR).status_code == 403
        assert not Actor.objects.filter(organisation=org_a).exists()
