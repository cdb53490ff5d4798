"""The jurors' space: a personal link per member (hashed, revocable, expiring with the term), public documents only,
the juror's own opinion, consolidated for the support service; the join page and the space are rate-limited."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from pilote.strategie import juries, juror_space, throttles
from pilote.strategie.models import JurorAccess, JurorOpinion
from tests.core.factories import MembershipFactory
from tests.strategie import helpers


@pytest.fixture
def setup(org_a, members_a):
    actor = members_a["appui"]
    strategy, _ = helpers.finished_strategy(org_a, actor)
    jury = helpers.jury(org_a, actor, strategy=strategy, size=2, quotas=[])
    helpers.volunteers(jury, actor, n_women=2, n_men=1)
    juries.do_publish_seed(jury, actor=actor, seed="graine-de-test")
    jury = juries.do_draw_jury(jury, actor=actor, seed="graine-de-test")
    members = list(jury.members.select_related("volunteer").order_by("rank"))
    return jury, members, actor, strategy


def _url(token):
    return reverse("strategie:juror_space", kwargs={"jeton": token})


def test_the_link_opens_the_public_documents_without_other_jurors_names(client, setup):
    jury, (first, second), actor, strategy = setup
    token = juror_space.do_issue_juror_link(first, actor=actor)
    access = JurorAccess.objects.get(member=first)
    assert token not in access.token_hash
    assert len(access.token_hash) == 64
    assert access.expires_on == jury.term_end
    page = client.get(_url(token))
    assert page.status_code == 200
    body = page.content.decode()
    assert strategy.title in body
    assert "Révision consultée : version 1" in body
    assert second.volunteer.name not in body
    assert first.volunteer.name not in body


def test_the_juror_records_and_amends_their_opinion_then_it_is_consolidated(client, setup):
    jury, (first, second), actor, strategy = setup
    token = juror_space.do_issue_juror_link(first, actor=actor)
    for verdict in ("favorable", "reserves"):
        answer = client.post(_url(token), {"version": "1", "verdict": verdict, "reasons": "Les circuits courts"})
        assert answer.status_code == 302
    opinion = JurorOpinion.objects.get(member=first)
    assert opinion.verdict == "reserves"
    assert opinion.version == strategy.versions.get(number=1)
    other = juror_space.do_issue_juror_link(second, actor=actor)
    client.post(_url(other), {"version": "1", "verdict": "defavorable", "reasons": "Trop cher"})
    [row] = juror_space.consolidation(jury)
    assert row["counts"] == {"Favorable avec réserves": 1, "Défavorable": 1}
    staff = MembershipFactory(organisation=jury.organisation, role="appui").user
    client.force_login(staff)
    page = client.get(reverse("strategie:jury", kwargs={"slug": jury.organisation.slug, "jury_id": jury.pk}))
    assert "Trop cher" in page.content.decode()


def test_missing_reasons_are_refused_with_a_message(client, setup):
    _jury, (first, _second), actor, _strategy = setup
    token = juror_space.do_issue_juror_link(first, actor=actor)
    answer = client.post(_url(token), {"version": "1", "verdict": "favorable", "reasons": ""})
    assert answer.status_code == 400
    assert not JurorOpinion.objects.exists()


def test_wrong_revoked_expired_or_replaced_tokens_give_404(client, setup):
    _jury, (first, second), actor, _strategy = setup
    assert client.get(_url("pas-un-jeton")).status_code == 404
    old = juror_space.do_issue_juror_link(first, actor=actor)
    new = juror_space.do_issue_juror_link(first, actor=actor)
    assert client.get(_url(old)).status_code == 404  # a new link revokes the previous one
    assert client.get(_url(new)).status_code == 200
    juror_space.do_revoke_juror_link(first, actor=actor)
    assert client.get(_url(new)).status_code == 404
    expired = juror_space.do_issue_juror_link(second, actor=actor)
    JurorAccess.objects.filter(member=second).update(expires_on=timezone.localdate() - dt.timedelta(days=1))
    assert client.get(_url(expired)).status_code == 404
    assert client.post(_url(expired), {"version": "1", "verdict": "favorable", "reasons": "x"}).status_code == 404
    assert not JurorOpinion.objects.exists()


def test_the_link_is_managed_by_the_support_service_only(client, setup):
    jury, (first, _second), _actor, _strategy = setup
    url = reverse("strategie:juror_link_issue", kwargs={"slug": jury.organisation.slug, "membre_jury_id": first.pk})
    client.force_login(MembershipFactory(organisation=jury.organisation, role="acheteur").user)
    assert client.post(url).status_code in (403, 404)
    client.force_login(MembershipFactory(organisation=jury.organisation, role="appui").user)
    answer = client.post(url, follow=True)
    assert "/jure/" in answer.content.decode()
    assert JurorAccess.objects.filter(member=first, revoked_at__isnull=True).count() == 1


@pytest.mark.parametrize("page", ["join", "juror_space"])
def test_guest_pages_are_rate_limited(client, setup, monkeypatch, page):
    monkeypatch.setattr(throttles, "GUEST_RATE", "30/min")
    cache.clear()
    url = reverse("strategie:join", kwargs={"code": "ZZZZZZZZ"}) if page == "join" else _url("inconnu")
    codes = [client.get(url).status_code for _ in range(32)]
    assert codes[0] == 404
    assert codes[-1] == 429
    cache.clear()
