"""One object per filter of the contract data (the datasette way): what its URL keys are, its form fields and
their validation, its SQL condition, its Polars condition (for the in-memory search index), its sentence in the
summary, whether the monthly national aggregates (`cube`) can answer it, and its type in the API schema.

Adding a filter is one class here and one line in `REGISTRY`; `tests/contracts/test_filter_registry.py` runs
every filter through every path (SQL on the contracts, SQL on the cube, Polars on the index) on the same rows.
Every column name comes from these fixed fragments; request values are only ever bound parameters.
"""

import datetime as dt
import re
from decimal import Decimal

import polars as pl
from django import forms

from pilote.decp.cleaning.enums import NATURES, PROCEDURES


DIGITS_RE = re.compile(r"^\d+$")
CPV_RE = re.compile(r"^\d{2,8}$")
MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
          "novembre", "décembre"]  # fmt: skip
TRIMESTRES = [
    ("", "Tous"),
    ("1", "1er trimestre"),
    ("2", "2e trimestre"),
    ("3", "3e trimestre"),
    ("4", "4e trimestre"),
]
MOIS = [("", "Tous"), *[(str(i), label) for i, label in enumerate(MONTHS, start=1)]]


class Perimetre:
    """Which buyers the figures cover."""

    ORGANISATION = "organisation"  # the organisation's buyer SIRETs (Organisation.sirets)
    ACCOMPAGNEES = "accompagnees"  # a shared support service: the SIRETs of the organisations it supports
    PAIRS = "pairs"  # the organisation and its peers (its own peer group, else the national ones: buyers.py)
    ACHETEUR = "acheteur"  # one buyer SIRET, any buyer of the DECP
    NATIONAL = "national"  # every buyer

    CHOICES = [
        (ORGANISATION, "Mon organisation"),
        (ACCOMPAGNEES, "Organisations accompagnées"),
        (PAIRS, "Mes pairs"),
        (ACHETEUR, "Un acheteur (SIRET)"),
        (NATIONAL, "Toute la France"),
    ]


def euros(value) -> str:
    return f"{int(value):,} €".replace(",", "\u202f")


def escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class Filter:
    """Base class. `keys` are the URL parameters (and `Filters` attributes) the filter owns, in URL order."""

    keys: tuple[str, ...] = ()
    api_types: dict = {}

    def fields(self, form) -> dict[str, forms.Field]:
        raise NotImplementedError

    def clean(self, form, data: dict) -> None:
        """Normalise `data` in place and add French errors to `form` (called by FilterForm.clean)."""

    def active(self, f) -> bool:
        return any(getattr(f, key) not in (None, "") for key in self.keys)

    def sql(self, f, p: str) -> tuple[str, list]:
        """(condition, parameters) over contracts aliased `p` (with its trailing dot, or "")."""
        raise NotImplementedError

    def polars(self, f) -> pl.Expr:
        raise NotImplementedError

    def describe(self, f) -> str | None:
        return None

    def cube_answers(self, f) -> bool:
        """Whether the monthly national aggregates hold this filter's dimension at the asked precision."""
        return not self.active(f)

    def year_answers(self, f) -> bool:
        """Whether the yearly per-buyer aggregates (grain: buyer and year only) hold this filter exactly."""
        return not self.active(f)


