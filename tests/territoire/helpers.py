"""Builders of the fund's tests: a pool with contributions, a call with criteria, two carriers."""

import datetime as dt
from decimal import Decimal

from pilote.territoire import fund, services


CRITERIA = [{"code": "utilite", "label": "Utilité pour le territoire", "weight": 2},
            {"code": "faisabilite", "label": "Faisabilité", "weight": 1}]  # fmt: skip


def call(organisation, actor, *, cap=Decimal(60000)):
    pool = fund.do_create_pool(organisation, actor=actor, name="Petit pacte d'innovation", matching_rule="plafonne",
                               cap_per_initiative=cap, cap_per_contributor=Decimal(50000))  # fmt: skip
    fund.do_add_contribution(pool, actor=actor, contributor="Région", amount=Decimal(50000), is_public=True)
    fund.do_add_contribution(pool, actor=actor, contributor="Banque coopérative", amount=Decimal(40000),
                             is_public=False, siren="775665615")  # fmt: skip
    return fund.do_open_call(organisation, actor=actor, pool=pool, title="Initiatives locales 2027",
                             themes=["solidarites"], eligibility="Associations et entreprises du territoire",
                             opens_on=dt.date(2027, 1, 10), closes_on=dt.date(2027, 3, 31), criteria=CRITERIA)  # fmt: skip


def carriers(organisation):
    one = services.upsert_actor(
        organisation,
        {"name": "Recyclerie du Bocage", "rna": "W141000001", "siret": "34224660000031", "commune_code": "14118"},
        "manuel",
        "test",
    )
    two = services.upsert_actor(organisation, {"name": "Atelier numérique", "siren": "552100554",
                                               "commune_code": "76540"}, "manuel", "test")  # fmt: skip
    return one, two


def application(
    call, actor, carrier, *, from_carrier=True, requested=Decimal(30000), cofunding=Decimal(10000), cofunders=()
):
    return fund.do_submit_application(call, actor=actor, carrier=carrier, title=f"Initiative de {carrier.name}",
                                      summary="Réemploi et ateliers", budget=Decimal(60000), cofunding=cofunding,
                                      cofunders=list(cofunders), requested=requested, from_carrier=from_carrier)  # fmt: skip
