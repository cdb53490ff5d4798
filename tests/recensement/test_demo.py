"""Demo content: a campaign of the commune accompanied by the shared support service, filled from the example,
labelled as fictitious; a second run creates nothing."""

import pytest

from pilote.core.demo import prepare_demo as prepare_core
from pilote.recensement.demo import prepare_demo
from pilote.recensement.models import Campaign


@pytest.mark.django_db
def test_demo_campaign_is_created_once_and_labelled():
    prepare_core()
    created = prepare_demo()
    campaign = Campaign.objects.get(organisation__slug="lambersart")
    assert "données fictives" in campaign.title
    assert campaign.needs.count() == 6
    assert created == [f"campagne de recensement {campaign} (6 besoins fictifs)"]
    assert prepare_demo() == []
    assert not Campaign.objects.filter(organisation__slug="region-normandie").exists()
