"""Editing a resource already in the catalogue: the fields of its kind, through do_update_resource (audited,
organisation and role checked)."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from pilote.communs import catalogue, services
from pilote.communs.models import Resource, ResourceKind
from pilote.core.enums import Role
from pilote.core.models import AuditEvent
from tests.communs import helpers


pytestmark = pytest.mark.django_db


@pytest.fixture
def actor(members_a):
    return members_a[Role.APPUI]


def _url(name, org, **kwargs):
    return reverse(f"communs:{name}", kwargs={"slug": org.slug, **kwargs})


def test_update_changes_the_card_and_audits_each_change(org_a, actor):
    room = helpers.room(org_a, actor)
    catalogue.do_update_resource(
        room, actor=actor, capacity=55, accessibility="Rampe d'accès", valuation_rate=Decimal("30.00")
    )
    room.refresh_from_db()
    assert (room.capacity, room.accessibility, room.valuation_rate) == (55, "Rampe d'accès", Decimal("30.00"))
    event = AuditEvent.objects.get(verb="communs.ressource_modifiee")
    assert event.payload["changes"] == {
        "capacity": [40, 55],
        "accessibility": ["", "Rampe d'accès"],
        "valuation_rate": ["25.00", "30.00"],
    }


def test_nothing_changed_writes_no_audit_row(org_a, actor):
    room = helpers.room(org_a, actor)
    catalogue.do_update_resource(room, actor=actor, capacity=40)
    assert not AuditEvent.objects.filter(verb="communs.ressource_modifiee").exists()


def test_fields_of_another_kind_or_the_kind_itself_are_refused(org_a, actor):
    tool = helpers.tool(org_a, actor)
    for fields in ({"capacity": 10}, {"kind": ResourceKind.SALLE}, {"organisation": None}, {"draft": True}):
        with pytest.raises(ValidationError, match="ne se modifient pas"):
            catalogue.do_update_resource(tool, actor=actor, **fields)
    assert Resource.objects.get(pk=tool.pk).kind == ResourceKind.MATERIEL


def test_an_invalid_value_saves_nothing(org_a, actor):
    room = helpers.room(org_a, actor)
    with pytest.raises(ValidationError):
        catalogue.do_update_resource(room, actor=actor, name="Salle B", theme="Pas un thème SCDL")
    room.refresh_from_db()
    assert room.name == "Salle polyvalente"


def test_only_managers_of_the_organisation_update(org_a, members_a, members_b, actor):
    room = helpers.room(org_a, actor)
    for outsider in (members_a[Role.AGENT], members_a[Role.ELU], members_b[Role.ADMIN]):
        with pytest.raises(PermissionDenied):
            catalogue.do_update_resource(room, actor=outsider, name="Détournée")
    catalogue.do_update_resource(room, actor=members_a[Role.ACHETEUR], name="Salle du conseil")
    assert Resource.objects.get(pk=room.pk).name == "Salle du conseil"


@pytest.mark.parametrize(
    ("maker", "shown", "hidden"),
    [
        (helpers.room, ["id_theme", "id_capacity", "id_opening_hours", "id_accessibility"], ["id_share_class"]),
        (helpers.tool, ["id_share_class", "id_condition", "id_location"], ["id_theme", "id_skill"]),
        (
            lambda org, actor: services.do_create_resource(
                org, actor=actor, kind=ResourceKind.TEMPS, name="Conseil juridique", skill="statuts"
            ),
            ["id_skill", "id_hours_per_month", "id_manager_approved"],
            ["id_capacity", "id_condition"],
        ),
    ],
)
def test_the_form_shows_the_fields_of_the_kind(client, org_a, members_a, actor, maker, shown, hidden):
    resource = maker(org_a, actor)
    client.force_login(members_a[Role.ACHETEUR])
    page = client.get(_url("resource_edit", org_a, ressource_id=resource.pk)).content.decode()
    for field_id in [*shown, "id_name", "id_valuation_rate", "id_credit_price", "id_is_public"]:
        assert f'id="{field_id}"' in page, field_id
    for field_id in [*hidden, "id_kind"]:
        assert f'id="{field_id}"' not in page, field_id


def test_edit_through_the_form(client, org_a, members_a, actor):
    tool = helpers.tool(org_a, actor)
    client.force_login(members_a[Role.ACHETEUR])
    url = _url("resource_edit", org_a, ressource_id=tool.pk)
    data = {
        "name": "Nettoyeur 180 bars",
        "share_class": "outillage",
        "condition": "lance neuve",
        "location": "Atelier",
        "deposit_eur": "50",
        "valuation_rate": "32.50",
        "credit_price": "6",
        "purchase_value_eur": "450",
        "is_public": "on",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    tool.refresh_from_db()
    assert (tool.name, tool.condition, tool.valuation_rate, tool.credit_price, tool.is_public) == (
        "Nettoyeur 180 bars",
        "lance neuve",
        Decimal("32.50"),
        6,
        True,
    )
    detail = client.get(_url("resource", org_a, ressource_id=tool.pk)).content.decode()
    assert url in detail  # the link « Modifier la fiche de la ressource »
    assert "Modifier la fiche de la ressource" in detail


def test_a_bad_value_through_the_form_is_shown_in_french(client, org_a, members_a, actor):
    room = helpers.room(org_a, actor)
    client.force_login(members_a[Role.APPUI])
    response = client.post(
        _url("resource_edit", org_a, ressource_id=room.pk), {"name": "", "capacity": "-3", "credit_price": "2"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Ce champ est obligatoire." in page
    assert "supérieure ou égale à 0" in page
    room.refresh_from_db()
    assert room.name == "Salle polyvalente"


def test_agent_sees_no_edit_link_and_is_refused(client, org_a, members_a, actor):
    room = helpers.room(org_a, actor)
    client.force_login(members_a[Role.AGENT])
    assert "Modifier la fiche" not in client.get(_url("resource", org_a, ressource_id=room.pk)).content.decode()
    assert client.get(_url("resource_edit", org_a, ressource_id=room.pk)).status_code == 403
    assert client.post(_url("resource_edit", org_a, ressource_id=room.pk), {"name": "x"}).status_code == 403
