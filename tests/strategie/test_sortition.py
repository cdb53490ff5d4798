import pytest

from pilote.strategie import sortition
from pilote.strategie.sortition import Quota


def pool(n_f=10, n_h=10, communes=("Caen", "Rouen")):
    return [
        (i + 1, {"genre": "femme" if i < n_f else "homme", "commune": communes[i % len(communes)]})
        for i in range(n_f + n_h)
    ]


QUOTAS = [Quota("genre", "femme", 3, 3), Quota("genre", "homme", 3, 3), Quota("commune", "Caen", 2, 4)]


def test_same_seed_same_jury_and_quotas_hold():
    members, reserve = sortition.draw(pool(), QUOTAS, 6, "graine-publique-2027")
    again, reserve_again = sortition.draw(pool(), QUOTAS, 6, "graine-publique-2027")
    assert members == again
    assert reserve == reserve_again
    attrs = dict(pool())
    assert sum(attrs[p]["genre"] == "femme" for p in members) == 3
    assert 2 <= sum(attrs[p]["commune"] == "Caen" for p in members) <= 4
    assert sorted(members + reserve) == list(range(1, 21))


def test_another_seed_gives_another_jury_at_least_once():
    first, _ = sortition.draw(pool(), QUOTAS, 6, "graine-a")
    others = {tuple(sortition.draw(pool(), QUOTAS, 6, f"graine-{k}")[0]) for k in range(10)}
    assert len(others | {tuple(first)}) > 1


def test_impossible_quota_is_named_before_the_draw():
    problems = sortition.quota_problems(pool(n_f=2), [Quota("genre", "femme", 3, 5)], 4)
    assert problems == ["Strate « genre = femme » : au moins 3 membres demandés, 2 volontaire(s) seulement."]
    with pytest.raises(sortition.Infeasible, match="genre = femme"):
        sortition.draw(pool(n_f=2), [Quota("genre", "femme", 3, 5)], 4, "graine")
    too_many = sortition.quota_problems(pool(), [Quota("genre", "femme", 4, 4), Quota("genre", "homme", 4, 4)], 6)
    assert any("somme des minimums (8)" in p for p in too_many)
    too_few = sortition.quota_problems(pool(), [Quota("genre", "femme", 0, 1), Quota("genre", "homme", 0, 1)], 6)
    assert any("ne laissent que 2 places" in p for p in too_few)


def test_probabilities_follow_the_strata():
    people = pool(n_f=3, n_h=12)
    probabilities = sortition.probabilities(
        people, [Quota("genre", "femme", 3, 3), Quota("genre", "homme", 3, 3)], 6, "s", runs=50
    )
    assert probabilities[1] == pytest.approx(1.0)  # every woman is needed
    assert probabilities[10] == pytest.approx(0.25, abs=0.15)  # 3 seats among 12 men


def test_commitment_and_fingerprint():
    assert sortition.commitment("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    assert sortition.pool_fingerprint(pool()) != sortition.pool_fingerprint(pool(n_f=9, n_h=11))


def test_replacement_keeps_the_quotas():
    people = dict(pool(n_f=4, n_h=4))
    members = [(1, people[1]), (2, people[2]), (5, people[5]), (6, people[6])]
    reserve = [(7, people[7]), (3, people[3])]  # 7 is a man, 3 a woman
    quotas = [Quota("genre", "femme", 2, 2), Quota("genre", "homme", 2, 2)]
    assert sortition.replacement(members, 1, reserve, quotas) == 3
    assert sortition.replacement(members, 1, [], quotas) is None


def test_interest_conflicts_match_sirens_of_titulaires():
    found = sortition.interest_conflicts({1: {"552100554"}, 2: {"000000000"}}, {"552100554": "Traiteur SA"})
    assert found == {1: ["552100554 (Traiteur SA)"]}
