"""SIRET/SIREN and identifier rules, on real identifiers of the 2019 files and the 2024 tabular extract."""

import polars as pl
import pytest
from hypothesis import given, settings, strategies as st

from pilote.decp.cleaning.frame import Group, apply_groups
from pilote.decp.cleaning.identifiers import (
    LA_POSTE_SIREN,
    clean_contract_id,
    clean_identifiant,
    clean_type_identifiant,
    luhn_expr,
    luhn_ok,
    siret_valide,
)
from tests.decp.cleaning.helpers import one


# Real SIRETs of the 2019 files (titulaire DS Avocats, buyers SOLIDEO and Mairie de l'Etang-Salé).
REAL_VALID = ["78471226700060", "83455372900015", "21974004000015"]
# Real titulaire SIRETs failing Luhn: 38385380100053 has a valid SIREN (wrong NIC), 42209542100023 does not.
REAL_BAD_NIC = "38385380100053"
REAL_BAD_SIREN = "42209542100023"
# Real La Poste SIRETs (2019 files): the second fails Luhn but its digit sum is a multiple of 5.
LA_POSTE = ["35600000000048", "35600000012305"]


@pytest.mark.parametrize("siret", REAL_VALID + LA_POSTE)
def test_valid_real_sirets_are_accepted(siret):
    assert siret_valide(siret)
    assert one(clean_identifiant, siret) == {"v": siret, "v_brut": None, "qualite": []}


def test_la_poste_exception_is_needed():
    assert not luhn_ok("35600000012305")
    assert siret_valide("35600000012305")
    # a La Poste SIRET with neither Luhn nor a digit sum multiple of 5 is invalid
    assert not siret_valide("35600000012306")
    assert one(clean_identifiant, "35600000012306")["qualite"] == ["siret_invalide"]


def test_wrong_nic_and_wrong_siren_are_told_apart():
    assert one(clean_identifiant, REAL_BAD_NIC)["qualite"] == ["siret_invalide"]
    assert one(clean_identifiant, REAL_BAD_SIREN)["qualite"] == ["siren_invalide"]
    # flagged, never changed: it is the only identifier we have
    assert one(clean_identifiant, REAL_BAD_SIREN)["v"] == REAL_BAD_SIREN


def test_whitespace_removed_and_raw_kept():
    row = one(clean_identifiant, "   78471226700060")
    assert row == {"v": "78471226700060", "v_brut": "   78471226700060", "qualite": ["identifiant_espaces"]}
    assert one(clean_identifiant, "784 712 267 00060")["v"] == "78471226700060"


def test_lost_leading_zero_restored_only_when_luhn_passes():
    # real SIRET starting with 0 (Luhn-valid), written with 13 digits as a spreadsheet does
    siret = "06850119600064"  # real titulaire SIRET of the 2019 files
    assert siret_valide(siret)
    row = one(clean_identifiant, siret[1:])
    assert row["v"] == siret
    assert row["qualite"] == ["siret_zero_perdu"]
    broken = siret[1:-1] + str((int(siret[-1]) + 1) % 10)
    assert one(clean_identifiant, broken)["qualite"] == ["siret_format"]


def test_type_identifiant_variants():
    def typ(t, i="78471226700060"):
        df = pl.DataFrame({"t": [t], "i": [i]}, schema={"t": pl.String, "i": pl.String})
        return apply_groups(df, [Group({"t": clean_type_identifiant(pl.col("t"), pl.col("i"))})]).row(0, named=True)

    assert typ("SIRET") == {"t": "SIRET", "i": "78471226700060", "t_brut": None, "qualite": []}
    for written in ("Siret", "SIRET ", "siret"):
        assert typ(written)["t"] == "SIRET"
        assert typ(written)["qualite"] == ["type_identifiant_variante"]
    # real 2019 values
    assert typ("TVA_INTRACOMMUNAUTAIRE", "FR12345678901")["t"] == "TVA"
    assert typ("HORS_UE", "CH123")["t"] == "HORS-UE"
    assert typ("FRW", "FRWF12345678901234")["t"] == "FRWF"
    assert typ("", "78471226700060") == {
        "t": "SIRET", "i": "78471226700060", "t_brut": "", "qualite": ["type_identifiant_deduit"],
    }  # fmt: skip
    assert typ("", "ABC")["qualite"] == ["type_identifiant_inconnu"]
    assert typ("BIDULE", "123")["t"] is None


