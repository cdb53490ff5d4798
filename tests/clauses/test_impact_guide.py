"""The segment guides' section « guide de sourcing et d'analyse des impacts »: format of the impact questions,
national content for every national guide, edited by the support service with a revision, shown on the guide."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from pilote.clauses.impact import ImpactCriterion, format_impact_questions, parse_impact_questions
from pilote.clauses.models import Segment, SegmentGuide
from pilote.clauses.national_impacts import IMPACTS, fill_national_impacts
from pilote.clauses.services import do_save_guide
from pilote.core.enums import Role


def test_parse_impact_questions_names_the_bad_line():
    text = "insertion | Combien d'heures ?\n\n siae_ess |Quelle part ?"
    assert parse_impact_questions(text) == [("insertion", "Combien d'heures ?"), ("siae_ess", "Quelle part ?")]
    assert parse_impact_questions(format_impact_questions(parse_impact_questions(text))) == parse_impact_questions(
        text
    )
    with pytest.raises(ValidationError, match="Ligne 2"):
        parse_impact_questions("distance | Combien de km ?\nlocalisation | Êtes-vous local ?")
    with pytest.raises(ValidationError, match="Ligne 1"):
        parse_impact_questions("insertion |   ")


@pytest.mark.django_db
def test_every_national_guide_has_sourcing_and_impact_questions():
    guides = SegmentGuide.objects.filter(organisation__isnull=True).select_related("segment")
    assert guides.count() == len(IMPACTS)
    for guide in guides:
        assert guide.sourcing_question_list, guide.segment.code
        pairs = parse_impact_questions(guide.impact_questions)  # every line is valid
        assert len(pairs) >= 2, guide.segment.code
        assert {c for c, _q in pairs} <= set(ImpactCriterion.values)
        assert guide.impact_question_pairs == pairs


@pytest.mark.django_db
def test_filling_national_sections_never_overwrites(org_a):
    guide = SegmentGuide.objects.get(organisation__isnull=True, segment__code="btp")
    SegmentGuide.objects.filter(pk=guide.pk).update(
        sourcing_questions="Question écrite par le service", impact_questions=""
    )
    assert fill_national_impacts(Segment, SegmentGuide) == ["btp"]
    guide.refresh_from_db()
    assert guide.sourcing_questions == "Question écrite par le service"
    assert guide.impact_question_pairs[0][0] == "insertion"
    assert fill_national_impacts(Segment, SegmentGuide) == []


@pytest.mark.django_db
def test_bad_impact_questions_are_refused_and_nothing_is_saved(org_a, members_a):
    segment = Segment.objects.get(organisation__isnull=True, code="nettoyage")
    with pytest.raises(ValidationError, match="Ligne 1"):
        do_save_guide(org_a, segment, actor=members_a[Role.APPUI], fields={"impact_questions": "heures sans critère"})
    assert not SegmentGuide.objects.filter(organisation=org_a).exists()
    guide = do_save_guide(
        org_a, segment, actor=members_a[Role.APPUI],
        fields={"impact_questions": "distance | Quelle distance du dépôt ?", "sourcing_questions": "Qui fait quoi ?"},
    )  # fmt: skip
    assert guide.revisions.get().changes["impact_questions"][1] == "distance | Quelle distance du dépôt ?"


@pytest.mark.django_db
def test_guide_page_shows_the_section_and_support_service_edits_it(client, org_a, members_a):
    url = reverse("clauses:guide", args=[org_a.slug, "nettoyage"])
    client.force_login(members_a[Role.AGENT])
    page = client.get(url).content.decode()
    assert 'id="impacts"' in page
    assert "Heures d&#x27;insertion" in page
    assert "CCP art. R. 2111-1" in page
    assert "texte relu sur" in page
    assert client.get(reverse("clauses:guide_edit", args=[org_a.slug, "nettoyage"])).status_code == 403

    client.force_login(members_a[Role.APPUI])
    edit = reverse("clauses:guide_edit", args=[org_a.slug, "nettoyage"])
    form = client.get(edit).context["form"]
    data = {name: form[name].value() or "" for name in ("summary", "questions", "legal_references", "labels",
                                                        "pitfalls", "sourcing_tips", "sourcing_questions")}  # fmt: skip
    bad = client.post(edit, data | {"impact_questions": "insertion sans barre"})
    assert bad.status_code == 200
    assert "Ligne 1" in bad.content.decode()
    assert not SegmentGuide.objects.filter(organisation=org_a).exists()
    good = client.post(edit, data | {"impact_questions": "siae_ess | Quelle part confiée à une entreprise adaptée ?"})
    assert good.status_code == 302
    own = SegmentGuide.objects.get(organisation=org_a)
    assert own.impact_question_pairs == [("siae_ess", "Quelle part confiée à une entreprise adaptée ?")]
    assert own.sourcing_questions == data["sourcing_questions"]  # the national content was the starting point
