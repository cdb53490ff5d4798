"""French number formatting, one place (pilote.ui.formats), reached by the ui filters."""

from decimal import Decimal

import pytest
from django.template import Context, Template

from pilote.ui import formats


N = "\u202f"


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [(18364, 0, f"18{N}364"), (Decimal("1234.5"), 1, f"1{N}234,5"), (0, 0, "0"), (-0.01, 0, "0"), (None, 0, "—")],
)
def test_nombre(value, decimals, expected):
    assert formats.nombre(value, decimals) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("180000"), f"180{N}000{N}€"),
        (4_437_000_000, f"4,4{N}Md€"),
        (12_345_678, f"12,3{N}M€"),
        ("pas un nombre", "—"),
    ],
)
def test_euros_take_one_unit_rule(value, expected):
    assert formats.euros(value) == expected


def test_pourcent():
    assert formats.pourcent(0.123) == f"12,3{N}%"


@pytest.mark.parametrize(
    ("count", "nouns", "expected"),
    [
        (0, "fiche", "0 fiche"),
        (1, "fiche", "1 fiche"),
        (2, "fiche", "2 fiches"),
        (2, "besoin déclaré", "2 besoins déclarés"),
        (3, "fiche visa,fiches visa", "3 fiches visa"),
        (18364, "contrat", f"18{N}364 contrats"),
    ],
)
def test_compte_agrees_the_french_way(count, nouns, expected):
    assert formats.compte(count, nouns) == expected


def test_filters_are_builtins_of_every_template():
    html = Template('{{ n|fr_nombre }} · {{ a|fr_euros }} · {{ n|fr_compte:"fiche" }} · {{ p|fr_pourcent }}').render(
        Context({"n": 0, "a": 2500, "p": 0.5})
    )
    assert html == f"0 · 2{N}500{N}€ · 0 fiche · 50,0{N}%"


@pytest.mark.parametrize(
    ("count", "expected"),
    [(0, "0 fiche"), (1, "1 fiche"), (2, "2 fiches"), ("1", "1 fiche"), ([], "0 fiche"), ([1, 2], "2 fiches")],
)
def test_pluralize_follows_the_french_rule_in_every_template(count, expected):
    n = len(count) if isinstance(count, list) else count
    html = Template("{{ n }} fiche{{ count|pluralize }}").render(Context({"n": n, "count": count}))
    assert html == expected
    assert Template('{{ c|pluralize:"al,aux" }}').render(Context({"c": 0})) == "al"


def test_the_apps_number_filters_follow_the_same_rules():
    from pilote.analytics.templatetags import cockpit
    from pilote.explorer.templatetags import explorer_tags
    from pilote.recensement.templatetags import recensement_tags

    assert cockpit.euros(4_437_000_000) == f"4,4{N}Md€"
    assert cockpit.nombre(18364) == f"18{N}364"
    assert explorer_tags.euros(1_234_567) == f"1{N}234{N}567{N}€"  # one contract: exact
    assert explorer_tags.pct(0.256) == f"25,6{N}%"
    assert recensement_tags.euros(180000) == f"180{N}000{N}€"