class PerimetreFilter(Filter):
    keys = ("perimetre", "acheteur")
    api_types = {"perimetre": str, "acheteur": str}

    def fields(self, form):
        choices = Perimetre.CHOICES
        if form.organisation is None:  # without an organisation there is nothing to call "mine"
            choices = [c for c in choices if c[0] in (Perimetre.ACHETEUR, Perimetre.NATIONAL)]
        elif not form.supports_others:  # only a shared support service has organisations it supports
            choices = [c for c in choices if c[0] != Perimetre.ACCOMPAGNEES]
        return {
            "perimetre": forms.ChoiceField(label="Périmètre", choices=choices, required=False),
            "acheteur": forms.CharField(
                label="SIRET de l'acheteur",
                required=False,
                max_length=14,
                help_text="Pour le périmètre « un acheteur » : 14 chiffres (ou SIREN à 9 chiffres).",
            ),
        }

    def clean(self, form, data):
        value = re.sub(r"\s", "", data.get("acheteur") or "")
        if value and not (DIGITS_RE.match(value) and len(value) in (9, 14)):
            form.add_error("acheteur", "Saisissez un SIRET de 14 chiffres ou un SIREN de 9 chiffres.")
        elif "acheteur" in data:
            data["acheteur"] = value
        if data.get("perimetre") == Perimetre.ACHETEUR and not data.get("acheteur") and "acheteur" not in form.errors:
            form.add_error("acheteur", "Indiquez le SIRET de l'acheteur.")

    def active(self, f):
        return bool(f.acheteur) or f.sirets is not None

    def sql(self, f, p):
        if f.perimetre == Perimetre.ACHETEUR and f.acheteur:
            if len(f.acheteur) == 9:
                return f"starts_with({p}acheteur_id, ?)", [f.acheteur]
            return f"{p}acheteur_id = ?", [f.acheteur]
        if not f.sirets:
            return "FALSE", []  # an organisation without any SIRET has no contract
        return f"{p}acheteur_id IN ({', '.join('?' * len(f.sirets))})", list(f.sirets)

    def polars(self, f):
        c = pl.col("acheteur_id")
        if f.perimetre == Perimetre.ACHETEUR and f.acheteur:
            return c.str.starts_with(f.acheteur) if len(f.acheteur) == 9 else c == f.acheteur
        return c.is_in(list(f.sirets)) if f.sirets else pl.lit(False)

    def describe(self, f):
        if f.perimetre == Perimetre.ORGANISATION:
            name = f.organisation_name or "l'organisation"
            if not f.sirets:
                return f"{name} (aucun SIRET acheteur déclaré)"
            return f"{name} ({len(f.sirets)} SIRET acheteur{'s' if len(f.sirets) > 1 else ''})"
        if f.perimetre == Perimetre.PAIRS:
            return f"pairs de {f.organisation_name} ({len(f.sirets or ())} SIRET acheteurs)"
        if f.perimetre == Perimetre.ACCOMPAGNEES:
            n = len(f.sirets or ())
            return f"organisations accompagnées par {f.organisation_name} ({n} SIRET acheteur{'s' if n > 1 else ''})"
        if f.perimetre == Perimetre.ACHETEUR:
            return f"acheteur {f.acheteur}"
        return "tous les acheteurs de France"


class PeriodFilter(Filter):
    """Notification year, optionally one quarter or one month of it: a [start, end) range of dates."""

    keys = ("annee", "trimestre", "mois")
    api_types = {"annee": int, "trimestre": int, "mois": int}

    def fields(self, form):
        return {
            "annee": forms.IntegerField(label="Année de notification", required=False, min_value=2000, max_value=2100),
            "trimestre": forms.TypedChoiceField(
                label="Trimestre", choices=TRIMESTRES, required=False, coerce=int, empty_value=None
            ),
            "mois": forms.TypedChoiceField(label="Mois", choices=MOIS, required=False, coerce=int, empty_value=None),
        }

    def clean(self, form, data):
        if (data.get("trimestre") or data.get("mois")) and not data.get("annee"):
            form.add_error("annee", "Choisissez une année pour filtrer par trimestre ou par mois.")
        if data.get("trimestre") and data.get("mois") and (data["mois"] - 1) // 3 + 1 != data["trimestre"]:
            form.add_error("mois", "Ce mois n'est pas dans le trimestre choisi.")

    @staticmethod
    def period(f) -> tuple[dt.date, dt.date] | None:
        if f.annee is None:
            return None
        if f.mois:
            return dt.date(f.annee, f.mois, 1), dt.date(f.annee + (f.mois == 12), f.mois % 12 + 1, 1)
        if f.trimestre:
            first = 3 * (f.trimestre - 1) + 1
            return dt.date(f.annee, first, 1), dt.date(f.annee + (first == 10), (first + 2) % 12 + 1, 1)
        return dt.date(f.annee, 1, 1), dt.date(f.annee + 1, 1, 1)

    def active(self, f):
        return f.annee is not None

    def sql(self, f, p):
        return f"{p}date_notification >= ? AND {p}date_notification < ?", list(self.period(f))

    def polars(self, f):
        start, end = self.period(f)
        return (pl.col("date_notification") >= start) & (pl.col("date_notification") < end)

    def describe(self, f):
        if not f.annee:
            return "toutes années"
        if f.mois:
            return f"notifiés en {MONTHS[f.mois - 1]} {f.annee}"
        if f.trimestre:
            return f"notifiés au {dict(TRIMESTRES)[str(f.trimestre)].lower()} {f.annee}"
        return f"notifiés en {f.annee}"

    def cube_answers(self, f):
        return True  # the cube is kept per month

    def year_answers(self, f):
        return not (f.trimestre or f.mois)  # a whole year, or every year


