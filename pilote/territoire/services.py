"""Writes of the territory's map: imports (all rows or none), merges of duplicate actors, schemes. Each is atomic
and leaves an audit row. The fund's writes are in fund.py."""

from django.core.exceptions import ValidationError
from django.db import transaction

from pilote.core import uploads
from pilote.core.services import record_event
from pilote.territoire import grants_csv, parsing, schemes_csv
from pilote.territoire.audit import TerritoireVerb
from pilote.territoire.models import Actor, ActorSource, Grant, GrantSource, Scheme, SourceKind
from pilote.territoire.themes import guess_themes


UPLOAD_RULES = uploads.UploadRules(extensions=(".csv",), max_bytes=20 * uploads.MB)
LAYOUTS = {
    "siae": ("Liste des SIAE (ASP)", parsing.parse_siae),
    "inclusion": ("Structures data·inclusion", parsing.parse_inclusion),
    "scdl": ("Subventions SCDL 2.1.1", grants_csv.parse_scdl),
    "fonds_vert": ("Fonds vert 2023 (export par commune)", grants_csv.parse_fonds_vert),
    "dispositifs": ("Dispositifs d'aide (schéma national v0.2.0)", schemes_csv.parse_schemes),
}


def read_upload(upload) -> str:
    uploads.check_upload(upload, UPLOAD_RULES)
    try:
        return upload.read().decode("utf-8")
    except UnicodeDecodeError:
        raise ValidationError(f"« {upload.name} » n'est pas encodé en UTF-8.") from None


def _find(organisation, *, siren="", siret="", rna="") -> Actor | None:
    actors = Actor.objects.filter(organisation=organisation, merged_into=None)
    for field, value in (("siret", siret), ("siren", siren), ("rna", rna)):
        if value:
            found = actors.filter(**{field: value}).first()
            if found:
                return found
    return None


def upsert_actor(organisation, data: dict, source: str, reference: str) -> Actor:
    """The actor with the same SIRET, SIREN or RNA, completed, or a new one; the source is always added."""
    siret, siren, rna = data.get("siret", ""), data.get("siren", "") or data.get("siret", "")[:9], data.get("rna", "")
    actor = _find(organisation, siren=siren, siret=siret, rna=rna)
    if actor is None:
        actor = Actor(organisation=organisation, name=data["name"][:250], siren=siren, siret=siret, rna=rna)
    actor.siret = actor.siret or siret
    actor.rna = actor.rna or rna
    actor.commune_code = actor.commune_code or data.get("commune_code", "")
    actor.kind = actor.kind or (data.get("kinds") or [""])[0]
    actor.themes = sorted(set(actor.themes) | set(data.get("themes", [])))
    actor.labels = sorted(set(actor.labels) | set(data.get("labels", [])))
    actor.save()
    ActorSource.objects.create(actor=actor, kind=source, reference=reference[:250])
    return actor


def _save_grants(organisation, rows: list[dict], source: str, reference: str) -> int:
    schemes = {s.titre: s for s in Scheme.objects.filter(organisation=organisation)}
    kind = SourceKind.FONDS_VERT if source == GrantSource.FONDS_VERT else SourceKind.SCDL
    for row in rows:
        beneficiary = None
        if row["beneficiaire_id"] or row["rna"]:
            ident = row["beneficiaire_id"]
            beneficiary = upsert_actor(
                organisation,
                {"name": row["beneficiaire_nom"], "siret": ident if len(ident) == 14 else "", "siren": ident[:9],
                 "rna": row["rna"], "commune_code": row["commune_code"]},
                kind, reference,
            )  # fmt: skip
        Grant.objects.create(
            organisation=organisation, source=source, beneficiary=beneficiary,
            scheme=schemes.get(row["scheme_label"]), **row,
        )  # fmt: skip
    return len(rows)


@transaction.atomic
def do_import(organisation, *, actor, layout: str, text: str, filename: str) -> str:
    """Import a file in one of LAYOUTS; every row is checked before anything is written."""
    if layout not in LAYOUTS:
        raise ValidationError({"layout": "Choisissez la disposition du fichier."})
    rows = LAYOUTS[layout][1](text)
    reference = f"{filename} ({LAYOUTS[layout][0]})"
    if layout in ("siae", "inclusion"):
        source = SourceKind.SIAE if layout == "siae" else SourceKind.INCLUSION
        for row in rows:
            upsert_actor(organisation, row, source, f"{reference}, ligne {row['line']}")
        summary = f"{len(rows)} acteur(s) importé(s)"
    elif layout == "dispositifs":
        summary = f"{_save_schemes(organisation, rows)} dispositif(s) importé(s)"
    else:
        source = GrantSource.FONDS_VERT if layout == "fonds_vert" else GrantSource.SCDL
        summary = f"{_save_grants(organisation, rows, source, reference)} subvention(s) importée(s)"
    record_event(actor=actor, organisation=organisation, verb=TerritoireVerb.IMPORT, target=filename,
                 payload={"disposition": layout, "resultat": summary})  # fmt: skip
    return summary


