"""Scope and filters of the contract data, kept in the URL so that any view can be shared.

A Django form built from the filter registry (`filter_types.REGISTRY`, one object per filter) validates the query
string; `parse_filters()` turns it into a frozen `Filters` dataclass (the URL-as-state), which writes itself back
as a query string (`Filters.querystring()`) and describes itself in French (`Filters.summary()`).
`to_where(filters)` gives the SQL condition (bound parameters only) and `to_polars(filters)` the same condition
for the in-memory search index; `cube_answers(filters)` says whether the monthly aggregates can answer.
`schema()` is the API's query schema, generated from the same registry.

Stable API: parse_filters, Filters, to_where, to_polars, cube_answers, schema, peer_organisations, own_peer_group,
Perimetre, FILTER_KEYS, register_segment_source.
"""

import datetime as dt
import re
from dataclasses import asdict, dataclass, replace
from decimal import Decimal
from functools import cached_property
from urllib.parse import urlencode

import polars as pl
from django import forms

from pilote.contracts import buyers
from pilote.contracts.filter_types import CPV_RE, FILTER_KEYS, MOIS, REGISTRY, TRIMESTRES, Perimetre, PeriodFilter
from pilote.core.models import BuyerEntity, Organisation


__all__ = ["FILTER_KEYS", "MOIS", "REGISTRY", "TRIMESTRES", "FilterForm", "Filters", "Perimetre", "parse_filters"]
MOIS_LABELS = dict(MOIS)
# Purchase segments are defined by pilote.clauses, above this layer: it registers where they come from
# (`register_segment_source` in its AppConfig.ready), and a segment filter resolves to CPV prefixes.
_SEGMENT_SOURCES: list = []


def register_segment_source(function) -> None:
    """`function(organisation or None)` returns the segments offered to it: objects with `pk`, `label` and
    `cpv_prefix_list`."""
    if function not in _SEGMENT_SOURCES:
        _SEGMENT_SOURCES.append(function)


