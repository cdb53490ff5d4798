"""Analyses of a campaign's needs (pure reads of the database): homogeneous categories across services with
the procedure their cumulated value calls for, grouping opportunities with a suggested split in lots, big
purchases, and the purchase plan by quarter.

Thresholds come from pilote.reglementation.seuils, taken on the 1st of January of the census year (the
year the purchases will be launched); the cumulated value is that of the year, as the law asks for
homogeneous supplies and services (Code de la commande publique, art. R. 2121-6 and R. 2121-7).
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from pilote.clauses.queries import segments_for
from pilote.fiches.cpv import cpv_label
from pilote.reglementation import seuils


GROUPINGS = {
    "classe": "classe CPV (4 premiers chiffres)",
    "groupe": "groupe CPV (3 premiers chiffres)",
    "segment": "segments d'achat de l'organisation",
}
NO_CPV = "sans-cpv"


@dataclass
class Procedure:
    level: str  # "dispense", "adaptee", "formalisee"
    label: str
    nature: str
    thresholds: list  # [(label, amount, valid_from)]


@dataclass
class Category:
    key: str
    label: str
    needs: list = field(default_factory=list)  # the campaign's needs and the year's fiches (planned.items)
    procedure: Procedure | None = None
    crossing: "Crossing | None" = None

    @property
    def total(self) -> Decimal:
        return sum((n.montant_estime for n in self.needs), Decimal(0))

    @property
    def services(self) -> list[str]:
        return sorted({n.service.name for n in self.needs})

    @property
    def sites(self) -> list[str]:
        return sorted({n.site for n in self.needs if n.site})

    @property
    def is_opportunity(self) -> bool:
        return self.key != NO_CPV and (len(self.services) >= 2 or len(self.sites) >= 2)

    @property
    def lots(self) -> list[dict]:
        return suggest_lots(self.needs)

    @property
    def fiches(self) -> list:
        """The fiches visa of the year counted in this category (planned.FicheItem)."""
        return [n for n in self.needs if getattr(n, "is_fiche", False)]

    @property
    def declared(self) -> list:
        return [n for n in self.needs if not getattr(n, "is_fiche", False)]


LEVELS = ("dispense", "adaptee", "formalisee")


@dataclass
class Crossing:
    """Needs declared and fiches visa of one category that, together, call for a procedure that each part alone
    would not: the support service must see them as one purchase (CCP art. R. 2121-6 and R. 2121-7)."""

    needs_total: Decimal
    fiches_total: Decimal
    total: Decimal
    procedure: Procedure
    threshold: tuple  # (label, amount, valid_from) of the threshold crossed
    services: list


def crossing(category: Category, *, buyer_kind: str, on: dt.date) -> Crossing | None:
    if category.key == NO_CPV or not category.fiches or not category.declared:
        return None
    code = category.needs[0].code_cpv
    needs_total = sum((n.montant_estime for n in category.declared), Decimal(0))
    fiches_total = sum((n.montant_estime for n in category.fiches), Decimal(0))
    total = procedure_for(needs_total + fiches_total, code, buyer_kind=buyer_kind, on=on)
    alone = min(
        LEVELS.index(procedure_for(part, code, buyer_kind=buyer_kind, on=on).level)
        for part in (needs_total, fiches_total)
    )
    if LEVELS.index(total.level) <= alone:
        return None
    # thresholds are [dispense, EU]: the one crossed is the highest below the total.
    threshold = total.thresholds[1] if total.level == "formalisee" else total.thresholds[0]
    return Crossing(needs_total, fiches_total, needs_total + fiches_total, total, threshold, category.services)


def reference_date(campaign) -> dt.date:
    return dt.date(campaign.year, 1, 1)


def procedure_for(amount: Decimal, code_cpv: str, *, buyer_kind: str, on: dt.date) -> Procedure:
    """The procedure a cumulated value calls for, with the thresholds applied and their dates."""
    nature = seuils.nature_from_cpv(code_cpv)
    dispense = seuils.seuil(seuils.procedure_code(nature), on)
    # By code, not by amount: two EU thresholds of the same amount would be confused.
    eu = seuils.seuil(seuils.eu_code(buyer_kind, nature), on)
    applied = [(s.label, s.amount, s.valid_from) for s in (dispense, eu)]
    if amount < dispense.amount:
        return Procedure("dispense", "Sans publicité ni mise en concurrence possible", nature, applied)
    if amount < eu.amount:
        return Procedure("adaptee", "Procédure adaptée (MAPA)", nature, applied)
    return Procedure("formalisee", "Procédure formalisée (appel d'offres)", nature, applied)


def category_of(need, mode: str, segments, cpv_labels) -> tuple[str, str]:
    code = need.code_cpv or ""
    if not code:
        return NO_CPV, "Sans code CPV (à compléter)"
    if mode == "segment":
        best, best_len = None, -1
        for segment in segments:
            for prefix in segment.cpv_prefix_list:
                # Longest prefix wins; at equal length the organisation's own segment beats the national one.
                longer = len(prefix) > best_len or (len(prefix) == best_len and segment.organisation_id)
                if code.startswith(prefix) and longer:
                    best, best_len = segment, len(prefix)
        if best is not None:
            return f"segment-{best.pk}", f"Segment : {best.label}"
        mode = "classe"  # a code outside every segment falls back to its CPV class
    digits = 4 if mode == "classe" else 3
    prefix = code[:digits]
    root = prefix.ljust(8, "0")
    label = cpv_labels(root) or cpv_labels(code) or ""
    return f"cpv-{prefix}", f"CPV {prefix}… {label}".strip()


def categories(campaign, needs, mode: str = "classe") -> list[Category]:
    """Needs gathered by homogeneous category, biggest cumulated value first."""
    segments = list(segments_for(campaign.organisation)) if mode == "segment" else []
    groups: dict[str, Category] = {}
    for need in needs:
        key, label = category_of(need, mode, segments, cpv_label)
        groups.setdefault(key, Category(key, label)).needs.append(need)
    on = reference_date(campaign)
    for category in groups.values():
        if category.key != NO_CPV:
            code = category.needs[0].code_cpv
            category.procedure = procedure_for(category.total, code, buyer_kind=campaign.organisation.kind, on=on)
            category.crossing = crossing(category, buyer_kind=campaign.organisation.kind, on=on)
    return sorted(groups.values(), key=lambda c: (c.key == NO_CPV, -c.total))


def suggest_lots(needs) -> list[dict]:
    """One lot per site when the needs name several sites (so that local and small suppliers can bid for
    one site), else one lot per service."""
    by = "site" if len({n.site for n in needs if n.site}) >= 2 else "service"
    lots = defaultdict(list)
    for need in needs:
        name = (need.site or "Sans site précisé") if by == "site" else need.service.name
        lots[name].append(need)
    return [
        {
            "number": i,
            "name": name,
            "by": by,
            "needs": items,
            "total": sum((n.montant_estime for n in items), Decimal(0)),
        }
        for i, (name, items) in enumerate(sorted(lots.items()), start=1)
    ]


def big_purchases(campaign, needs) -> list:
    return [n for n in needs if n.montant_estime >= campaign.big_purchase_threshold]


QUARTERS = {1: "1er trimestre", 2: "2e trimestre", 3: "3e trimestre", 4: "4e trimestre", None: "Date non précisée"}


def plan(campaign, needs) -> list[dict]:
    """Purchase plan: needs by quarter of their wished date (those of another year are put under their year)."""
    slots = defaultdict(list)
    for need in needs:
        if need.date_souhaitee is None:
            slots[(9999, None)].append(need)
        else:
            slots[(need.date_souhaitee.year, need.quarter)].append(need)
    rows = []
    for (year, quarter), items in sorted(slots.items(), key=lambda kv: (kv[0][0], kv[0][1] or 9)):
        label = QUARTERS[quarter] if year in (campaign.year, 9999) else f"{QUARTERS[quarter]} {year}"
        items.sort(key=lambda n: (n.date_souhaitee or dt.date.max, n.service.name, n.objet))
        rows.append(
            {
                "label": label,
                "year": None if year == 9999 else year,
                "quarter": quarter,
                "needs": items,
                "total": sum((n.montant_estime for n in items), Decimal(0)),
            }
        )
    return rows
