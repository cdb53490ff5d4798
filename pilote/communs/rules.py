"""Pure rules of the ressource-o-thèque: booking units, overlaps, valuation in euros, the agreement threshold,
and the classes of shareable equipment by CPV prefix."""

import datetime as dt
import math
from decimal import Decimal


# Décret 2001-495 art. 1 (loi 2000-321 art. 10): above 23 000 € a year, money and kind together, the subsidy
# needs an agreement (convention) with the beneficiary.
AGREEMENT_THRESHOLD_EUR = Decimal("23000")

# CPV prefixes of shareable equipment, by class (the census and the fiche visa match purchases on them).
SHARE_CLASS_CPV = {
    "outillage": ("4451", "4263", "4267", "4268", "42924", "43"),
    "vehicules": ("341", "3443", "3414"),
    "audiovisuel": ("322", "323", "3865", "3952"),
    "mobilier": ("391",),
    "informatique": ("302", "4821", "4822"),
}


def share_class_of_cpv(cpv: str) -> str | None:
    """The shareable class of a CPV code (e.g. 42924720 → outillage), or None."""
    code = (cpv or "").replace("-", "").strip()
    for share_class, prefixes in SHARE_CLASS_CPV.items():
        if code.startswith(prefixes):
            return share_class
    return None


def booking_units(unit: str, starts_at: dt.datetime, ends_at: dt.datetime) -> int:
    """Units billed for a booking: started hours for rooms and agents' time, started days for equipment."""
    seconds = (ends_at - starts_at).total_seconds()
    if seconds <= 0:
        raise ValueError("la fin doit suivre le début")
    per_unit = 3600 if unit == "heure" else 86400
    return math.ceil(seconds / per_unit)


def overlaps(a_start, a_end, b_start, b_end) -> bool:
    """Half-open intervals: a booking ending at 10:00 does not conflict with one starting at 10:00."""
    return a_start < b_end and b_start < a_end


def value_eur(units: int, rate: Decimal | None) -> Decimal:
    """In-kind value of a booking (loi 2000-321 art. 9-1: a contribution in kind is a subsidy, valued)."""
    if rate is None:
        raise ValueError("taux de valorisation manquant")
    return (Decimal(units) * Decimal(rate)).quantize(Decimal("0.01"))


def agreement_needed(cash_eur: Decimal, kind_eur: Decimal) -> bool:
    return Decimal(cash_eur) + Decimal(kind_eur) > AGREEMENT_THRESHOLD_EUR


def shared_purchases(items: list[dict]) -> dict:
    """The « achats partagés » indicator over the items the organisation bought: how many are shared (booked at
    least once), bookings per item, and euros of purchases avoided, counting the purchase value once for each
    initiative that borrowed the item (each would otherwise have bought its own)."""
    bought = [item for item in items if item["purchase_value_eur"] is not None]
    shared = [item for item in bought if item["bookings"] > 0]
    avoided = sum((Decimal(item["purchase_value_eur"]) * item["initiatives"] for item in shared), Decimal(0))
    return {
        "bought": len(bought),
        "shared": len(shared),
        "bookings_per_item": round(sum(item["bookings"] for item in bought) / len(bought), 1) if bought else 0,
        "avoided_eur": avoided,
    }


def board_outcome(pour: int, contre: int, abstention: int) -> bool:
    """The co-management board's majority: a proposal is adopted when the « pour » outnumber the « contre »
    (simple majority of the votes expressed; abstentions are not expressed votes); no vote, or a tie, rejects."""
    return pour > contre


def price_on(base_price: int, voted: list[tuple[dt.date, int]], day: dt.date) -> int:
    """The credit price applicable on `day`: the latest voted price whose date has come, else the base price."""
    applicable = [price for since, price in sorted(voted) if since <= day]
    return applicable[-1] if applicable else base_price
