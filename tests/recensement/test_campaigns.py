"""Opening campaigns, declaring and editing needs: who may, what is saved, what is refused."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from pilote.core.enums import Role
from pilote.core.models import AuditEvent
from pilote.recensement import services
from pilote.recensement.models import Campaign, Need
from tests.recensement.conftest import need_fields


pytestmark = pytest.mark.django_db


def test_support_service_opens_campaign_and_services_are_told(
    client, org_a, members_a, django_capture_on_commit_callbacks
):
    client.force_login(members_a[Role.APPUI])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/o/{org_a.slug}/recensement/nouvelle-campagne/",
            {
                "year": 2027,
                "title": "Recensement 2027",
                "deadline": "2099-01-31",
                "big_purchase_threshold": "50000",
                "services": "Éducation\nBâtiments\n\néducation\n",
            },
        )
    campaign = Campaign.objects.get(organisation=org_a)
    assert response.status_code == 302
    assert sorted(campaign.services.values_list("name", flat=True)) == ["Bâtiments", "Éducation"]
    assert campaign.big_purchase_threshold == 50000
    assert len(mail.outbox) == 1
    assert sorted(mail.outbox[0].to) == sorted([members_a[Role.AGENT].email, members_a[Role.ACHETEUR].email])
    assert "31/01/2099" in mail.outbox[0].body
    assert AuditEvent.objects.filter(verb="recensement.campagne_ouverte", organisation=org_a).exists()


def test_agent_cannot_open_a_campaign(client, org_a, members_a):
    client.force_login(members_a[Role.AGENT])
    response = client.post(f"/o/{org_a.slug}/recensement/nouvelle-campagne/", {"year": 2027})
    assert response.status_code == 403
    assert not Campaign.objects.exists()


def test_second_campaign_same_year_and_past_deadline_refused(client, org_a, members_a, campaign):
    client.force_login(members_a[Role.APPUI])
    response = client.post(
        f"/o/{org_a.slug}/recensement/nouvelle-campagne/",
        {"year": 2027, "title": "Bis", "deadline": "2001-01-01", "big_purchase_threshold": "1", "services": "X"},
    )
    assert "La date limite est déjà passée." in response.content.decode()
    response = client.post(
        f"/o/{org_a.slug}/recensement/nouvelle-campagne/",
        {"year": 2027, "title": "Bis", "deadline": "2099-01-01", "big_purchase_threshold": "1", "services": "X"},
    )
    assert "Une campagne de recensement existe déjà pour 2027." in response.content.decode()
    assert Campaign.objects.count() == 1


def test_agent_declares_a_need_in_the_form(client, org_a, members_a, campaign, service):
    client.force_login(members_a[Role.AGENT])
    response = client.post(
        f"/o/{org_a.slug}/recensement/{campaign.pk}/besoins/nouveau/",
        {
            "service": service.pk,
            "objet": "Repas des écoles",
            "code_cpv": "55523100-3",
            "montant_estime": "120000",
            "recurrence": "annuel",
            "date_souhaitee": "2027-09-01",
            "site": "École A",
        },
    )
    assert response.status_code == 302
    need = Need.objects.get()
    assert (need.code_cpv, need.created_by, need.service) == ("55523100", members_a[Role.AGENT], service)
    page = client.get(f"/o/{org_a.slug}/recensement/{campaign.pk}/").content.decode()
    assert "Repas des écoles" in page
    assert "Fiche visa obligatoire" in page  # 120 000 ≥ 90 000


def test_form_errors_are_french_and_nothing_saved(client, org_a, members_a, campaign, service):
    client.force_login(members_a[Role.AGENT])
    response = client.post(
        f"/o/{org_a.slug}/recensement/{campaign.pk}/besoins/nouveau/",
        {"service": service.pk, "objet": "Repas", "code_cpv": "1234", "montant_estime": "10", "recurrence": "annuel"},
    )
    assert "mal formé (8 chiffres attendus" in response.content.decode()
    response = client.post(
        f"/o/{org_a.slug}/recensement/{campaign.pk}/besoins/nouveau/",
        {
            "service": service.pk,
            "objet": "Repas",
            "code_cpv": "55523100",
            "montant_estime": "0",
            "recurrence": "annuel",
        },
    )
    assert "Le montant estimé doit être supérieur à 0 € HT." in response.content.decode()
    assert not Need.objects.exists()


def test_contract_end_without_contract_is_refused(campaign, members_a):
    with pytest.raises(ValidationError, match="contrat en cours"):
        services.do_create_need(
            campaign, actor=members_a[Role.AGENT], fields=need_fields(campaign, date_fin_contrat=dt.date(2027, 6, 30))
        )
    assert not Need.objects.exists()


def test_only_author_or_support_service_edits_and_nobody_after_closing(client, org_a, members_a, campaign):
    need = services.do_create_need(campaign, actor=members_a[Role.AGENT], fields=need_fields(campaign))
    url = f"/o/{org_a.slug}/recensement/{campaign.pk}/besoins/{need.pk}/modifier/"
    client.force_login(members_a[Role.ACHETEUR])
    response = client.get(url)
    assert response.status_code == 302  # sent back with a message: not theirs
    with pytest.raises(ValidationError):
        services.do_update_need(need, actor=members_a[Role.ACHETEUR], roles={Role.ACHETEUR}, fields={"objet": "X"})
    updated = services.do_update_need(
        need, actor=members_a[Role.APPUI], roles={Role.APPUI}, fields={"objet": "Restauration scolaire et goûters"}
    )
    assert updated.objet == "Restauration scolaire et goûters"
    services.do_close_campaign(campaign, actor=members_a[Role.APPUI], confirmed=True)
    with pytest.raises(ValidationError, match="ne peut pas être modifié"):
        services.do_update_need(need, actor=members_a[Role.AGENT], roles={Role.AGENT}, fields={"objet": "Y"})
    with pytest.raises(ValidationError, match="close"):
        services.do_create_need(campaign, actor=members_a[Role.AGENT], fields=need_fields(campaign, objet="Z"))


def test_delete_need(client, org_a, members_a, campaign):
    need = services.do_create_need(campaign, actor=members_a[Role.AGENT], fields=need_fields(campaign))
    client.force_login(members_a[Role.AGENT])
    url = f"/o/{org_a.slug}/recensement/{campaign.pk}/besoins/{need.pk}/supprimer/"
    page = client.post(url)
    assert page.status_code == 200  # the confirmation step: nothing deleted yet
    assert "Confirmer : supprimer le besoin" in page.content.decode()
    assert Need.objects.exists()
    with pytest.raises(ValidationError, match="Confirmez"):
        services.do_delete_need(need, actor=members_a[Role.AGENT], roles={Role.AGENT})
    client.post(url, {"confirm": "1"})
    assert not Need.objects.exists()
    assert AuditEvent.objects.filter(verb="recensement.besoin_supprime").exists()


def test_close_campaign_after_confirmation(client, org_a, members_a, campaign):
    client.force_login(members_a[Role.APPUI])
    url = f"/o/{org_a.slug}/recensement/{campaign.pk}/clore/"
    page = client.post(url).content.decode()
    assert "Une campagne close ne se rouvre pas." in page
    campaign.refresh_from_db()
    assert campaign.is_open
    with pytest.raises(ValidationError, match="Confirmez"):
        services.do_close_campaign(campaign, actor=members_a[Role.APPUI])
    client.post(url, {"confirm": "1"})
    campaign.refresh_from_db()
    assert not campaign.is_open
    assert AuditEvent.objects.filter(verb="recensement.campagne_close").count() == 1


def test_campaign_of_another_organisation_is_not_found(client, org_b, members_b, campaign):
    client.force_login(members_b[Role.APPUI])
    assert client.get(f"/o/{org_b.slug}/recensement/{campaign.pk}/").status_code == 404


def test_cpv_suggestions_fragment(client, org_a, members_a):
    client.force_login(members_a[Role.AGENT])
    response = client.get(f"/o/{org_a.slug}/recensement/suggestion-cpv/", {"objet": "restauration scolaire"})
    assert response.status_code == 200
    assert "5552" in response.content.decode()
