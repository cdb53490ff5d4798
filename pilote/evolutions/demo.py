"""Demo of the modification register for Région Normandie (fictional contract, labelled as such): a works contract
with two signed modifications and a third proposal that the register stops at the cap of the de minimis
modifications; an evolution clause on the price index. Idempotent; written through the services."""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from pilote.core.models import Organisation, User
from pilote.evolutions import services, theatre
from pilote.evolutions.legal import Ground
from pilote.evolutions.models import Register


TITLE = "Rénovation énergétique du lycée Jean-Rostand (démonstration, contrat fictif)"


@transaction.atomic
def prepare_demo() -> list[str]:
    region = Organisation.objects.filter(slug="region-normandie").first()
    buyer = User.objects.filter(email="acheteur@demo.pilote.test").first()
    if not (region and buyer) or Register.objects.filter(organisation=region, title=TITLE).exists():
        return []
    register = services.do_open_register(
        region, actor=buyer, decp_id="2025RN0042", title=TITLE, nature="travaux",
        initial_amount=Decimal("800000"), initial_duration=18, notified_on=dt.date(2025, 3, 3),
        procedure="Procédure adaptée", awarded_by_cao=False, titulaires="Entreprise fictive du bâtiment",
    )  # fmt: skip
    first = services.do_propose_modification(
        register, actor=buyer, ground=Ground.FAIBLE_MONTANT, amount_delta=Decimal("48000"),
        dated=dt.date(2025, 9, 15), description="Reprise des menuiseries du bâtiment B découvertes dégradées.",
    )  # fmt: skip
    services.do_sign_modification(first, actor=buyer)
    services.do_publish_modification(first, actor=buyer, published_on=dt.date(2025, 10, 1))
    second = services.do_propose_modification(
        register, actor=buyer, ground=Ground.FAIBLE_MONTANT, amount_delta=Decimal("52000"),
        dated=dt.date(2026, 2, 10), description="Isolation complémentaire des combles du gymnase.",
    )  # fmt: skip
    services.do_sign_modification(second, actor=buyer)
    services.do_publish_modification(second, actor=buyer, published_on=dt.date(2026, 2, 20))
    try:  # 48 000 + 52 000 + 30 000 = 130 000 € HT ≥ 15 % of 800 000 €: the register refuses the third one
        services.do_propose_modification(
            register, actor=buyer, ground=Ground.FAIBLE_MONTANT, amount_delta=Decimal("30000"),
            dated=dt.date(2026, 6, 1), description="Remplacement de la chaudière du logement de fonction.",
        )  # fmt: skip
    except ValidationError:
        services.do_propose_modification(
            register, actor=buyer, ground=Ground.FAIBLE_MONTANT, amount_delta=Decimal("30000"),
            dated=dt.date(2026, 6, 1), description="Remplacement de la chaudière du logement de fonction.",
            nonconforming=True,
            justification="Proposée par le titulaire ; enregistrée pour mémoire, à relancer en nouveau marché.",
        )  # fmt: skip
    services.do_create_evolution_clause(
        region, actor=buyer, register=register, title="Révision sur l'indice BT01",
        scope="Prix des lots de gros œuvre du marché", change_nature="indice", trigger="indice",
        measure="Indice BT01 publié par l'INSEE, comparé à sa valeur du mois de remise des offres",
        threshold=Decimal("5"), cap_share=Decimal("8"), proposer="le titulaire ou l'acheteur",
        decider="la direction des lycées", jury_opinion=False,
    )  # fmt: skip
    theatre.do_list_rehearsal_in_catalogue(region, actor=buyer, is_demo=True)
    return ["registre des modifications d'un marché de travaux fictif de la Région Normandie"]
