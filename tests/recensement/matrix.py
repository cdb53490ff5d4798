"""Permission-matrix providers for the census URLs (see tests/core/test_permission_matrix.py)."""

import datetime as dt


def _campaign(organisation):
    from pilote.recensement.models import Campaign, CampaignService
    from tests.core.factories import UserFactory

    campaign = Campaign.objects.filter(organisation=organisation).order_by("pk").first()
    if campaign is None:
        campaign = Campaign.objects.create(
            organisation=organisation,
            year=2027,
            title="Recensement 2027",
            deadline=dt.date(2026, 12, 31),
            opened_by=UserFactory(),
        )
        CampaignService.objects.create(campaign=campaign, name="Éducation")
    return campaign


def _need(organisation):
    from pilote.recensement.models import Need

    campaign = _campaign(organisation)
    need = campaign.needs.order_by("pk").first()
    if need is None:
        need = Need.objects.create(
            campaign=campaign,
            service=campaign.services.first(),
            objet="Restauration scolaire",
            code_cpv="55523100",
            montant_estime=120000,
            created_by=campaign.opened_by,
        )
    return need.pk


KWARG_PROVIDERS = {
    "campaign_id": lambda organisation: _campaign(organisation).pk,
    "need_id": _need,
}

# A staged file's token: an unknown one sends back to the upload page (the page checks campaign and uploader).
KWARG_PROVIDERS["token"] = lambda organisation: "0" * 32
