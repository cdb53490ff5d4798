"""Segments, segment guides and the clause library: national content, adaptation by an organisation with
versions, read-only national clauses, CPV → segment."""

import pytest

from pilote.clauses import panels
from pilote.clauses.models import Clause, GuideRevision, Segment, SegmentGuide
from pilote.clauses.panels import SegmentPanel
from pilote.clauses.queries import guide_for, segment_for_cpv
from pilote.core.enums import Role


pytestmark = pytest.mark.django_db

REQUIRED_GUIDES = [
    "restauration-collective",
    "nettoyage",
    "btp",
    "informatique",
    "fournitures-bureau",
    "vehicules",
    "energie",
    "textiles",
    "mobilier",
    "espaces-verts",
    "evenementiel",
]


def test_national_guides_shipped_with_questions_and_clauses():
    for code in REQUIRED_GUIDES:
        guide = SegmentGuide.objects.get(organisation=None, segment__code=code)
        assert guide.question_list, code
        assert guide.recommended_clauses.exists(), code
        assert guide.legal_references, code


def test_cpv_code_finds_the_most_specific_segment(org_a):
    assert segment_for_cpv(org_a, "90919200").code == "nettoyage"
    assert segment_for_cpv(org_a, "45210000").code == "btp"
    assert segment_for_cpv(org_a, "15894210").code == "restauration-collective"
    assert segment_for_cpv(org_a, "34144900").code == "vehicules"
    own = Segment.objects.create(organisation=org_a, code="vitrerie", label="Vitrerie", cpv_prefixes="909112")
    assert segment_for_cpv(org_a, "90911200") == own


def test_support_adapts_guide_and_history_is_kept(client, org_a, members_a):
    client.force_login(members_a[Role.APPUI])
    url = f"/o/{org_a.slug}/guides/nettoyage/modifier/"
    form = client.get(url)
    assert "journée" in form.content.decode()  # starts from the national guide
    national = guide_for(org_a, Segment.objects.get(code="nettoyage", organisation=None))
    clause = national.recommended_clauses.first()
    data = {"summary": "Notre guide", "questions": "Question 1 ?\nQuestion 2 ?", "recommended_clauses": [clause.pk]}
    assert client.post(url, data).status_code == 302
    data["questions"] = "Question 1 ?"
    data["common_criteria"] = [clause.pk]
    client.post(url, data)
    own = SegmentGuide.objects.get(organisation=org_a, segment__code="nettoyage")
    assert own.version == 2
    assert own.question_list == ["Question 1 ?"]
    assert list(own.common_criteria.all()) == [clause]
    revisions = GuideRevision.objects.filter(guide=own).order_by("version")
    assert [r.version for r in revisions] == [1, 2]
    assert revisions[1].changes["questions"] == ["Question 1 ?\nQuestion 2 ?", "Question 1 ?"]
    # The national guide is untouched, and the organisation now sees its own.
    assert SegmentGuide.objects.get(organisation=None, segment__code="nettoyage").summary != "Notre guide"
    page = client.get(f"/o/{org_a.slug}/guides/nettoyage/").content.decode()
    assert "Notre guide" in page
    assert "Version 2" in page


def test_agent_cannot_edit_guides(client, org_a, members_a):
    client.force_login(members_a[Role.AGENT])
    response = client.post(f"/o/{org_a.slug}/guides/nettoyage/modifier/", {"summary": "Piraté"})
    assert response.status_code == 403
    assert not SegmentGuide.objects.filter(organisation=org_a).exists()


def test_clause_versions_and_national_clauses_read_only(client, org_a, members_a):
    client.force_login(members_a[Role.APPUI])
    national = Clause.objects.filter(organisation=None).first()
    response = client.get(f"/o/{org_a.slug}/clauses/{national.pk}/modifier/", follow=True)
    assert "ne sont pas modifiables" in response.content.decode()
    copy_response = client.post(f"/o/{org_a.slug}/clauses/{national.pk}/copier/")
    copy = Clause.objects.get(organisation=org_a)
    assert copy_response["Location"].endswith(f"/clauses/{copy.pk}/modifier/")
    data = {
        "kind": copy.kind,
        "title": copy.title,
        "text": "Texte adapté",
        "legal_basis": copy.legal_basis,
        "is_active": "on",
    }
    client.post(f"/o/{org_a.slug}/clauses/{copy.pk}/modifier/", data)
    copy.refresh_from_db()
    assert copy.version == 2
    assert copy.text == "Texte adapté"
    assert copy.revisions.get(version=1).snapshot["text"] == national.text
    page = client.get(f"/o/{org_a.slug}/clauses/{copy.pk}/").content.decode()
    assert "Version 2" in page
    assert "Version 1" in page
    national.refresh_from_db()
    assert national.text != "Texte adapté"


