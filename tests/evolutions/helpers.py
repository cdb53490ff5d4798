"""Builders shared by the evolutions tests."""

import datetime as dt
from decimal import Decimal

from pilote.evolutions import services
from pilote.evolutions.legal import Ground


def register(organisation, actor, **overrides):
    fields = {
        "decp_id": "2025TEST01",
        "title": "Marché de travaux de test",
        "nature": "travaux",
        "initial_amount": Decimal("800000"),
        "initial_duration": 18,
        "notified_on": dt.date(2025, 3, 3),
        "procedure": "Appel d'offres ouvert",
        "awarded_by_cao": True,
    }
    return services.do_open_register(organisation, actor=actor, **(fields | overrides))


def propose(reg, actor, amount, *, ground=Ground.FAIBLE_MONTANT, dated=dt.date(2025, 9, 1), **extra):
    return services.do_propose_modification(
        reg, actor=actor, ground=ground, amount_delta=Decimal(amount), dated=dated,
        description=extra.pop("description", "Travaux complémentaires"), **extra,
    )  # fmt: skip


def clause_fields(**overrides):
    fields = {
        "title": "Révision BT01",
        "scope": "Prix du gros œuvre",
        "change_nature": "indice",
        "trigger": "indice",
        "measure": "Indice BT01 de l'INSEE",
        "threshold": Decimal("5"),
        "cap_share": Decimal("8"),
        "proposer": "le titulaire",
        "decider": "l'acheteur",
        "jury_opinion": False,
    }
    return fields | overrides


def negotiation_with_claims(organisation, actor):
    from pilote.evolutions import negotiation as service

    negotiation = service.do_create_negotiation(
        organisation, actor=actor, title="Nettoyage des lycées", bidders=["Propre SA", "Net Coop"],
        questions=[("insertion", "Combien d'heures d'insertion par an ?"), ("distance", "Distance du dépôt ?")],
    )  # fmt: skip
    service.do_send_questions(
        negotiation, actor=actor, bidder_ids=list(negotiation.bidders.values_list("pk", flat=True))
    )
    for bidder, hours in zip(negotiation.bidders.all(), (1200, 900), strict=True):
        service.do_record_claim(bidder, actor=actor, criterion="insertion", value=Decimal(hours),
                                evidence="Attestation du facilitateur")  # fmt: skip
    return negotiation
