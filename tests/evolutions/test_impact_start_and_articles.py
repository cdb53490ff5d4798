"""A responsible negotiation starts from the segment guide's impact questions; the articles cited by the UI say
where their wording was checked, or that it was not."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from pilote.clauses.models import Segment
from pilote.clauses.services import do_save_guide, do_save_segment
from pilote.core.enums import Role
from pilote.evolutions import negotiation as service
from pilote.evolutions.models import Negotiation
from pilote.reglementation.articles import ARTICLES, article
from tests.evolutions import helpers


@pytest.fixture
def nettoyage(db):
    from pilote.clauses.models import Clause, SegmentGuide
    from pilote.clauses.national_guides import load_national_content
    from pilote.clauses.reference import ensure_national_segments

    ensure_national_segments()
    load_national_content(Segment, Clause, SegmentGuide)
    return Segment.objects.get(organisation__isnull=True, code="nettoyage")


def test_starting_questions_come_from_the_organisations_guide_first(org_a, members_a, nettoyage):
    national = service.starting_questions(org_a, nettoyage)
    assert national
    assert national[0][0] == "insertion"
    do_save_guide(org_a, nettoyage, actor=members_a[Role.APPUI], fields={"impact_questions": "distance | Dépôt ?"})
    assert service.starting_questions(org_a, nettoyage) == [("distance", "Dépôt ?")]
    assert service.starting_questionnaire(org_a, nettoyage) == "distance | Dépôt ?"
    assert service.starting_questions(org_a, None) == []


def test_segment_of_another_organisation_is_refused(org_a, org_b, members_a, members_b):
    foreign = do_save_segment(org_b, actor=members_b[Role.APPUI],
                              fields={"code": "b-seg", "label": "Segment de B", "cpv_prefixes": "9091"})  # fmt: skip
    with pytest.raises(ValidationError, match="autre organisation"):
        service.do_create_negotiation(org_a, actor=members_a[Role.ACHETEUR], title="X", bidders=["A", "B"],
                                      questions=[("insertion", "Q ?")], segment=foreign)  # fmt: skip
    assert not Negotiation.objects.exists()


def test_negotiation_form_is_prefilled_from_the_segment_guide(client, org_a, members_a, nettoyage):
    url = reverse("evolutions:negotiation_create", args=[org_a.slug])
    client.force_login(members_a[Role.ACHETEUR])
    response = client.get(url, {"segment": "nettoyage", "titre": "Nettoyage des lycées"})
    form = response.context["form"]
    assert form["questions"].value() == service.starting_questionnaire(org_a, nettoyage)
    assert form["segment"].value() == nettoyage.pk
    assert form["title"].value() == "Nettoyage des lycées"
    page = response.content.decode()
    assert "CCP art. R. 2161-17" in page
    assert "insertion |" in page
    assert client.get(url, {"segment": "inconnu"}).context["form"]["questions"].value() is None
    created = client.post(url, {"title": "Nettoyage", "segment": nettoyage.pk, "bidders": "A\nB",
                                "questions": form["questions"].value()})  # fmt: skip
    assert created.status_code == 302
    negotiation = Negotiation.objects.get()
    assert negotiation.segment == nettoyage
    assert list(negotiation.questions.values_list("criterion", "text")) == service.starting_questions(org_a, nettoyage)


def test_articles_say_where_they_were_checked_or_that_they_were_not(client, org_a, members_a):
    for entry in ARTICLES:
        assert entry.legifrance_url.startswith("https://www.legifrance.gouv.fr/")
    unverified = {a.code for a in ARTICLES if not a.verified}
    assert unverified == {"R2194-4", "DECP"}
    assert "ne peuvent faire l'objet de négociations" in article("R2161-17").summary
    with pytest.raises(LookupError):
        article("R2194-8", on=dt.date(2018, 1, 1))
    register = helpers.register(org_a, members_a[Role.ACHETEUR])
    client.force_login(members_a[Role.ELU])
    page = client.get(reverse("evolutions:register", args=[org_a.slug, register.pk])).content.decode()
    assert page.count("Texte non vérifié — consulter") == 2
    assert "LEGIARTI000037729541" in page  # R. 2194-8, read on doctrine.fr with its Légifrance identifier