def _prefixes_sql(p: str, prefixes) -> tuple[str, list]:
    if not prefixes:
        return "FALSE", []  # a segment without CPV prefix matches nothing
    return "(" + " OR ".join(f"starts_with({p}code_cpv, ?)" for _ in prefixes) + ")", list(prefixes)


def _prefixes_polars(prefixes) -> pl.Expr:
    if not prefixes:
        return pl.lit(False)
    return pl.any_horizontal(*[pl.col("code_cpv").str.starts_with(prefix) for prefix in prefixes])


class SegmentFilter(Filter):
    """A purchase segment (pilote.clauses), resolved to its CPV prefixes when the filters are parsed."""

    keys = ("segment",)
    api_types = {"segment": int}

    def fields(self, form):
        field = forms.TypedChoiceField(
            label="Segment d'achat", choices=[("", "Tous")], required=False, coerce=int, empty_value=None
        )
        # callable choices: the segments are read only when the field is rendered or validated
        field.choices = lambda: [("", "Tous"), *[(str(pk), s.label) for pk, s in form.segments.items()]]
        return {"segment": field}

    def active(self, f):
        return f.segment is not None

    def sql(self, f, p):
        return _prefixes_sql(p, f.segment_cpv)

    def polars(self, f):
        return _prefixes_polars(f.segment_cpv)

    def describe(self, f):
        return f"segment « {f.segment_label} »" if f.segment_label else None

    def cube_answers(self, f):
        return all(len(prefix) <= 2 for prefix in f.segment_cpv)  # the cube keeps the CPV division only


class CpvFilter(Filter):
    keys = ("cpv",)
    api_types = {"cpv": str}

    def fields(self, form):
        return {
            "cpv": forms.CharField(
                label="Code CPV (début)",
                required=False,
                max_length=10,
                help_text="Division (2 chiffres), groupe (3), classe (4) ou code complet.",
            )
        }

    def clean(self, form, data):
        value = re.sub(r"[\s.]", "", data.get("cpv") or "").split("-")[0]
        if value and not CPV_RE.match(value):
            form.add_error("cpv", "Le code CPV s'écrit avec 2 à 8 chiffres (ex. 45 pour les travaux).")
        elif "cpv" in data:
            data["cpv"] = value

    def sql(self, f, p):
        return _prefixes_sql(p, [f.cpv])

    def polars(self, f):
        return _prefixes_polars([f.cpv])

    def describe(self, f):
        return f"CPV commençant par {f.cpv}"

    def cube_answers(self, f):
        return len(f.cpv or "") <= 2


class EqualsFilter(Filter):
    """A column equal to one of the DECP labels (nature, procédure)."""

    label = ""
    all_label = ""
    values: tuple[str, ...] = ()

    def __init__(self, key, label, all_label, values):
        self.keys = (key,)
        self.api_types = {key: str}
        self.key, self.label, self.all_label, self.values = key, label, all_label, tuple(values)

    def fields(self, form):
        choices = [("", self.all_label), *[(v, v) for v in self.values]]
        return {self.key: forms.ChoiceField(label=self.label, choices=choices, required=False)}

    def sql(self, f, p):
        return f"{p}{self.key} = ?", [getattr(f, self.key)]

    def polars(self, f):
        return pl.col(self.key) == getattr(f, self.key)

    def describe(self, f):
        return f"{self.label.lower()} « {getattr(f, self.key)} »"

    def cube_answers(self, f):
        return True  # a dimension of the cube


