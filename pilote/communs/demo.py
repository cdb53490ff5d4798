"""Demo content of the ressource-o-thèque for Région Normandie (fictional, labelled « démo »): rooms, equipment,
a vehicle and agents' time, two commons initiatives with credits granted by a recorded decision, a returned
booking and an upcoming one, a contribution. Idempotent; written through the services like any other change."""

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from pilote.communs import ledger, services
from pilote.communs.models import Initiative, ResourceKind
from pilote.core.models import Organisation, User


ROOMS = [
    {
        "name": "Salle des associations de l'Abbaye aux Dames (démo)",
        "theme": "Equipement social et d'animation",
        "address": "Place Reine Mathilde",
        "postal_code": "14000",
        "commune": "Caen",
        "capacity": 60,
        "accessibility": "Accès de plain-pied, boucle magnétique",
        "opening_hours": "Mo-Fr 08:30-19:00; Sa 09:00-12:00",
        "valuation_rate": Decimal("35.00"),
        "credit_price": 3,
        "is_public": True,
        "who_may_book": "Initiatives de communs enregistrées",
        "allowed_purpose": "Réunions, ateliers ouverts au public",
    },
    {
        "name": "Atelier partagé du lycée Jules-Verne (démo)",
        "theme": "Equipement d'enseignement",
        "address": "12 rue Lucien-Bossoutrot",
        "postal_code": "50100",
        "commune": "Cherbourg-en-Cotentin",
        "capacity": 15,
        "accessibility": "Rez-de-chaussée",
        "opening_hours": "Sa 09:00-17:00",
        "valuation_rate": Decimal("20.00"),
        "credit_price": 2,
        "is_public": True,
        "training_required": True,
    },
]
EQUIPMENT = [
    {"kind": ResourceKind.MATERIEL, "name": "Nettoyeur haute pression 150 bars (démo)", "share_class": "outillage",
     "condition": "bon état", "location": "Magasin technique, Caen", "valuation_rate": Decimal("30.00"),
     "credit_price": 4, "purchase_value_eur": Decimal("480"), "deposit_eur": Decimal("100")},
    {"kind": ResourceKind.MATERIEL, "name": "Vidéoprojecteur et écran (démo)", "share_class": "audiovisuel",
     "condition": "très bon état", "location": "Accueil, Abbaye aux Dames", "valuation_rate": Decimal("25.00"),
     "credit_price": 2, "purchase_value_eur": Decimal("750")},
    {"kind": ResourceKind.VEHICULE, "name": "Minibus 9 places (démo)", "share_class": "vehicules",
     "condition": "révisé en 2026", "location": "Parc auto, Rouen", "valuation_rate": Decimal("90.00"),
     "credit_price": 10, "purchase_value_eur": Decimal("38000"), "training_required": True},
    {"kind": ResourceKind.TEMPS, "name": "Accompagnement juridique des associations (démo)",
     "skill": "Statuts, conventions, demandes de subvention", "hours_per_month": 8, "manager_approved": True,
     "valuation_rate": Decimal("45.00"), "credit_price": 3},
]  # fmt: skip


def _at(days: int, hour: int) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=days)
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=timezone.get_current_timezone())


@transaction.atomic
def prepare_demo() -> list[str]:
    region = Organisation.objects.filter(slug="region-normandie").first()
    appui = User.objects.filter(email="appui@demo.pilote.test").first()
    if not (region and appui) or Initiative.objects.filter(organisation=region).exists():
        return []
    resources = [
        services.do_create_resource(region, actor=appui, kind=ResourceKind.SALLE, manager=appui, **room)
        for room in ROOMS
    ] + [services.do_create_resource(region, actor=appui, manager=appui, **item) for item in EQUIPMENT]
    repair = services.do_create_initiative(
        region,
        actor=appui,
        name="Repair café de Caen (démo)",
        kind="association",
        rna="W141000001",
        purpose="Ateliers mensuels de réparation d'objets du quotidien.",
        credit_limit=10,
    )
    jardin = services.do_create_initiative(
        region,
        actor=appui,
        name="Jardin partagé du Chemin Vert (démo)",
        kind="collectif",
        purpose="Jardin cultivé par les habitants du quartier.",
    )
    for initiative, amount in ((repair, 120), (jardin, 60)):
        ledger.do_grant_credits(
            initiative,
            amount=amount,
            body="comite",
            reference="COGESTION-2026-01",
            decided_on=timezone.localdate(),
            reasons="Allocation annuelle votée par le comité de cogestion (démo).",
            actor=appui,
        )
    ledger.do_record_contribution(jardin, amount=6, memo="Prêt d'une grelinette au catalogue (démo)", actor=appui)
    washer, room = resources[2], resources[0]
    past = services.do_request_booking(
        washer, jardin, starts_at=_at(-10, 9), ends_at=_at(-10, 17), purpose="Nettoyage des bacs", actor=appui
    )
    services.do_approve_booking(past, actor=appui)
    services.do_check_out(past, condition="bon état", actor=appui)
    services.do_return_booking(past, condition="bon état", actor=appui)
    upcoming = services.do_request_booking(
        room, repair, starts_at=_at(7, 14), ends_at=_at(7, 18), purpose="Atelier de réparation", actor=appui
    )
    services.do_approve_booking(upcoming, actor=appui)
    return [f"ressource-o-thèque : {len(resources)} ressources, 2 initiatives avec crédits"]
