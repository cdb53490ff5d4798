"""Census fixtures: an open campaign of organisation A with the services of the shipped example."""

import datetime as dt

import pytest

from pilote.core.enums import Role
from pilote.recensement import services
from pilote.recensement.exports import EXAMPLE_SERVICES


@pytest.fixture
def campaign(org_a, members_a):
    return services.do_open_campaign(
        org_a,
        actor=members_a[Role.APPUI],
        year=2027,
        title="Recensement des besoins 2027",
        deadline=dt.date(2099, 1, 31),
        big_purchase_threshold=90000,
        services=EXAMPLE_SERVICES,
    )


@pytest.fixture
def service(campaign):
    return campaign.services.get(name="Éducation")


def need_fields(campaign, **values):
    fields = {
        "service": campaign.services.get(name=values.pop("service", "Éducation")),
        "objet": "Restauration scolaire",
        "code_cpv": "55523100",
        "montant_estime": 180000,
        "site": "École A",
    }
    fields.update(values)
    return fields
