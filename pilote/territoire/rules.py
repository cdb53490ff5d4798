"""Rules of the local innovation fund, pure: the matching of contributions, the caps, and the legal route of each
grant (asked before the decision). The dated amounts (23 000 € agreement, R2122-9-1 threshold) are the strategy
app's (pilote.strategie.legal), which dates them like the thresholds of pilote.reglementation."""

import math
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError

from pilote.strategie.legal import threshold
from pilote.territoire.models import LegalRoute, MatchingRule


def euros(amount) -> str:
    return f"{Decimal(amount):,.0f} €".replace(",", "\u202f")


def matched(rule: str, contributions: list[Decimal], cap: Decimal) -> Decimal:
    """What the fund adds to the contributions a local initiative raised.
    One for one: the same amount. Capped: the same, at most the cap. Quadratic (documented rule, as in
    "quadratic funding"): (Σ √cᵢ)² − Σ cᵢ, at most the cap, so many small contributions weigh more than one large."""
    total = sum(contributions, Decimal(0))
    if rule == MatchingRule.QUADRATIQUE:
        roots = sum(math.sqrt(float(c)) for c in contributions if c > 0)
        return min(Decimal(str(round(roots**2 - float(total), 2))), cap)
    if rule == MatchingRule.PLAFONNE:
        return min(total, cap)
    return total


def check_grant(pool, amount: Decimal, remaining: Decimal) -> None:
    """A grant above the pool's remaining amount or above the cap of its matching rule is refused."""
    if amount > remaining:
        raise ValidationError({"amount": f"Le fonds « {pool.name} » n'a plus que {euros(remaining)} disponibles : "
                                         f"une aide de {euros(amount)} dépasserait son montant restant."})  # fmt: skip
    if amount > pool.cap_per_initiative:
        raise ValidationError({"amount": f"La règle « {pool.get_matching_rule_display()} » du fonds plafonne l'aide "
                                         f"à {euros(pool.cap_per_initiative)} par initiative : {euros(amount)} "
                                         "dépasse ce plafond."})  # fmt: skip


def grant_limit(pool, contributions: list[Decimal]) -> Decimal:
    """The most the pool's matching rule lets the fund grant: each co-funder's contribution counts up to the cap per
    contributor (one large donor cannot pull the whole fund), then the rule, then the cap per initiative."""
    counted = [min(c, pool.cap_per_contributor) for c in contributions if c > 0]
    return max(min(matched(pool.matching_rule, counted, pool.cap_per_initiative), pool.cap_per_initiative), Decimal(0))


def check_matching(pool, amount: Decimal, contributions: list[Decimal]) -> None:
    """A grant above what the matching rule allows for the initiative's co-funding is refused, naming rule and caps."""
    limit = grant_limit(pool, contributions)
    if amount > limit:
        raise ValidationError({"amount": f"La règle d'abondement « {pool.get_matching_rule_display()} » du fonds "
                                         f"« {pool.name} » limite l'aide à {euros(limit)} pour cette initiative "
                                         f"(cofinancements de {euros(sum(contributions, Decimal(0)))}, comptés au plus "
                                         f"{euros(pool.cap_per_contributor)} par contributeur ; plafond de "
                                         f"{euros(pool.cap_per_initiative)} par initiative) : {euros(amount)} "
                                         "dépasse ce montant."})  # fmt: skip


def check_contribution(pool, amount: Decimal) -> None:
    if amount <= 0:
        raise ValidationError({"amount": "Indiquez un apport positif."})
    if amount > pool.cap_per_contributor:
        raise ValidationError({"amount": f"Le fonds « {pool.name} » plafonne l'apport de chaque contributeur à "
                                         f"{euros(pool.cap_per_contributor)} ({euros(amount)} proposé)."})  # fmt: skip


def routes(*, from_carrier: bool, amount: Decimal, on: date) -> list[dict]:
    """Each legal route with whether it is open for this grant and why."""
    agreement = threshold("convention_subvention", on)
    innovative = threshold("achat_innovant", on)
    subsidy_why = (
        "L'initiative vient du porteur (loi 2000-321, art. 9-1) : subvention possible"
        + (f", avec une convention écrite car elle dépasse {euros(agreement.amount)}." if amount > agreement.amount
           else f" ; pas de convention obligatoire sous {euros(agreement.amount)}.")
        if from_carrier
        else "L'initiative répond à un besoin défini par l'organisation : ce n'est pas une subvention (loi 2000-321, "
        "art. 9-1) mais un achat."
    )  # fmt: skip
    innovative_ok = amount < innovative.amount
    return [
        {"route": LegalRoute.SUBVENTION, "open": from_carrier, "why": subsidy_why},
        {"route": LegalRoute.ACHAT_INNOVANT, "open": innovative_ok,
         "why": (f"Achat innovant sans publicité ni mise en concurrence sous {euros(innovative.amount)} HT "
                 f"({innovative.source}) : {'possible' if innovative_ok else 'montant trop élevé'} ; "
                 "la fiche visa est préparée en brouillon.")},
        {"route": LegalRoute.PARTENARIAT, "open": True,
         "why": "Partenariat d'innovation (art. L2172-3) : procédure avec mise en concurrence, fiche visa en brouillon."},
        {"route": LegalRoute.PRIX, "open": True,
         "why": "Prix d'un concours : règlement publié avant l'appel, montant annoncé, jury."},
    ]  # fmt: skip


def labelled_routes(**kwargs) -> list[dict]:
    return [{**option, "label": LegalRoute(option["route"]).label} for option in routes(**kwargs)]


def check_route(route: str, *, from_carrier: bool, amount: Decimal, on: date) -> str:
    for option in routes(from_carrier=from_carrier, amount=amount, on=on):
        if option["route"] == route:
            if not option["open"]:
                raise ValidationError({"route": f"Voie « {LegalRoute(route).label} » impossible : {option['why']}"})
            return option["why"]
    raise ValidationError({"route": "Choisissez la voie juridique de l'aide avant la décision."})