class AmountFilter(Filter):
    """The contract's initial amount (as published at notification) between two bounds, inclusive."""

    keys = ("montant_min", "montant_max")
    api_types = {"montant_min": Decimal, "montant_max": Decimal}

    def fields(self, form):
        return {
            "montant_min": forms.DecimalField(
                label="Montant minimum (€ HT)", required=False, min_value=0, max_digits=15
            ),
            "montant_max": forms.DecimalField(
                label="Montant maximum (€ HT)", required=False, min_value=0, max_digits=15
            ),
        }

    def clean(self, form, data):
        low, high = data.get("montant_min"), data.get("montant_max")
        if low is not None and high is not None and low > high:
            form.add_error("montant_max", "Le montant maximum doit être supérieur ou égal au minimum.")

    def sql(self, f, p):
        clauses, params = [], []
        if f.montant_min is not None:
            clauses.append(f"{p}montant >= ?")
            params.append(float(f.montant_min))
        if f.montant_max is not None:
            clauses.append(f"{p}montant <= ?")
            params.append(float(f.montant_max))
        return " AND ".join(clauses), params

    def polars(self, f):
        cond = pl.lit(True)
        if f.montant_min is not None:
            cond &= pl.col("montant") >= float(f.montant_min)
        if f.montant_max is not None:
            cond &= pl.col("montant") <= float(f.montant_max)
        return cond

    def describe(self, f):
        if f.montant_min is not None and f.montant_max is not None:
            return f"montant de {euros(f.montant_min)} à {euros(f.montant_max)}"
        if f.montant_min is not None:
            return f"montant d'au moins {euros(f.montant_min)}"
        return f"montant d'au plus {euros(f.montant_max)}"


class TitulaireFilter(Filter):
    """A titulaire of the contract, initial or added by a modification (semantics.TITULAIRES): by SIRET or SIREN
    (prefix), else by a part of the name, case-insensitively."""

    keys = ("titulaire",)
    api_types = {"titulaire": str}

    def fields(self, form):
        return {
            "titulaire": forms.CharField(
                label="Titulaire", required=False, max_length=120, help_text="SIRET, SIREN ou partie du nom."
            )
        }

    def clean(self, form, data):
        if "titulaire" in data:
            data["titulaire"] = " ".join((data.get("titulaire") or "").split())

    @staticmethod
    def identifier(f) -> str | None:
        compact = f.titulaire.replace(" ", "")
        return compact if DIGITS_RE.match(compact) and len(compact) in (9, 14) else None

    def sql(self, f, p):
        siret = self.identifier(f)
        if siret:
            match, value = "starts_with(t.titulaire_id, ?)", siret
        else:
            match, value = "t.titulaire_nom ILIKE ? ESCAPE '\\'", "%" + escape_like(f.titulaire) + "%"
        # every row of `titulaires`: the initial ones and those a modification added
        return f"{p}contrat_uid IN (SELECT t.contrat_uid FROM titulaires t WHERE {match})", [value]  # noqa: S608

    def polars(self, f):
        siret = self.identifier(f)
        if siret:
            return pl.col("titulaire_ids").list.eval(pl.element().str.starts_with(siret)).list.any()
        needle = f.titulaire.lower()
        return (
            pl.col("titulaire_noms")
            .list.eval(pl.element().str.to_lowercase().str.contains(needle, literal=True))
            .list.any()
        )

    def describe(self, f):
        return f"titulaire « {f.titulaire} »"


REGISTRY: tuple[Filter, ...] = (
    PerimetreFilter(),
    PeriodFilter(),
    SegmentFilter(),
    CpvFilter(),
    EqualsFilter("nature", "Nature", "Toutes", NATURES),
    EqualsFilter("procedure", "Procédure", "Toutes", PROCEDURES),
    AmountFilter(),
    TitulaireFilter(),
)
# URL parameter names owned by the filters, in the order they are written back.
FILTER_KEYS = tuple(key for f in REGISTRY for key in f.keys)
