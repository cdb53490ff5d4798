import pytest
from django.core.exceptions import ValidationError

from pilote.core.enums import Role
from pilote.strategie import juries, services
from pilote.strategie.models import JuryMember, Volunteer
from tests.strategie import helpers


@pytest.fixture
def appui(members_a):
    return members_a[Role.APPUI]


def test_draw_from_a_published_seed_is_reproducible_and_refused_twice(org_a, appui):
    jury = helpers.jury(org_a, appui)
    helpers.volunteers(jury, appui)
    with pytest.raises(ValidationError, match="Publiez d'abord"):
        juries.do_draw_jury(jury, actor=appui, seed="graine-publique")
    juries.do_publish_seed(jury, actor=appui, seed="graine-publique")
    with pytest.raises(ValidationError, match="close"):
        juries.do_add_volunteer(jury, actor=appui, consent=True, strata={"genre": "femme"}, name="Tardive")
    with pytest.raises(ValidationError, match="ne correspond pas"):
        juries.do_draw_jury(jury, actor=appui, seed="autre-graine")
    jury = juries.do_draw_jury(jury, actor=appui, seed="graine-publique")
    members = list(jury.members.values_list("volunteer_id", flat=True))
    genders = [Volunteer.objects.get(pk=m).strata["genre"] for m in members]
    assert sorted(genders) == ["femme", "femme", "homme", "homme"]
    with pytest.raises(ValidationError, match="déjà été tiré avec cette graine"):
        juries.do_draw_jury(jury, actor=appui, seed="graine-publique")
    # anyone can redo the draw from the published seed and the frozen pool
    again, _ = juries.sortition.draw(juries.pool_of(jury), juries.quotas_of(jury), jury.size, "graine-publique")
    assert again == members
    assert set(jury.probabilities) == {str(v) for v in jury.volunteers.values_list("pk", flat=True)}


def test_impossible_quota_is_refused_before_the_draw_naming_the_stratum(org_a, appui):
    jury = helpers.jury(org_a, appui, quotas=[("genre", "femme", 3, 3), ("genre", "homme", 1, 1)])
    helpers.volunteers(jury, appui, n_women=2, n_men=4)
    with pytest.raises(ValidationError) as error:
        juries.do_publish_seed(jury, actor=appui, seed="graine-publique")
    assert "Strate « genre = femme » : au moins 3 membres demandés, 2 volontaire(s) seulement." in str(error.value)
    jury.refresh_from_db()
    assert jury.seed_commitment == ""


def test_volunteer_consent_strata_siren_and_erasure(org_a, appui):
    jury = helpers.jury(org_a, appui)
    with pytest.raises(ValidationError, match="consentir"):
        juries.do_add_volunteer(jury, actor=appui, consent=False, strata={"genre": "femme"}, name="A")
    with pytest.raises(ValidationError, match="genre"):
        juries.do_add_volunteer(jury, actor=appui, consent=True, strata={}, name="A")
    with pytest.raises(ValidationError, match="SIREN"):
        juries.do_add_volunteer(
            jury, actor=appui, consent=True, strata={"genre": "femme"}, name="A", employer_siren="123456789"
        )
    volunteer = juries.do_add_volunteer(
        jury,
        actor=appui,
        consent=True,
        strata={"genre": "femme"},
        name="Anne Martin",
        email="anne@example.org",
        employer_siren="552 100 554",
    )
    assert volunteer.employer_siren == "552100554"
    juries.do_erase_volunteer(volunteer, actor=appui)
    volunteer.refresh_from_db()
    assert volunteer.erased
    assert "Anne" not in volunteer.name
    assert volunteer.email == ""
    assert volunteer.employer_siren == ""


def test_replacement_and_conflicts(org_a, appui, monkeypatch):
    monkeypatch.setattr(juries.figures, "titulaires", lambda organisation: {"552100554": "Traiteur SA"})
    jury = helpers.jury(org_a, appui)
    helpers.volunteers(jury, appui)
    for volunteer in jury.volunteers.all():
        volunteer.employer_siren = "552100554"
        volunteer.save()
    juries.do_publish_seed(jury, actor=appui, seed="graine-publique")
    jury = juries.do_draw_jury(jury, actor=appui, seed="graine-publique")
    member = jury.members.first()
    assert member.conflicts == ["552100554 (Traiteur SA)"]
    new = juries.do_replace_member(member, actor=appui)
    assert new.replaces == member
    assert new.volunteer.strata == member.volunteer.strata  # the quota stays met
    with pytest.raises(ValidationError, match="déjà été remplacé"):
        juries.do_replace_member(JuryMember.objects.get(pk=member.pk), actor=appui)


def test_opinion_on_a_revision(org_a, appui, members_a):
    strategy, _ = helpers.finished_strategy(org_a, members_a[Role.ACHETEUR])
    jury = helpers.jury(org_a, appui, strategy=strategy)
    version = strategy.versions.first()
    with pytest.raises(ValidationError, match="pas encore été tiré"):
        juries.do_record_opinion(jury, actor=appui, version=version, verdict="favorable", reasons="r")
    helpers.volunteers(jury, appui)
    juries.do_publish_seed(jury, actor=appui, seed="graine-publique")
    juries.do_draw_jury(jury, actor=appui, seed="graine-publique")
    opinion = juries.do_record_opinion(
        jury, actor=appui, version=version, verdict="reserves", reasons="Coût", minority="Deux membres contre"
    )
    assert opinion.subject == "Stratégie repas — version 1"
    other, _ = helpers.finished_strategy(org_a, members_a[Role.ACHETEUR])
    with pytest.raises(ValidationError, match="mandat"):
        juries.do_record_opinion(jury, actor=appui, version=other.versions.first(), verdict="favorable", reasons="r")
    assert services is not None
