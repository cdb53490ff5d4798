"""The red flags on modifications, on the real demo files, against an independent computation in plain Python
over the generation's Parquet files (no SQL), and the import of a contract's modifications into a register."""

import datetime as dt
from collections import defaultdict
from decimal import Decimal

import polars as pl
import pytest

from pilote.contracts import modifications as reads, semantics
from pilote.decp import store
from pilote.evolutions import services
from pilote.evolutions.legal import Ground
from pilote.evolutions.models import Status
from pilote.reglementation import seuils
from tests.contracts.conftest import real_store  # noqa: F401  (fixture)


def _add_months(day, months):
    year, month = divmod(day.month - 1 + months, 12)
    year, month = day.year + year, month + 1
    try:
        return day.replace(year=year, month=month)
    except ValueError:  # 31 → end of a shorter month, as DuckDB's INTERVAL does
        return (day.replace(day=1, year=year, month=month % 12 + 1) if month < 12
                else day.replace(day=1, year=year + 1, month=1)) - dt.timedelta(days=1)  # fmt: skip


def _load():
    gen = store.current_generation_dir()
    return pl.read_parquet(gen / "contrats.parquet").to_dicts(), pl.read_parquet(
        gen / "modifications.parquet"
    ).to_dicts()


def independent_flags(sirets, loaded):
    contracts, mods = loaded
    by_contract = defaultdict(list)
    for m in mods:
        by_contract[m["contrat_uid"]].append(m)
    unusable = set(semantics.unusable_amount_codes())
    out = defaultdict(set)
    for c in contracts:
        if c["acheteur_id"] not in sirets or c["contrat_uid"] not in by_contract:
            continue
        ms = sorted(by_contract[c["contrat_uid"]], key=lambda m: m["rang"])
        uid = c["contrat_uid"]
        out["total"].add(uid)
        if len(ms) >= 3:
            out["repetees"].add(uid)
        for m in ms:
            pub, notif = m["date_publication_donnees_modification"], m["date_notification_modification"]
            if pub and notif and pub > _add_months(notif, 2):
                out["tardives"].add(uid)
        amounts = [m["montant"] for m in ms if m["montant"] is not None]
        ok = c["montant"] is not None and not unusable & set(c["qualite"] or [])
        if ok and c["montant"] > 0 and amounts:
            rise = (float(amounts[-1]) - float(c["montant"])) / float(c["montant"])
            day = c["date_notification"] or dt.datetime.now(dt.UTC).date()
            code = (
                "modification_travaux"
                if (c["code_cpv"] or "").startswith("45")
                else "modification_fournitures_services"
            )
            if rise > float(seuils.value(code, day)):
                out["inflation"].add(uid)
            if rise > 0.5:
                out["inflation_50"].add(uid)
    return out


def _all_buyers():
    gen = store.current_generation_dir()
    return sorted(set(pl.read_parquet(gen / "contrats.parquet")["acheteur_id"].drop_nulls()))


def test_red_flags_equal_an_independent_computation(real_store):  # noqa: F811
    buyers, loaded = _all_buyers(), _load()
    result = reads.red_flags(buyers)
    flags, expected = result["flags"], independent_flags(set(buyers), loaded)
    assert result["total"] == len(expected["total"]) > 0
    for code in ("inflation", "inflation_50", "repetees", "tardives"):
        assert flags[code]["count"] == len(expected[code]), code
        assert {r["contrat_uid"] for r in flags[code]["contracts"]} <= expected[code]
    assert flags["inflation"]["count"] > 0
    assert flags["tardives"]["count"] > 0
    # one buyer: its counts are its own
    owner = {c["contrat_uid"]: c["acheteur_id"] for c in loaded[0]}
    counts = defaultdict(int)
    for uid in expected["total"]:
        counts[owner[uid]] += 1
    top = max(counts, key=counts.get)
    assert reads.red_flags([top])["total"] == len(independent_flags({top}, loaded)["total"]) == counts[top]


@pytest.mark.django_db
def test_opening_a_register_imports_the_modifications_of_the_data(real_store, org_a, members_a):  # noqa: F811
    from pilote.core.enums import Role
    from pilote.core.models import BuyerEntity

    buyer = members_a[Role.ACHETEUR]
    candidates = reads.modified_contracts(_all_buyers(), limit=500)
    row = next(r for r in candidates if r["montant"] and r["date_notification"])
    contract = reads.contract(row["contrat_uid"], _all_buyers())
    BuyerEntity.objects.create(organisation=org_a, siret=contract["acheteur_id"])
    assert reads.contract(row["contrat_uid"], ["00000000000000"]) is None
    reg = services.do_open_register_from_data(org_a, actor=buyer, contrat_uid=row["contrat_uid"])
    imported = list(reg.modifications.all())
    assert len(imported) == len(contract["modifications"]) == row["nb"]
    assert {(m.status, m.ground) for m in imported} == {(Status.IMPORTEE, Ground.INCONNU)}
    last = next((m["montant"] for m in reversed(contract["modifications"]) if m["montant"] is not None), None)
    if last is not None:
        assert reg.initial_amount + sum(m.amount_delta for m in imported) == Decimal(str(last))
    assert services.do_open_register_from_data(org_a, actor=buyer, contrat_uid=row["contrat_uid"]) == reg
