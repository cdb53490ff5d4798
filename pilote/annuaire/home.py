"""What the directory contributes to the header search (pilote.ui.search): the people the organisation may see
(its own, and others' who agreed to be shared), searched like the directory page."""

from urllib.parse import urlencode

from django.urls import reverse

from pilote.annuaire import permissions as perms, queries
from pilote.ui.search import MAX_HITS, Found, Hit, SearchSource, register_search_source


def find_people(request, q: str) -> Found:
    people = queries.search_people(request.organisation, q=q)
    slug = request.organisation.slug
    hits = [
        Hit(
            str(person),
            reverse("annuaire:person_detail", kwargs={"slug": slug, "person_id": person.pk}),
            " · ".join(part for part in (person.job_title, person.department, person.organisation.name) if part),
        )
        for person in people[:MAX_HITS]
    ]
    more = reverse("annuaire:home", kwargs={"slug": slug}) + "?" + urlencode({"q": q})
    return Found(hits, len(people), more)


def register_search_sources() -> None:
    """Called by AnnuaireConfig.ready."""
    register_search_source(SearchSource("annuaire.people", "Personnes", perms.CAN_VIEW, find_people, 60))