class FilterForm(forms.Form):
    """The filters as a form: every field optional, French labels and messages, fields from the registry."""

    def __init__(self, *args, organisation=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        for entry in REGISTRY:
            self.fields.update(entry.fields(self))

    @cached_property
    def supports_others(self) -> bool:
        return self.organisation is not None and self.organisation.supported_organisations.exists()

    @cached_property
    def segments(self) -> dict:
        return {s.pk: s for source in _SEGMENT_SOURCES for s in source(self.organisation)}

    def clean(self):
        data = super().clean()
        for entry in REGISTRY:
            entry.clean(self, data)
        return data


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
        return {key: str(values[key]) for key in FILTER_KEYS if values[key] not in (None, "")}

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
        return PeriodFilter.period(self)

    @property
    def is_default(self) -> bool:
        return not any(k != "perimetre" for k in self.url_params())

    def summary(self) -> str:
        """The filters in one French sentence, e.g. for a page subtitle or an export header."""
        parts = [REGISTRY[0].describe(self), REGISTRY[1].describe(self)]  # the scope and the period, always said
        parts += [entry.describe(self) for entry in REGISTRY[2:] if entry.active(self)]
        return ", ".join(part for part in parts if part)


def _alias(alias: str) -> str:
    if alias and not re.fullmatch(r"[a-z_][a-z0-9_]*", alias):
        raise ValueError("alias SQL invalide")
    return f"{alias}." if alias else ""


def to_where(filters: Filters, alias: str = "") -> tuple[str, list]:
    """SQL condition (DuckDB) over a relation with the contracts' columns, and its bound parameters.

    `alias` prefixes the columns (e.g. "c" for `FROM contrats c`). Returns ("TRUE", []) when nothing restricts
    the rows."""
    p = _alias(alias)
    clauses, params = [], []
    for entry in REGISTRY:
        if entry.active(filters):
            clause, values = entry.sql(filters, p)
            clauses.append(clause)
            params.extend(values)
    if not clauses:
        return "TRUE", []
    return " AND ".join(f"({c})" for c in clauses), params


def to_polars(filters: Filters | None) -> pl.Expr:
    """The same condition as `to_where` over the search index's documents (a missing value never matches)."""
    cond = pl.lit(True)
    if filters is None:
        return cond
    for entry in REGISTRY:
        if entry.active(filters):
            cond &= entry.polars(filters)
    return cond.fill_null(False)


def cube_answers(filters: Filters) -> bool:
    """Whether the monthly national aggregates answer these filters exactly (each filter says for itself)."""
    return all(entry.cube_answers(filters) for entry in REGISTRY)


def schema(name: str = "FiltresIn", *, exclude=(), base=None, **extra):
    """The API's query schema (a ninja Schema, or a subclass of `base`): one optional parameter per URL key of the
    registry, described by its form field (label and help), less `exclude`, plus `extra` fields (name=type)."""
    # imported here: the API's modules call this; every other importer of the filters (the import command, the
    # web pages) would load ninja and pydantic for nothing (0.13 s of a monthly file's import)
    from ninja import Field, Schema
    from pydantic import create_model

    form_fields = FilterForm(organisation=None).fields
    fields = {}
    for entry in REGISTRY:
        for key, kind in entry.api_types.items():
            if key in exclude:
                continue
            field = form_fields[key]
            description = " ".join(str(t) for t in (field.label, field.help_text) if t)
            fields[key] = (kind | None, Field(None, description=description))
    fields |= {key: (kind | None, None) for key, kind in extra.items()}
    return create_model(name, __base__=base or Schema, **fields)


def peer_organisations(organisation):
    """Organisations compared with `organisation`: its peer group, else those of the same kind (itself included)."""
    if organisation.peer_group_id:
        return Organisation.objects.filter(peer_group_id=organisation.peer_group_id)
    return Organisation.objects.filter(kind=organisation.kind)


def own_peer_group(organisation) -> bool:
    """Whether the organisation's own peer group is its peers: it defined one holding another organisation (a
    group of one would compare it with itself); otherwise its peers are the national ones (`buyers`)."""
    return bool(organisation.peer_group_id) and peer_organisations(organisation).count() > 1


def _peer_sirets(organisation) -> tuple[str, ...]:
    """The SIRETs of the "Mes pairs" scope: the organisation's and its peers' (those of the peers table)."""
    if not own_peer_group(organisation):
        national = buyers.national_peers(organisation)
        if national is not None:
            return tuple(sorted(set(national["sirets"]) | set(organisation.sirets)))
    sirets = BuyerEntity.objects.filter(organisation__in=peer_organisations(organisation)).values_list(
        "siret", flat=True
    )
    return tuple(sorted(set(sirets)))


def supported_sirets(organisation) -> dict[str, int]:
    """SIRET → organisation id of the organisations a shared support service supports (its consolidated scope)."""
    entities = BuyerEntity.objects.filter(organisation__in=organisation.supported_organisations.all())
    return dict(entities.values_list("siret", "organisation_id"))


def _scope(perimetre, organisation) -> tuple[str, ...] | None:
    if perimetre == Perimetre.ORGANISATION:
        return tuple(sorted(organisation.sirets))
    if perimetre == Perimetre.ACCOMPAGNEES:
        return tuple(sorted(supported_sirets(organisation)))
    if perimetre == Perimetre.PAIRS:
        return _peer_sirets(organisation)
    return None


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
    if organisation is not None and not organisation.sirets and form.supports_others:
        default = Perimetre.ACCOMPAGNEES  # a shared support service without SIRETs: its organisations together
    perimetre = cleaned.get("perimetre") or default
    if perimetre in (Perimetre.ORGANISATION, Perimetre.PAIRS, Perimetre.ACCOMPAGNEES) and organisation is None:
        perimetre = Perimetre.NATIONAL
    if perimetre == Perimetre.ACCOMPAGNEES and not form.supports_others:
        perimetre = default
    acheteur = cleaned.get("acheteur") or ""
    if perimetre == Perimetre.ACHETEUR and not acheteur:
        perimetre = default
    annee = cleaned.get("annee")
    segment_id = cleaned.get("segment")
    segment = form.segments.get(segment_id) if segment_id else None
    filters = Filters(
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
        sirets=_scope(perimetre, organisation),
        segment_label=segment.label if segment else "",
        segment_cpv=tuple(p for p in (segment.cpv_prefix_list if segment else []) if CPV_RE.match(p)),
        organisation_name=organisation.name if organisation is not None else "",
    )
    return filters, form