def test_identifier_checked_according_to_its_type():
    df = pl.DataFrame(
        {
            "type_identifiant": ["TVA", "TAHITI", "TAHITI", "SIRET"],
            "titulaire_id": ["FR47784712267", "A12345", "B12345678", "1"],
        }
    )
    out = apply_groups(
        df, [Group({"titulaire_id": clean_identifiant(pl.col("titulaire_id"), pl.col("type_identifiant"))})]
    )
    assert out["qualite"].to_list() == [[], ["identifiant_format"], [], ["siret_format"]]


def test_contract_id_normalisation():
    assert one(clean_contract_id, "2024N673986700 ") == {
        "v": "2024N673986700",
        "v_brut": "2024N673986700 ",
        "qualite": ["id_espaces"],
    }
    assert one(clean_contract_id, "2024 N673986700")["v"] == "2024N673986700"
    long_id = "2018COs68fWklM00-LOT01-2018"
    assert one(clean_contract_id, long_id) == {"v": long_id, "v_brut": None, "qualite": ["id_trop_long"]}
    # slashes are legitimate in real ids (55 of the 10,657 real 2019 records): kept
    assert one(clean_contract_id, "2019/123")["qualite"] == []


def _luhn_complete(body: str) -> str:
    return next(body + d for d in "0123456789" if luhn_ok(body + d))


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet="0123456789", min_size=8, max_size=8), st.text(alphabet="0123456789", min_size=4, max_size=4))
def test_generated_luhn_valid_sirets_are_always_accepted(siren_body, nic_body):
    # as INSEE builds them: a Luhn-valid SIREN, then a NIC making the whole SIRET Luhn-valid
    siret = _luhn_complete(_luhn_complete(siren_body) + nic_body)
    assert siret_valide(siret)
    assert one(clean_identifiant, siret) == {"v": siret, "v_brut": None, "qualite": []}


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(alphabet="0123456789", min_size=9, max_size=14), min_size=1, max_size=20))
def test_vectorised_luhn_matches_python(values):
    n = 14
    padded = [v.ljust(n, "0")[:n] for v in values]
    got = pl.DataFrame({"s": padded}).select(luhn_expr(pl.col("s"), n).alias("ok"))["ok"].to_list()
    assert got == [luhn_ok(v) for v in padded]


def _former_siret_valide(s: str) -> bool:
    """The hand-written rule siret_valide had before it used python-stdnum: its accepted set must not change."""
    if len(s) != 14 or not (s.isascii() and s.isdigit()):
        return False
    total = 0
    for k, ch in enumerate(reversed(s)):
        d = int(ch) * (2 if k % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0 or (s.startswith(LA_POSTE_SIREN) and sum(map(int, s)) % 5 == 0)


def test_stdnum_based_siret_check_keeps_the_accepted_set_on_its_edges():
    bad_siren = next(s for s in (f"{n:09d}" for n in range(100_000_000, 100_000_100)) if not luhn_ok(s))
    whole_luhn_bad_siren = _luhn_complete(bad_siren + "0000")
    # stdnum alone refuses these two (SIREN key; La Poste digit sum), the former rule accepted them
    la_poste_luhn_only = next(
        s
        for s in (_luhn_complete(LA_POSTE_SIREN + f"{n:04d}") for n in range(200))
        if sum(map(int, s)) % 5 and s != "35600000000048"
    )
    for siret in (whole_luhn_bad_siren, la_poste_luhn_only, "35600000000048", "35600000012305"):
        assert _former_siret_valide(siret)
        assert siret_valide(siret), siret
    assert not siret_valide("35600000012306")
    assert not siret_valide("3560000001230５")  # a fullwidth digit is not a digit of a SIRET


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.text(alphabet="0123456789", min_size=13, max_size=15),
        st.text(alphabet="0123456789", min_size=5, max_size=5).map(lambda t: LA_POSTE_SIREN + t),
        st.text(alphabet="0123456789", min_size=13, max_size=13).map(_luhn_complete),
        st.text(alphabet="0123456789 A٣", min_size=14, max_size=14),
    )
)
def test_stdnum_based_siret_check_accepts_exactly_the_former_set(value):
    assert siret_valide(value) == _former_siret_valide(value)