@transaction.atomic
def do_import_scheme_rows(organisation, *, actor, rows: list[dict], filename: str) -> str:
    """Schemes already read from a dispositif-aide file (the demo leaves out a row the schema refuses)."""
    summary = f"{_save_schemes(organisation, schemes_csv.parse_scheme_rows(rows))} dispositif(s) importé(s)"
    record_event(actor=actor, organisation=organisation, verb=TerritoireVerb.IMPORT, target=filename,
                 payload={"disposition": "dispositifs", "resultat": summary})  # fmt: skip
    return summary


def _save_schemes(organisation, rows: list[dict]) -> int:
    for row in rows:
        themes = guess_themes(row["titre"], row["description"])
        Scheme.objects.update_or_create(organisation=organisation, uid=row["uid"], defaults={**row, "themes": themes})
    return len(rows)


@transaction.atomic
def do_import_titulaires(organisation, *, actor, titulaires: dict[str, str]) -> int:
    """Titulaires of the organisation's contracts (SIREN → name, read through pilote.contracts) as actors."""
    for siren, name in titulaires.items():
        if len(siren) == 9 and siren.isdigit():
            upsert_actor(organisation, {"name": name or siren, "siren": siren}, SourceKind.TITULAIRE, "données DECP")
    record_event(actor=actor, organisation=organisation, verb=TerritoireVerb.IMPORT, target="titulaires",
                 payload={"titulaires": len(titulaires)})  # fmt: skip
    return len(titulaires)


@transaction.atomic
def do_merge_actors(kept: Actor, duplicate: Actor, *, actor) -> Actor:
    """Merge a duplicate into the actor kept: its sources, grants and applications move; the duplicate stays,
    marked as merged, so that nothing a source said is lost."""
    if kept.pk == duplicate.pk or kept.organisation_id != duplicate.organisation_id:
        raise ValidationError("Choisissez deux acteurs différents de l'organisation.")
    if duplicate.merged_into_id:
        raise ValidationError(f"« {duplicate.name} » est déjà fusionné.")
    duplicate.sources.update(actor=kept)
    duplicate.grants.update(beneficiary=kept)
    duplicate.applications.update(carrier=kept)
    for field in ("siren", "siret", "rna", "commune_code", "kind"):
        setattr(kept, field, getattr(kept, field) or getattr(duplicate, field))
    kept.themes = sorted(set(kept.themes) | set(duplicate.themes))
    kept.labels = sorted(set(kept.labels) | set(duplicate.labels))
    kept.save()
    duplicate.merged_into = kept
    duplicate.save(update_fields=["merged_into"])
    record_event(actor=actor, organisation=kept.organisation, verb=TerritoireVerb.ACTEURS_FUSIONNES,
                 target=kept.name, payload={"garde": kept.pk, "fusionne": duplicate.pk})  # fmt: skip
    return kept


def resolve_scheme(organisation, ref: str) -> str:
    """The strategy's link kind "dispositif": a scheme of the organisation by its UUID."""
    scheme = Scheme.objects.filter(organisation=organisation, uid=str(ref).strip()).first()
    if scheme is None:
        raise ValidationError({"ref": f"Aucun dispositif « {ref} » dans la carte du territoire."})
    return f"Dispositif : {scheme.titre}"


@transaction.atomic
def do_add_scheme(organisation, *, actor, row: dict) -> Scheme:
    """One scheme entered in the national schema's columns (strings, lists `|`-joined), with the same checks as
    the import."""
    parsed = schemes_csv.parse_scheme_rows([row])[0]
    _save_schemes(organisation, [parsed])
    record_event(actor=actor, organisation=organisation, verb=TerritoireVerb.IMPORT, target=parsed["titre"][:200],
                 payload={"disposition": "dispositif", "resultat": "1 dispositif saisi"})  # fmt: skip
    return Scheme.objects.get(organisation=organisation, uid=parsed["uid"])


@transaction.atomic
def do_create_actor(organisation, *, actor, data: dict) -> Actor:
    """An actor entered by hand (identifiers, commune, type and themes already checked by the form): recognised
    among the existing actors by its SIRET, SIREN or RNA, or created; the "saisie manuelle" source is added."""
    if not data.get("name", "").strip():
        raise ValidationError({"name": "Indiquez le nom de l'acteur."})
    created = upsert_actor(organisation, data, SourceKind.MANUEL, f"saisie de {actor}")
    record_event(actor=actor, organisation=organisation, verb=TerritoireVerb.ACTEUR_SAISI, target=created.name[:200],
                 payload={"acteur": created.pk})  # fmt: skip
    return created
