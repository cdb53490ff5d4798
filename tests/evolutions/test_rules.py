import datetime as dt
from decimal import Decimal
from types import SimpleNamespace as NS

from pilote.evolutions import builder, rules
from pilote.evolutions.legal import Ground


def _register(**kw):
    base = {"initial_amount": Decimal("100000"), "nature": "services", "notified_on": dt.date(2025, 1, 10),
            "utility": False, "awarded_by_cao": True}  # fmt: skip
    return NS(**(base | kw))


def _mod(delta, ground=Ground.FAIBLE_MONTANT, answers=None, clause_id=None):
    return NS(amount_delta=Decimal(delta), ground=ground, substantial_answers=answers or {}, clause_id=clause_id)


def codes(issues):
    return sorted(i.code for i in issues)


def test_de_minimis_is_cumulated_and_depends_on_the_nature():
    services = _register()
    assert codes(rules.check(services, [_mod(6000)], _mod(3000), "etat")) == []
    assert "faible_montant" in codes(rules.check(services, [_mod(6000)], _mod(4000), "etat"))  # 10 000 = 10 %
    works = _register(nature="travaux")
    assert "faible_montant" not in codes(rules.check(works, [_mod(6000)], _mod(4000), "etat"))  # 15 % for works


def test_fifty_percent_applies_to_each_supplementary_modification_of_a_contracting_authority():
    reg = _register()
    big = _mod(50001, Ground.SUPPLEMENTAIRES)
    assert rules.blocking(rules.check(reg, [], big, "etat"))[0].code == "cinquante"
    # successive modifications: the cap is per modification (R. 2194-4), not cumulated
    assert (
        rules.blocking(rules.check(reg, [_mod(40000, Ground.SUPPLEMENTAIRES)], _mod(40000, Ground.IMPREVUES), "etat"))
        == []
    )
    assert rules.blocking(rules.check(_register(utility=True), [], big, "etat")) == []


def test_cao_opinion_above_five_percent_for_local_authorities_only():
    reg = _register()
    mod = _mod(6000, Ground.SUPPLEMENTAIRES)
    assert rules.opinions_needed([i.as_dict() for i in rules.check(reg, [], mod, "commune")]) == {"cao"}
    assert rules.opinions_needed([i.as_dict() for i in rules.check(reg, [], mod, "etat")]) == set()
    assert (
        rules.opinions_needed(
            [i.as_dict() for i in rules.check(reg, [], _mod(4000, Ground.SUPPLEMENTAIRES), "commune")]
        )
        == set()
    )
    assert (
        rules.opinions_needed([i.as_dict() for i in rules.check(_register(awarded_by_cao=False), [], mod, "commune")])
        == set()
    )


def test_substantial_answers_block_a_non_substantial_ground():
    mod = _mod(100, Ground.NON_SUBSTANTIELLE, answers={"champ": True})
    assert codes(rules.blocking(rules.check(_register(), [], mod, "etat"))) == ["substantielle"]


def test_clause_cap_and_missing_clause():
    clause = NS(pk=7, cap_share=Decimal("8"), jury_opinion=True)
    reg = _register()
    ok = rules.check(reg, [_mod(5000, Ground.CLAUSE, clause_id=7)], _mod(3000, Ground.CLAUSE), "etat", clause)
    assert codes(ok) == ["jury"]
    over = rules.check(reg, [_mod(5000, Ground.CLAUSE, clause_id=7)], _mod(3001, Ground.CLAUSE), "etat", clause)
    assert "plafond_clause" in codes(rules.blocking(over))
    assert codes(rules.check(reg, [], _mod(1, Ground.CLAUSE), "etat")) == ["clause"]


def test_publication_deadline_is_two_months_end_of_month_safe():
    assert rules.publication_deadline(dt.date(2025, 12, 31)) == dt.date(2026, 2, 28)
    assert rules.publication_deadline(dt.date(2025, 3, 15)) == dt.date(2025, 5, 15)


def test_counters_track_each_limit():
    reg = _register()
    out = {c.code: c for c in rules.counters(reg, [_mod(4000), _mod(3000, Ground.SUPPLEMENTAIRES)], "commune")}
    assert out["faible_montant"].used == 4000
    assert out["faible_montant"].limit == 10000
    assert out["total"].used == 7000
    assert out["cao"].limit == 5000
    assert out["cinquante"].used == 3000
    assert out["cinquante"].limit == 50000
    assert "cao" not in {c.code for c in rules.counters(reg, [], "etat")}


def test_clause_builder_requires_a_measurable_trigger_and_a_cap():
    from tests.evolutions.helpers import clause_fields

    assert builder.problems(clause_fields()) == {}
    assert set(builder.problems(clause_fields(measure="", threshold=None, cap_share=None))) == {
        "measure", "threshold", "cap_share"}  # fmt: skip
    assert "threshold" not in builder.problems(clause_fields(trigger="evenement", threshold=None))
    assert "cap_share" in builder.problems(clause_fields(cap_share=Decimal("120")))
    assert set(builder.problems({})) >= {"title", "scope", "proposer", "decider", "measure", "cap_share"}
    text = builder.text(clause_fields())
    assert "R. 2194-1" in text
    assert "8 %" in text
    assert "Indice BT01" in text
