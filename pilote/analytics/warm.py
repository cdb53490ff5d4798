"""After each import is published: the cockpit views every visit starts from, computed into the shared cache."""

from django_tasks import task

from pilote.analytics import cockpit
from pilote.contracts.filters import parse_filters
from pilote.core.models import Organisation


WARM_YEARS = 3


def warm_cockpit():
    """Registered after-publish function: compute, right after the import, the national overview (as the open API
    and anonymous visitors ask it) and the national view of each of the last WARM_YEARS years, into the shared
    cache; their first visitors then get them in tens of milliseconds instead of about half a second (national
    aggregates over 1.44 M contracts). The organisations' views are enqueued (`warm_organisations_task`, run by
    the task worker): they cost 1.3-1.7 s per organisation at 1.6 M contracts (eight views with their peers),
    13.9 s for 10 organisations and 66.8 s for 40, which the import no longer waits for (session 17)."""
    years = _national_years()
    if years is None:
        return
    for year in years:
        cockpit.build(parse_filters({"perimetre": "national", "annee": year}, None)[0], None, with_peers=False)
    if Organisation.objects.filter(buyer_entities__isnull=False).exists():
        warm_organisations_task.enqueue()


def warm_organisations():
    """Each organisation's default view (with peers and the national reference) and the national view its
    members switch to, each also for the last WARM_YEARS years: most national queries are shared by all
    organisations, and the national ones are in the cache already (`warm_cockpit`)."""
    years = _national_years()
    if years is None:
        return
    for organisation in Organisation.objects.prefetch_related("buyer_entities"):
        if not organisation.sirets:
            continue
        for params in ({}, {"perimetre": "national"}):
            for year in (None, *years):
                query = {**params, "annee": year} if year else params
                cockpit.build(parse_filters(query, organisation)[0], organisation)


@task()
def warm_organisations_task():
    warm_organisations()


def _national_years() -> list | None:
    """The national overview computed (cached), and its last WARM_YEARS years; None without DECP data."""
    national = cockpit.build(parse_filters({"perimetre": "national"}, None)[0], None, with_peers=False)
    if not national.get("store"):
        return None
    return sorted((r["valeur"] for r in national["par_annee"] if r["valeur"]), reverse=True)[:WARM_YEARS]
