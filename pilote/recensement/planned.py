"""Census and fiches visa together: what a campaign's grouping and purchase plan count.

A fiche visa of the organisation whose launch date falls in the campaign's year counts as a planned purchase
of that year, beside the needs declared. A need turned into a fiche (Need.fiche) is represented by its fiche
when the fiche counts in the year (its amount was revised by the agent), so nothing is counted twice. Refused
fiches and fiches without an amount are left out. The fiche's estimate is the value of the whole purchase
(renewals included), which is the value the thresholds are compared with (CCP art. R. 2121-1).

Reads only (recensement sits above fiches in the layers, so it may read them)."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from pilote.fiches.models import Fiche, Status


@dataclass(frozen=True)
class Direction:
    """What the analyses read of a need's service: its name (a fiche's requesting service)."""

    name: str


@dataclass
class FicheItem:
    """A fiche visa seen with the attributes the analyses, the plan page and the plan exports read of a Need."""

    fiche: Fiche
    big_purchase_threshold: Decimal
    objet: str = ""
    code_cpv: str = ""
    montant_estime: Decimal = Decimal(0)
    date_souhaitee: date | None = None
    service: Direction = field(default_factory=lambda: Direction(""))
    site: str = ""
    renouvellement: bool = False
    contrat_en_cours: str = ""
    is_fiche: bool = True

    @classmethod
    def of(cls, fiche: Fiche, campaign, need=None) -> "FicheItem":
        """`need`: the census need the fiche was made from, whose site and renewal the fiche does not record."""
        return cls(
            fiche=fiche,
            big_purchase_threshold=campaign.big_purchase_threshold,
            objet=fiche.objet,
            code_cpv=fiche.code_cpv or "",
            montant_estime=fiche.montant_estime,
            date_souhaitee=fiche.date_lancement,
            service=Direction(fiche.service_demandeur or "Service non précisé"),
            site=need.site if need else "",
            renouvellement=need.renouvellement if need else False,
            contrat_en_cours=need.contrat_en_cours if need else "",
        )

    @property
    def quarter(self) -> int | None:
        return None if self.date_souhaitee is None else (self.date_souhaitee.month - 1) // 3 + 1

    @property
    def is_big_purchase(self) -> bool:
        return self.montant_estime >= self.big_purchase_threshold

    def get_recurrence_display(self) -> str:
        return f"Fiche visa ({self.fiche.get_status_display().lower()})"


def fiches_of_year(campaign) -> list[Fiche]:
    """The organisation's fiches launched in the campaign's year, refused ones and those without amount left out."""
    return list(
        Fiche.objects.filter(
            organisation=campaign.organisation,
            date_lancement__year=campaign.year,
            montant_estime__isnull=False,
        )
        .exclude(status=Status.REFUSEE)
        .order_by("date_lancement", "pk")
    )


def items(campaign, needs=None) -> list:
    """The needs of the campaign and its year's fiches, each purchase once."""
    needs = list(campaign.needs.select_related("service", "fiche", "segment")) if needs is None else list(needs)
    fiches = fiches_of_year(campaign)
    counted = {fiche.pk for fiche in fiches}
    kept = [need for need in needs if need.fiche_id not in counted]
    made_from = {need.fiche_id: need for need in needs if need.fiche_id in counted}
    return kept + [FicheItem.of(fiche, campaign, made_from.get(fiche.pk)) for fiche in fiches]
