"""Demo content of the census: a campaign of the Commune de Lambersart (accompanied by the shared support
service) filled from the example spreadsheet's valid rows. Everything is synthetic and says so; the campaign
of the Région Normandie is left for the visitor to open (that is the demo journey)."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from pilote.core.models import Organisation, User
from pilote.recensement import services, spreadsheet
from pilote.recensement.exports import EXAMPLE_SERVICES, example_file
from pilote.recensement.models import Campaign


@transaction.atomic
def prepare_demo() -> list[str]:
    organisation = Organisation.objects.filter(slug="lambersart").first()
    actor = User.objects.filter(email="appui@demo.pilote.test").first()
    if organisation is None or actor is None:
        return []
    year = timezone.localdate().year + 1
    if Campaign.objects.filter(organisation=organisation, year=year).exists():
        return []
    campaign = services.do_open_campaign(
        organisation,
        actor=actor,
        year=year,
        title=f"Recensement des besoins {year} (démonstration, données fictives)",
        deadline=max(timezone.localdate() + dt.timedelta(days=45), dt.date(year - 1, 12, 15)),
        big_purchase_threshold=90000,
        services=EXAMPLE_SERVICES,
    )
    parsed = spreadsheet.parse(example_file(), services=EXAMPLE_SERVICES)
    needs = services.do_import_needs(
        campaign, actor=actor, parsed=parsed, only_valid=True, filename="exemple-recensement-besoins.xlsx"
    )
    return [f"campagne de recensement {campaign} ({len(needs)} besoins fictifs)"]