def test_clause_of_other_organisation_is_invisible(client, org_a, org_b, members_a):
    theirs = Clause.objects.create(organisation=org_b, kind="critere_social", title="Secret de B", text="…")
    client.force_login(members_a[Role.APPUI])
    assert client.get(f"/o/{org_a.slug}/clauses/{theirs.pk}/").status_code == 404
    assert "Secret de B" not in client.get(f"/o/{org_a.slug}/clauses/").content.decode()


def test_clause_list_filters(client, org_a, members_a):
    client.force_login(members_a[Role.AGENT])
    page = client.get(f"/o/{org_a.slug}/clauses/?nature=reservation").content.decode()
    assert "réservé aux ESAT" in page
    assert "Écolabel" not in page
    assert "Véhicules à faibles émissions" in client.get(f"/o/{org_a.slug}/clauses/?q=faibles").content.decode()


def test_guide_page_renders_registered_segment_panels(client, org_a, members_a, monkeypatch, settings, tmp_path):
    seen = []

    def context(organisation, segment):
        seen.append((organisation, segment.code))
        return {"lessons": [f"Leçon de {segment.label}"]}

    panel = SegmentPanel(
        key="essai.panneau", title="Panneau d'essai", template="clauses/_test_panel.html", context=context
    )
    monkeypatch.setitem(panels._PANELS, panel.key, panel)
    (tmp_path / "clauses").mkdir()
    (tmp_path / "clauses" / "_test_panel.html").write_text("{% for l in panel.lessons %}<p>{{ l }}</p>{% endfor %}")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path]}]
    client.force_login(members_a[Role.ELU])
    page = client.get(f"/o/{org_a.slug}/guides/informatique/").content.decode()
    assert "reconditionné" in page
    assert "<h2>Panneau d&#x27;essai</h2>" in page
    assert 'data-panel="essai.panneau"' in page
    assert "<p>Leçon de Informatique" in page
    assert seen == [(org_a, "informatique")]


def test_a_failing_segment_panel_fails_the_guide_page(client, org_a, members_a, monkeypatch):
    def broken(organisation, segment):
        raise LookupError("retours introuvables")

    panel = SegmentPanel(key="essai.casse", title="Cassé", template="clauses/_segment_panels.html", context=broken)
    monkeypatch.setitem(panels._PANELS, panel.key, panel)
    client.force_login(members_a[Role.ELU])
    with pytest.raises(LookupError, match="retours introuvables"):
        client.get(f"/o/{org_a.slug}/guides/informatique/")


def test_segment_panel_keys_are_unique(monkeypatch):
    monkeypatch.setattr(panels, "_PANELS", {})
    first = SegmentPanel(key="a.b", title="A", template="t.html", context=lambda organisation, segment: {})
    panels.register_segment_panel(first)
    panels.register_segment_panel(first)  # the same panel again (AppConfig.ready run twice) is harmless
    with pytest.raises(ValueError, match="already registered"):
        panels.register_segment_panel(SegmentPanel(key="a.b", title="B", template="t.html", context=first.context))
    assert panels.segment_panels(None, None) == []


def test_support_adds_own_segment_used_by_cpv_matching(client, org_a, members_a):
    client.force_login(members_a[Role.APPUI])
    url = f"/o/{org_a.slug}/guides/nouveau-segment/"
    bad = client.post(url, {"code": "vitrerie", "label": "Vitrerie", "cpv_prefixes": "90x"}).content.decode()
    assert "préfixes CPV de 2 à 8 chiffres" in bad
    taken = client.post(url, {"code": "nettoyage", "label": "Mon nettoyage", "cpv_prefixes": "909"}).content.decode()
    assert "déjà utilisé" in taken
    response = client.post(url, {"code": "vitrerie", "label": "Vitrerie", "cpv_prefixes": "909112"})
    assert response["Location"].endswith("/guides/vitrerie/")
    assert segment_for_cpv(org_a, "90911200").code == "vitrerie"
    assert "Rédiger le guide" in client.get(response["Location"]).content.decode()
    assert Segment.objects.filter(organisation=org_a).count() == 1
