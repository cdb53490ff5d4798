"""Scope and filters of the cockpit (and of the explorer), kept in the URL so that any view can be shared.

A Django form validates the query string; `parse_filters()` turns it into a frozen `Filters` dataclass (the
URL-as-state), which knows how to write itself back as a query string (`Filters.querystring()`), to describe
itself in French (`Filters.summary()`), and `to_where(filters)` turns it into a SQL condition over the
`contrats` view of the DECP store with bound parameters only: every column name comes from the fixed
fragments below, never from the request.

Stable API (imported by pilote.explorer):
    parse_filters(data, organisation=None) -> (Filters, FilterForm)
    Filters (frozen dataclass), Filters.querystring(**overrides), Filters.summary(), Filters.is_default
    to_where(filters, alias="") -> (sql, params)
    FILTER_KEYS: the URL parameter names owned by the filters (other parameters, e.g. `q`, `page`, are free)
"""

import datetime as dt
import re
from dataclasses import asdict, dataclass, replace
from decimal import Decimal
from functools import cached_property
from urllib.parse import urlencode

from django import forms

from pilote.decp.cleaning.enums import NATURES, PROCEDURES


class Perimetre:
    """Which buyers the figures cover."""

    ORGANISATION = "organisation"  # the organisation's buyer SIRETs (Organisation.sirets)
    PAIRS = "pairs"  # every organisation of its peer group (or of the same kind when it has no group)
    ACHETEUR = "acheteur"  # one buyer SIRET, any buyer of the DECP
    NATIONAL = "national"  # every buyer

    CHOICES = [
        (ORGANISATION, "Mon organisation"),
        (PAIRS, "Mes pairs"),
        (ACHETEUR, "Un acheteur (SIRET)"),
        (NATIONAL, "Toute la France"),
    ]


TRIMESTRES = [
    ("", "Tous"),
    ("1", "1er trimestre"),
    ("2", "2e trimestre"),
    ("3", "3e trimestre"),
    ("4", "4e trimestre"),
]
MOIS = [
    ("", "Tous"),
    *[
        (str(i), label)
        for i, label in enumerate(
            [
                "janvier",
                "février",
                "mars",
                "avril",
                "mai",
                "juin",
                "juillet",
                "août",
                "septembre",
                "octobre",
                "novembre",
                "décembre",
            ],
            start=1,
        )
    ],
]
MOIS_LABELS = dict(MOIS)

# URL parameter names owned by the filters, in the order they are written back.
FILTER_KEYS = (
    "perimetre",
    "acheteur",
    "annee",
    "trimestre",
    "mois",
    "cpv",
    "segment",
    "nature",
    "procedure",
    "montant_min",
    "montant_max",
    "titulaire",
)

_CPV_RE = re.compile(r"^\d{2,8}$")
_DIGITS_RE = re.compile(r"^\d+$")


