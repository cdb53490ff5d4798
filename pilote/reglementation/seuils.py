"""Regulatory thresholds and dates of French public procurement, kept as dated data.

Every amount is excluding VAT (HT), valid on [valid_from, valid_to] (valid_to None = still in force). Values
change every two years (EU thresholds) or by decree (no-procedure threshold): add a row, never edit a past one,
so that a contract or a fiche is always judged with the thresholds of its own date.

Codes:
- dispense_fournitures_services / dispense_travaux: below it, a contract may be passed without publicity or
  competition (Code de la commande publique, art. R. 2122-8).
- ue_etat / ue_collectivites / ue_entites_adjudicatrices / ue_travaux: formalised-procedure (EU) thresholds for
  supplies and services of central authorities, of local and other authorities, of utilities and defence, and
  for works and concessions.
- publication_decp: essential data (DECP) must be published from this amount.
- publicite_boamp_jal: below the EU thresholds, from this amount a procedure adaptée is advertised in the BOAMP or
  in a journal of legal notices (JAL), and in the specialised press when needed (art. R. 2131-12 2°; before the
  code, décret n° 2016-360 art. 34). Same amount for works and for supplies and services.
- modification_fournitures_services / modification_travaux: share of the initial amount above which a
  modification is no longer "de minimis" (art. R. 2194-8): listed as "à vérifier".
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class Seuil:
    code: str
    label: str
    amount: Decimal  # HT, or a share (0-1) for modification_* codes
    valid_from: date
    valid_to: date | None
    source: str

    def applies_on(self, on: date) -> bool:
        return self.valid_from <= on and (self.valid_to is None or on <= self.valid_to)


def _s(code, label, amount, start, end, source):
    return Seuil(code, label, Decimal(amount), start, end, source)


D = date
_UE = "Règlements délégués de la Commission (seuils européens), avis publiés au JORF"
_UE_2016 = "Règlements délégués (UE) 2015/2340, 2015/2341 et 2015/2342 (seuils 2016-2017)"
_UE_2018 = "Règlements délégués (UE) 2017/2364, 2017/2365 et 2017/2366 (seuils 2018-2019)"
_CCP = "Code de la commande publique, art. R. 2122-8 (décrets successifs)"

SEUILS: tuple[Seuil, ...] = (
    _s(
        "dispense_fournitures_services",
        "Dispense de procédure (fournitures et services)",
        "25000",
        D(2015, 10, 1),
        D(2019, 12, 31),
        _CCP,
    ),
    _s(
        "dispense_fournitures_services",
        "Dispense de procédure (fournitures et services)",
        "40000",
        D(2020, 1, 1),
        D(2025, 12, 31),
        _CCP,
    ),
    _s(
        "dispense_fournitures_services",
        "Dispense de procédure (fournitures et services)",
        "60000",
        D(2026, 1, 1),
        None,
        _CCP + " ; relèvement 2026",
    ),
    _s("dispense_travaux", "Dispense de procédure (travaux)", "25000", D(2015, 10, 1), D(2019, 12, 31), _CCP),
    _s("dispense_travaux", "Dispense de procédure (travaux)", "40000", D(2020, 1, 1), D(2020, 7, 23), _CCP),
    _s(
        "dispense_travaux",
        "Dispense de procédure (travaux)",
        "70000",
        D(2020, 7, 24),
        D(2020, 12, 31),
        "Décret n° 2020-893 (mesure temporaire)",
    ),
    _s(
        "dispense_travaux",
        "Dispense de procédure (travaux)",
        "100000",
        D(2021, 1, 1),
        None,
        "Loi ASAP puis décret n° 2022-1683 ; pérennisé",
    ),
    _s(
        "ue_etat",
        "Procédure formalisée — fournitures et services de l'État",
        "135000",
        D(2016, 1, 1),
        D(2017, 12, 31),
        _UE_2016,
    ),
    _s(
        "ue_etat",
        "Procédure formalisée — fournitures et services de l'État",
        "144000",
        D(2018, 1, 1),
        D(2019, 12, 31),
        _UE_2018,
    ),
    _s(
        "ue_etat",
        "Procédure formalisée — fournitures et services de l'État",
        "139000",
        D(2020, 1, 1),
        D(2021, 12, 31),
        _UE,
    ),
    _s(
        "ue_etat",
        "Procédure formalisée — fournitures et services de l'État",
        "140000",
        D(2022, 1, 1),
        D(2023, 12, 31),
        _UE,
    ),
    _s(
        "ue_etat",
        "Procédure formalisée — fournitures et services de l'État",
        "143000",
        D(2024, 1, 1),
        D(2025, 12, 31),
        _UE,
    ),
    _s(
        "ue_etat",
        "Procédure formalisée — fournitures et services de l'État",
        "140000",
        D(2026, 1, 1),
        D(2027, 12, 31),
        _UE,
    ),
    _s(
        "ue_collectivites",
        "Procédure formalisée — fournitures et services des collectivités",
        "209000",
        D(2016, 1, 1),
        D(2017, 12, 31),
        _UE_2016,
    ),
    _s(
        "ue_collectivites",
        "Procédure formalisée — fournitures et services des collectivités",
        "221000",
        D(2018, 1, 1),
        D(2019, 12, 31),
        _UE_2018,
    ),
    _s(
        "ue_collectivites",
        "Procédure formalisée — fournitures et services des collectivités",
        "214000",
        D(2020, 1, 1),
        D(2021, 12, 31),
        _UE,
    ),
    _s(
        "ue_collectivites",
        "Procédure formalisée — fournitures et services des collectivités",
        "215000",
        D(2022, 1, 1),
        D(2023, 12, 31),
        _UE,
    ),
    _s(
        "ue_collectivites",
        "Procédure formalisée — fournitures et services des collectivités",
        "221000",
        D(2024, 1, 1),
        D(2025, 12, 31),
        _UE,
    ),
    _s(
        "ue_collectivites",
        "Procédure formalisée — fournitures et services des collectivités",
        "216000",
        D(2026, 1, 1),
        D(2027, 12, 31),
        _UE,
    ),
    _s(
        "ue_entites_adjudicatrices",
        "Procédure formalisée — entités adjudicatrices, défense et sécurité",
        "418000",
        D(2016, 1, 1),
        D(2017, 12, 31),
        _UE_2016,
    ),
    _s(
        "ue_entites_adjudicatrices",
        "Procédure formalisée — entités adjudicatrices, défense et sécurité",
        "443000",
        D(2018, 1, 1),
        D(2019, 12, 31),
        _UE_2018,
    ),
    _s(
        "ue_entites_adjudicatrices",
        "Procédure formalisée — entités adjudicatrices, défense et sécurité",
        "428000",
        D(2020, 1, 1),
        D(2021, 12, 31),
        _UE,
    ),
    _s(
        "ue_entites_adjudicatrices",
        "Procédure formalisée — entités adjudicatrices, défense et sécurité",
        "431000",
        D(2022, 1, 1),
        D(2023, 12, 31),
        _UE,
    ),
    _s(
        "ue_entites_adjudicatrices",
        "Procédure formalisée — entités adjudicatrices, défense et sécurité",
        "443000",
        D(2024, 1, 1),
        D(2025, 12, 31),
        _UE,
    ),
    _s(
        "ue_entites_adjudicatrices",
        "Procédure formalisée — entités adjudicatrices, défense et sécurité",
        "432000",
        D(2026, 1, 1),
        D(2027, 12, 31),
        _UE,
    ),
    _s(
        "ue_travaux",
        "Procédure formalisée — travaux et concessions",
        "5225000",
        D(2016, 1, 1),
        D(2017, 12, 31),
        _UE_2016,
    ),
    _s(
        "ue_travaux",
        "Procédure formalisée — travaux et concessions",
        "5548000",
        D(2018, 1, 1),
        D(2019, 12, 31),
        _UE_2018,
    ),
    _s("ue_travaux", "Procédure formalisée — travaux et concessions", "5350000", D(2020, 1, 1), D(2021, 12, 31), _UE),
    _s("ue_travaux", "Procédure formalisée — travaux et concessions", "5382000", D(2022, 1, 1), D(2023, 12, 31), _UE),
    _s("ue_travaux", "Procédure formalisée — travaux et concessions", "5538000", D(2024, 1, 1), D(2025, 12, 31), _UE),
    _s("ue_travaux", "Procédure formalisée — travaux et concessions", "5404000", D(2026, 1, 1), D(2027, 12, 31), _UE),
    _s(
        "publication_decp",
        "Publication des données essentielles",
        "25000",
        D(2018, 10, 1),
        D(2019, 3, 31),
        "Décret n° 2016-360, art. 107 (en vigueur le 01/10/2018) ; arrêté du 14 avril 2017",
    ),
    _s(
        "publication_decp",
        "Publication des données essentielles",
        "25000",
        D(2019, 4, 1),
        D(2019, 12, 31),
        "Arrêté du 22 mars 2019",
    ),
    _s(
        "publication_decp",
        "Publication des données essentielles",
        "40000",
        D(2020, 1, 1),
        None,
        "Décret n° 2019-1344 ; arrêtés du 22 décembre 2022",
    ),
    _s(
        "publicite_boamp_jal",
        "Publicité au BOAMP ou dans un journal d'annonces légales (procédure adaptée)",
        "90000",
        D(2016, 4, 1),
        None,
        "Décret n° 2016-360, art. 34 ; CCP art. R. 2131-12 2° (depuis le 01/04/2019)",
    ),
    _s(
        "modification_fournitures_services",
        "Modification de faible montant (fournitures et services)",
        "0.10",
        D(2016, 4, 1),
        None,
        "CCP art. R. 2194-8",
    ),
    _s(
        "modification_travaux",
        "Modification de faible montant (travaux)",
        "0.15",
        D(2016, 4, 1),
        None,
        "CCP art. R. 2194-8",
    ),
)

# Loi Climat et Résilience, art. 35: consultations launched from this date need an environmental award
# criterion and an environmental execution condition.
CLIMAT_RESILIENCE_ART35 = date(2026, 8, 22)
# DECP must be published within two months of notification.
PUBLICATION_DELAY_MONTHS = 2
# Egalim (collective catering): share of sustainable and quality products, of which organic.
EGALIM_DURABLE = Decimal("0.50")
EGALIM_BIO = Decimal("0.20")
# Accords-cadres of pouvoirs adjudicateurs last at most four years, save duly justified exceptions (CCP art.
# L. 2125-1, R. 2162-4); those of entités adjudicatrices eight years.
ACCORD_CADRE_MAX_MONTHS = 48
# National plan for sustainable public procurement (PNAD 2022-2025) targets for 2025.
PNAD_CIBLE_ENVIRONNEMENT = Decimal("1.00")
PNAD_CIBLE_SOCIAL = Decimal("0.30")


class UnknownThreshold(LookupError):
    pass


def seuil(code: str, on: date) -> Seuil:
    for entry in SEUILS:
        if entry.code == code and entry.applies_on(on):
            return entry
    raise UnknownThreshold(f"Aucun seuil « {code} » en vigueur le {on:%d/%m/%Y}.")


def value(code: str, on: date) -> Decimal:
    return seuil(code, on).amount


def all_on(on: date) -> list[Seuil]:
    return [entry for entry in SEUILS if entry.applies_on(on)]


# Buyer kinds that follow the State's (central authorities') thresholds; everyone else is "collectivités".
STATE_KINDS = frozenset({"etat"})


def buyer_family(buyer_kind: str) -> str:
    """ "etat" or "collectivites": whose supplies-and-services EU threshold a buyer kind follows."""
    return "etat" if buyer_kind in STATE_KINDS else "collectivites"


def eu_code(buyer_kind: str, nature: str, *, utility: bool = False) -> str:
    """Code of the formalised-procedure (EU) threshold for a buyer kind and a nature ('travaux', 'fournitures',
    'services'): works and concessions follow the works threshold."""
    if nature == "travaux":
        return "ue_travaux"
    if utility:
        return "ue_entites_adjudicatrices"
    return f"ue_{buyer_family(buyer_kind)}"


def procedure_code(nature: str) -> str:
    """Code of the no-procedure threshold (dispense de publicité et de mise en concurrence) for a nature."""
    return "dispense_travaux" if nature == "travaux" else "dispense_fournitures_services"


def eu_threshold(buyer_kind: str, nature: str, on: date, *, utility: bool = False) -> Decimal:
    """Formalised-procedure threshold for a buyer kind (OrganisationKind value) and a nature."""
    return value(eu_code(buyer_kind, nature, utility=utility), on)


def procedure_threshold(nature: str, on: date) -> Decimal:
    """No-procedure threshold (dispense de publicité et de mise en concurrence) for a nature."""
    return value(procedure_code(nature), on)


def nature_from_cpv(code_cpv: str | None) -> str:
    """Works, supplies or services from the CPV division (45 = works; 01-44 and 48 = supplies)."""
    if not code_cpv or len(code_cpv) < 2 or not code_cpv[:2].isdigit():
        return "services"
    division = int(code_cpv[:2])
    if division == 45:
        return "travaux"
    if division <= 44 or division == 48:
        return "fournitures"
    return "services"