class FilterForm(forms.Form):
    """The filters as a form: every field optional, French labels and messages."""

    perimetre = forms.ChoiceField(label="Périmètre", choices=Perimetre.CHOICES, required=False)
    acheteur = forms.CharField(
        label="SIRET de l'acheteur",
        required=False,
        max_length=14,
        help_text="Pour le périmètre « un acheteur » : 14 chiffres (ou SIREN à 9 chiffres).",
    )
    annee = forms.IntegerField(label="Année de notification", required=False, min_value=2000, max_value=2100)
    trimestre = forms.TypedChoiceField(
        label="Trimestre", choices=TRIMESTRES, required=False, coerce=int, empty_value=None
    )
    mois = forms.TypedChoiceField(label="Mois", choices=MOIS, required=False, coerce=int, empty_value=None)
    cpv = forms.CharField(
        label="Code CPV (début)",
        required=False,
        max_length=10,
        help_text="Division (2 chiffres), groupe (3), classe (4) ou code complet.",
    )
    segment = forms.TypedChoiceField(
        label="Segment d'achat", choices=[("", "Tous")], required=False, coerce=int, empty_value=None
    )
    nature = forms.ChoiceField(label="Nature", choices=[("", "Toutes"), *[(n, n) for n in NATURES]], required=False)
    procedure = forms.ChoiceField(
        label="Procédure", choices=[("", "Toutes"), *[(p, p) for p in PROCEDURES]], required=False
    )
    montant_min = forms.DecimalField(label="Montant minimum (€ HT)", required=False, min_value=0, max_digits=15)
    montant_max = forms.DecimalField(label="Montant maximum (€ HT)", required=False, min_value=0, max_digits=15)
    titulaire = forms.CharField(
        label="Titulaire",
        required=False,
        max_length=120,
        help_text="SIRET, SIREN ou partie du nom.",
    )

    def __init__(self, *args, organisation=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        # callable choices: the segments are read only when the field is rendered or validated
        self.fields["segment"].choices = lambda: [
            ("", "Tous"),
            *[(str(pk), s.label) for pk, s in self.segments.items()],
        ]
        if organisation is None:
            # Without an organisation there is nothing to call "mine".
            self.fields["perimetre"].choices = [
                c for c in Perimetre.CHOICES if c[0] in (Perimetre.ACHETEUR, Perimetre.NATIONAL)
            ]

    @cached_property
    def segments(self) -> dict:
        return {s.pk: s for s in _segments_for(self.organisation)}

    def clean_acheteur(self):
        value = re.sub(r"\s", "", self.cleaned_data.get("acheteur") or "")
        if value and not (_DIGITS_RE.match(value) and len(value) in (9, 14)):
            raise forms.ValidationError("Saisissez un SIRET de 14 chiffres ou un SIREN de 9 chiffres.")
        return value

    def clean_cpv(self):
        value = re.sub(r"[\s.]", "", self.cleaned_data.get("cpv") or "").split("-")[0]
        if value and not _CPV_RE.match(value):
            raise forms.ValidationError("Le code CPV s'écrit avec 2 à 8 chiffres (ex. 45 pour les travaux).")
        return value

    def clean_titulaire(self):
        return " ".join((self.cleaned_data.get("titulaire") or "").split())

    def clean(self):
        data = super().clean()
        low, high = data.get("montant_min"), data.get("montant_max")
        if low is not None and high is not None and low > high:
            self.add_error("montant_max", "Le montant maximum doit être supérieur ou égal au minimum.")
        if (data.get("trimestre") or data.get("mois")) and not data.get("annee"):
            self.add_error("annee", "Choisissez une année pour filtrer par trimestre ou par mois.")
        if data.get("trimestre") and data.get("mois") and (data["mois"] - 1) // 3 + 1 != data["trimestre"]:
            self.add_error("mois", "Ce mois n'est pas dans le trimestre choisi.")
        if data.get("perimetre") == Perimetre.ACHETEUR and not data.get("acheteur") and "acheteur" not in self.errors:
            self.add_error("acheteur", "Indiquez le SIRET de l'acheteur.")
        return data


# Purchase segments are defined by pilote.clauses, above this layer: it registers where they come from
# (`register_segment_source` in its AppConfig.ready), and a segment filter resolves to CPV prefixes.
_SEGMENT_SOURCES: list = []


def register_segment_source(function) -> None:
    """`function(organisation or None)` returns the segments offered to it: objects with `pk`, `label` and
    `cpv_prefix_list`."""
    if function not in _SEGMENT_SOURCES:
        _SEGMENT_SOURCES.append(function)


def _segments_for(organisation):
    return [segment for source in _SEGMENT_SOURCES for segment in source(organisation)]


@dataclass(frozen=True)
class Filters:
    """The validated filters, plus what they resolve to (the buyer SIRETs, the segment's CPV prefixes)."""

    perimetre: str = Perimetre.NATIONAL
    acheteur: str = ""
    annee: int | None = None
    trimestre: int | None = None
    mois: int | None = None
    cpv: str = ""
    segment: int | None = None
    nature: str = ""
    procedure: str = ""
    montant_min: Decimal | None = None
    montant_max: Decimal | None = None
    titulaire: str = ""
    # Resolved scope (not written to the URL): buyer SIRETs of the perimeter (None = every buyer).
    sirets: tuple[str, ...] | None = None
    segment_label: str = ""
    segment_cpv: tuple[str, ...] = ()
    organisation_name: str = ""

    def url_params(self) -> dict[str, str]:
        """The query-string parameters that reproduce these filters (empty ones left out)."""
        values = asdict(self)
        params = {}
        for key in FILTER_KEYS:
            value = values[key]
            if value is None or value == "":
                continue
            params[key] = str(value)
        return params

    def querystring(self, **overrides) -> str:
        """`perimetre=...&annee=...` for links; `overrides` replace or remove (None) parameters."""
        params = self.url_params()
        for key, value in overrides.items():
            if value is None or value == "":
                params.pop(key, None)
            else:
                params[key] = str(value)
        return urlencode(params)

    def with_changes(self, **changes) -> "Filters":
        return replace(self, **changes)

    @property
    def period(self) -> tuple[dt.date, dt.date] | None:
        """[start, end) of the notification period, or None when no year is chosen."""
        if self.annee is None:
            return None
        if self.mois:
            start = dt.date(self.annee, self.mois, 1)
            end = dt.date(self.annee + (self.mois == 12), self.mois % 12 + 1, 1)
        elif self.trimestre:
            first = 3 * (self.trimestre - 1) + 1
            start = dt.date(self.annee, first, 1)
            end = dt.date(self.annee + (first == 10), (first + 2) % 12 + 1, 1)
        else:
            start, end = dt.date(self.annee, 1, 1), dt.date(self.annee + 1, 1, 1)
        return start, end

    @property
    def is_default(self) -> bool:
        return not any(k != "perimetre" for k in self.url_params())

    def summary(self) -> str:
        """The filters in one French sentence, e.g. for a page subtitle or an export header."""
        parts = [_perimetre_label(self)]
        if self.annee:
            if self.mois:
                parts.append(f"notifiés en {MOIS_LABELS[str(self.mois)]} {self.annee}")
            elif self.trimestre:
                parts.append(f"notifiés au {dict(TRIMESTRES)[str(self.trimestre)].lower()} {self.annee}")
            else:
                parts.append(f"notifiés en {self.annee}")
        else:
            parts.append("toutes années")
        if self.segment_label:
            parts.append(f"segment « {self.segment_label} »")
        if self.cpv:
            parts.append(f"CPV commençant par {self.cpv}")
        if self.nature:
            parts.append(f"nature « {self.nature} »")
        if self.procedure:
            parts.append(f"procédure « {self.procedure} »")
        if self.montant_min is not None and self.montant_max is not None:
            parts.append(f"montant de {_euros(self.montant_min)} à {_euros(self.montant_max)}")
        elif self.montant_min is not None:
            parts.append(f"montant d'au moins {_euros(self.montant_min)}")
        elif self.montant_max is not None:
            parts.append(f"montant d'au plus {_euros(self.montant_max)}")
        if self.titulaire:
            parts.append(f"titulaire « {self.titulaire} »")
        return ", ".join(parts)


def _euros(value) -> str:
    return f"{int(value):,} €".replace(",", "\u202f")


def _perimetre_label(filters: Filters) -> str:
    if filters.perimetre == Perimetre.ORGANISATION:
        name = filters.organisation_name or "l'organisation"
        if not filters.sirets:
            return f"{name} (aucun SIRET acheteur déclaré)"
        return f"{name} ({len(filters.sirets)} SIRET acheteur{'s' if len(filters.sirets) > 1 else ''})"
    if filters.perimetre == Perimetre.PAIRS:
        return f"pairs de {filters.organisation_name} ({len(filters.sirets or ())} SIRET acheteurs)"
    if filters.perimetre == Perimetre.ACHETEUR:
        return f"acheteur {filters.acheteur}"
    return "tous les acheteurs de France"


def peer_organisations(organisation):
    """Organisations compared with `organisation`: its peer group, else those of the same kind (itself included)."""
    from pilote.core.models import Organisation

    if organisation.peer_group_id:
        return Organisation.objects.filter(peer_group_id=organisation.peer_group_id)
    return Organisation.objects.filter(kind=organisation.kind)


def _peer_sirets(organisation) -> tuple[str, ...]:
    from pilote.core.models import BuyerEntity

    sirets = BuyerEntity.objects.filter(organisation__in=peer_organisations(organisation)).values_list(
        "siret", flat=True
    )
    return tuple(sorted(set(sirets)))


def parse_filters(data, organisation=None) -> tuple[Filters, FilterForm]:
    """Validate `data` (request.GET or a dict) and return the filters with the bound form.

    Invalid fields are ignored (the rest still applies) and their French error stays on the form, so a page
    can show it instead of failing. Default perimeter: the organisation when there is one, else France."""
    form = FilterForm(data or None, organisation=organisation)
    cleaned = {}
    if form.is_bound:
        form.is_valid()
        cleaned = {k: v for k, v in form.cleaned_data.items() if k not in form.errors}
    default = Perimetre.ORGANISATION if organisation is not None else Perimetre.NATIONAL
    perimetre = cleaned.get("perimetre") or default
    if perimetre in (Perimetre.ORGANISATION, Perimetre.PAIRS) and organisation is None:
        perimetre = Perimetre.NATIONAL
    acheteur = cleaned.get("acheteur") or ""
    if perimetre == Perimetre.ACHETEUR and not acheteur:
        perimetre = default
    if perimetre == Perimetre.ORGANISATION:
        sirets = tuple(sorted(organisation.sirets))
    elif perimetre == Perimetre.PAIRS:
        sirets = _peer_sirets(organisation)
    else:
        sirets = None
    annee = cleaned.get("annee")
    segment_id = cleaned.get("segment")
    segment = form.segments.get(segment_id) if segment_id else None
    return (
        Filters(
            perimetre=perimetre,
            acheteur=acheteur if perimetre == Perimetre.ACHETEUR else "",
            annee=annee,
            trimestre=cleaned.get("trimestre") if annee else None,
            mois=cleaned.get("mois") if annee else None,
            cpv=cleaned.get("cpv") or "",
            segment=segment.pk if segment else None,
            nature=cleaned.get("nature") or "",
            procedure=cleaned.get("procedure") or "",
            montant_min=cleaned.get("montant_min"),
            montant_max=cleaned.get("montant_max"),
            titulaire=cleaned.get("titulaire") or "",
            sirets=sirets,
            segment_label=segment.label if segment else "",
            segment_cpv=tuple(p for p in (segment.cpv_prefix_list if segment else []) if _CPV_RE.match(p)),
            organisation_name=organisation.name if organisation is not None else "",
        ),
        form,
    )


def to_where(filters: Filters, alias: str = "") -> tuple[str, list]:
    """SQL condition (DuckDB) over the `contrats` view and its bound parameters.

    `alias` prefixes the columns (e.g. "c" for `FROM contrats c`). The titulaire filter reads the
    `titulaires` view by contrat_uid. Returns ("TRUE", []) when nothing restricts the rows."""
    if alias and not re.fullmatch(r"[a-z_][a-z0-9_]*", alias):
        raise ValueError("alias SQL invalide")
    p = f"{alias}." if alias else ""
    clauses, params = [], []
    if filters.perimetre == Perimetre.ACHETEUR and filters.acheteur:
        if len(filters.acheteur) == 9:
            clauses.append(f"starts_with({p}acheteur_id, ?)")
        else:
            clauses.append(f"{p}acheteur_id = ?")
        params.append(filters.acheteur)
    elif filters.sirets is not None:
        if not filters.sirets:
            clauses.append("FALSE")  # an organisation without any SIRET has no contract
        else:
            clauses.append(f"{p}acheteur_id IN ({', '.join('?' * len(filters.sirets))})")
            params.extend(filters.sirets)
    period = filters.period
    if period:
        clauses.append(f"{p}date_notification >= ? AND {p}date_notification < ?")
        params.extend(period)
    if filters.cpv:
        clauses.append(f"starts_with({p}code_cpv, ?)")
        params.append(filters.cpv)
    if filters.segment is not None:
        if filters.segment_cpv:
            clauses.append("(" + " OR ".join(f"starts_with({p}code_cpv, ?)" for _ in filters.segment_cpv) + ")")
            params.extend(filters.segment_cpv)
        else:
            clauses.append("FALSE")  # a segment without CPV prefix matches nothing
    if filters.nature:
        clauses.append(f"{p}nature = ?")
        params.append(filters.nature)
    if filters.procedure:
        clauses.append(f"{p}procedure = ?")
        params.append(filters.procedure)
    if filters.montant_min is not None:
        clauses.append(f"{p}montant >= ?")
        params.append(float(filters.montant_min))
    if filters.montant_max is not None:
        clauses.append(f"{p}montant <= ?")
        params.append(float(filters.montant_max))
    if filters.titulaire:
        compact = filters.titulaire.replace(" ", "")
        if _DIGITS_RE.match(compact) and len(compact) in (9, 14):
            match, value = "starts_with(t.titulaire_id, ?)", compact
        else:
            match, value = "t.titulaire_nom ILIKE ? ESCAPE '\\'", "%" + _escape_like(filters.titulaire) + "%"
        # `match` is one of the two fixed fragments above; the value is bound.
        clauses.append(f"{p}contrat_uid IN (SELECT t.contrat_uid FROM titulaires t WHERE {match})")  # noqa: S608
        params.append(value)
    if not clauses:
        return "TRUE", []
    return " AND ".join(f"({c})" for c in clauses), params


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
