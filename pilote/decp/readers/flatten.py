"""Shape mapping: one DECP record (a dict from JSON or XML, 2019 or 2022 shape) to rows of the raw tables.

The reader only maps *shapes* (envelopes, wrappers, field paths); values are kept as written, stringified, so
that cleaning (pilote.decp.cleaning) can type them and keep the raw value. Every shape it had to repair is
recorded as a code in `anomalies_lecture` (see READER_RULES); a record it cannot map at all raises
RecordRejected with a French reason, and the caller rejects that record only.

Performance matters (1.6 M records in the benchmark): one pass per record, column lists appended in place,
no per-field function dispatch beyond what the shapes need.
"""

import orjson

from pilote.decp.schema import (
    PROVENANCE,
    RAW_ACTE_SOUS_TRAITANCE,
    RAW_CONTRAT,
    RAW_MODIFICATION,
    RAW_TITULAIRE,
    TABULAR_CONTRAT,
    TABULAR_TITULAIRE,
)


# Codes the reader writes into `anomalies_lecture` (merged into the report's `flagged` counts).
READER_RULES = {
    "forme_enveloppe": ("Liste officielle écrite comme valeur seule ou sans son enveloppe, réparée", "correction"),
    "titulaires_forme": ("Titulaires écrits comme objet ou sans l'enveloppe « titulaire », réparés", "correction"),
    "titulaire_vide": ("Titulaire vide (ni type ni identifiant), ignoré", "signalement"),
    "acheteur_cle_pointee": ("Acheteur écrit « acheteur.id » (clé pointée), réparé", "correction"),
    "champs_hors_schema": ("Champs hors schéma (_type, source, uid…) ignorés", "correction"),
    "valeur_composee": ("Objet ou liste à la place d'une valeur simple, gardé en texte JSON", "signalement"),
    "tabulaire_etats_multiples": (
        "Plusieurs lignes discordantes d'un même état du contrat dans l'extrait tabulaire : première ligne gardée",
        "signalement",
    ),
}


class RecordRejected(Exception):
    """A record that cannot be mapped; the message is the French reason written in the rejects table."""


CONTRAT_COLUMNS = [*PROVENANCE, *RAW_CONTRAT]
TITULAIRE_COLUMNS = list(RAW_TITULAIRE)
MODIFICATION_COLUMNS = list(RAW_MODIFICATION)
ACTE_COLUMNS = list(RAW_ACTE_SOUS_TRAITANCE)

_EXTRA_KEYS = {"_type", "source", "uid", "uuid"}
_SIMPLE_FIELDS = [
    ("nature", "nature"),
    ("objet", "objet"),
    ("code_cpv", "codeCPV"),
    ("procedure", "procedure"),
    ("id_accord_cadre", "idAccordCadre"),
    ("marche_innovant", "marcheInnovant"),
    ("ccag", "ccag"),
    ("offres_recues", "offresRecues"),
    ("attribution_avance", "attributionAvance"),
    ("taux_avance", "tauxAvance"),
    ("type_groupement_operateurs", "typeGroupementOperateurs"),
    ("sous_traitance_declaree", "sousTraitanceDeclaree"),
    ("duree_mois", "dureeMois"),
    ("date_publication_donnees", "datePublicationDonnees"),
    ("date_debut_execution", "dateDebutExecution"),
    ("montant_subvention_publique", "montantSubventionPublique"),
    ("origine_ue", "origineUE"),
    ("origine_france", "origineFrance"),
]
_CONCESSION_KEYS = {"autoriteConcedante", "concessionnaires", "valeurGlobale", "dateSignature"}
_2022_ONLY = {"techniques", "modalitesExecution", "typesPrix", "considerationsSociales", "ccag", "offresRecues"}
_2019_MARKERS = {"_type", "uid", "acheteur.id"}
_2019_FORME_PRIX = {"ferme", "ferme et actualisable", "révisable", "revisable", "actualisable"}


def _s(value, anomalies):
    """Stringify a scalar as written: JSON true/false as "true"/"false", numbers with repr, None kept."""
    # exact-class checks first (orjson only makes exact str/int/float/bool): `isinstance(value, int | float)`
    # builds a union object on every call, and this runs ~20 times per record
    cls = value.__class__
    if cls is str or value is None:
        return value
    if cls is float:
        return repr(value)
    if cls is int:
        return str(value)
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return repr(value) if isinstance(value, float) else str(value)
    # An object or a list where a scalar is expected: keep it readable, record the anomaly.
    anomalies.add("valeur_composee")
    return orjson.dumps(value).decode()


def _scalars(items, anomalies):
    out = []
    for item in items:
        if item.__class__ is str:
            out.append(item)
        elif isinstance(item, list):
            anomalies.add("forme_enveloppe")
            out.extend(_scalars(item, anomalies))
        elif item is not None:
            out.append(_s(item, anomalies))
    return out


def _enum_list(value, inner_key, anomalies, tolerant):
    """`{"technique": [..]}` → list; repairs scalar-instead-of-list, missing wrapper and plain strings."""
    if value is None:
        return None
    if isinstance(value, dict):
        if inner_key in value:
            inner = value[inner_key]
        elif len(value) == 1:
            inner = next(iter(value.values()))
            anomalies.add("forme_enveloppe")
        elif not value:
            return []
        else:
            anomalies.add("valeur_composee")
            return [orjson.dumps(value).decode()]
        if isinstance(inner, list):
            return _scalars(inner, anomalies)
        if inner is None:
            return []
        if not tolerant:
            anomalies.add("forme_enveloppe")
        return _scalars([inner], anomalies)
    anomalies.add("forme_enveloppe")
    if isinstance(value, list):
        flat = []
        for item in value:
            if isinstance(item, dict) and len(item) == 1:
                item = next(iter(item.values()))
            flat.append(item)
        return _scalars(flat, anomalies)
    return _scalars([value], anomalies)


def _entries(value, wrapper, anomalies, tolerant, shape_code="forme_enveloppe"):
    """Items of a wrapped repeated block, e.g. titulaires: [{"titulaire": {...}}], in every shape seen."""
    if value is None:
        return None
    if isinstance(value, dict):
        # {"titulaire": {...}} or {"titulaire": [{...}, ...]} (normal in XML, a defect in JSON)
        if not tolerant:
            anomalies.add(shape_code)
        inner = value.get(wrapper, value if wrapper not in value and value else None)
        value = inner if isinstance(inner, list) else [inner] if inner is not None else []
        return [v for v in value if v is not None]
    if not isinstance(value, list):
        return [value]
    out = []
    for item in value:
        if isinstance(item, dict) and wrapper in item and len(item) == 1:
            out.append(item[wrapper])
        elif isinstance(item, list):
            anomalies.add(shape_code)
            out.extend(_entries(item, wrapper, anomalies, True) or [])
        else:
            out.append(item)
            if isinstance(item, dict) and wrapper in item:
                continue
            if not tolerant:
                anomalies.add(shape_code)
    return out


_MISSING = object()
_SEP = "\x1f"  # unit separator: never part of a DECP value (control characters are not valid text there)


def _enum_joined(value, inner_key, anomalies, tolerant):
    """`_enum_list` joined with _SEP (None kept), as `frames()` stores list columns (see `_frame`). Fast path
    for the common shape `{"technique": ["a", "b"]}`: str.join raises TypeError on any non-string item, and
    then the general path (which records the repairs) runs; ~0.2 µs instead of ~1.5 µs per list (measured)."""
    if value.__class__ is dict:
        inner = value.get(inner_key, _MISSING)
        if inner.__class__ is list:
            try:
                return _SEP.join(inner)
            except TypeError:
                pass
    elif value is None:
        return None
    return _SEP.join(_enum_list(value, inner_key, anomalies, tolerant))


_LIST_COLUMNS = {name for name, dtype in RAW_CONTRAT.items() if str(dtype) == "List(String)"}
# columns appended by Flattener.add, in the order of its unpacking of `_c_app`
_ADD_COLUMNS = (
    "record_key", "position", "tableau", "format", "type_contrat", "id", "acheteur_id", "acheteur_nom",
    "techniques", "modalites_execution", "lieu_execution_code", "lieu_execution_type_code", "lieu_execution_nom",
    "date_notification", "montant", "types_prix", "forme_prix", "considerations_sociales",
    "considerations_environnementales", "anomalies_lecture",
)  # fmt: skip
_TITULAIRE_ADD_COLUMNS = ("record_key", "rang", "modification_id", "type_identifiant", "titulaire_id", "titulaire_nom")


class Flattener:
    """Accumulates raw rows column by column; `frames()` turns them into Polars DataFrames."""

    def __init__(self, *, import_run, source, fichier, sha256, fmt):
        self.consts = {"import_run": import_run, "source": source, "fichier": fichier, "fichier_sha256": sha256}
        self.fmt = fmt
        # List(String) columns hold one _SEP-joined string per row (None for null), split once in frames()
        self.c = {name: [] for name in CONTRAT_COLUMNS}
        self.t = {name: [] for name in TITULAIRE_COLUMNS}
        self.m = {name: [] for name in MODIFICATION_COLUMNS}
        self.a = {name: [] for name in ACTE_COLUMNS}
        self.count = 0
        # (append, JSON key) of the fields copied as written, whatever the record shape
        self._simple = [(self.c[col].append, key) for col, key in _SIMPLE_FIELDS]
        # bound appends, unpacked into locals per record: a dict lookup + method lookup per value otherwise
        self._c_app = tuple(self.c[name].append for name in _ADD_COLUMNS)
        self._t_app = tuple(self.t[name].append for name in _TITULAIRE_ADD_COLUMNS)

    # -- titulaires, modifications, actes ------------------------------------------------------------------
    def _titulaires(self, key, value, wrapper, modification_id, anomalies, tolerant):
        entries = _entries(value, wrapper, anomalies, tolerant, "titulaires_forme")
        if not entries:
            return  # cleaning.flag_titulaires_absents flags contracts left without titulaire
        ap_key, ap_rang, ap_mid, ap_type, ap_id, ap_nom = self._t_app
        rang = 0
        for entry in entries:
            if not isinstance(entry, dict):
                # e.g. [{"titulaire": "typeIdentifiant"}, {"titulaire": "id"}]: the values are lost.
                anomalies.add("titulaires_forme")
                continue
            tid = entry.get("id")
            ttype = entry.get("typeIdentifiant")
            if (tid is None or tid == "") and (ttype is None or ttype == ""):
                anomalies.add("titulaire_vide")
                continue
            nom = entry.get("denominationSociale")
            ap_key(key)
            ap_rang(rang)
            ap_mid(modification_id)
            ap_type(ttype if ttype.__class__ is str else _s(ttype, anomalies))
            ap_id(tid if tid.__class__ is str else _s(tid, anomalies))
            ap_nom(nom if nom is None or nom.__class__ is str else _s(nom, anomalies))
            rang += 1

    def _modifications(self, key, value, concession, anomalies, tolerant):
        entries = _entries(value, "modification", anomalies, tolerant)
        if not entries:
            return
        m = self.m
        tit_wrapper = "concessionnaire" if concession else "titulaire"
        for rang, entry in enumerate(entries):
            if not isinstance(entry, dict):
                anomalies.add("valeur_composee")
                continue
            # 2019 modifications have no id: their rank + 1 identifies them (documented in decp-pipeline.md).
            mid = _s(entry.get("id"), anomalies) if entry.get("id") is not None else str(rang + 1)
            m["record_key"].append(key)
            m["rang"].append(rang)
            m["modification_id"].append(mid)
            m["date_notification_modification"].append(
                _s(entry.get("dateSignatureModification" if concession else "dateNotificationModification"), anomalies)
            )
            m["date_publication_donnees_modification"].append(
                _s(entry.get("datePublicationDonneesModification"), anomalies)
            )
            m["duree_mois"].append(_s(entry.get("dureeMois"), anomalies))
            m["montant"].append(_s(entry.get("valeurGlobale" if concession else "montant"), anomalies))
            tits = entry.get("concessionnaires" if concession else "titulaires")
            if tits:
                self._titulaires(key, tits, tit_wrapper, mid, anomalies, tolerant)

    def _actes(self, key, value, modification, anomalies, tolerant):
        wrappers = (
            ("modificationActeSousTraitance", "modificationActesSousTraitance")
            if modification
            else ("acteSousTraitance",)
        )
        if isinstance(value, dict):
            if not tolerant:
                anomalies.add("forme_enveloppe")
            value = [value]
        if not isinstance(value, list):
            return
        a = self.a
        rang = 0
        for item in value:
            if isinstance(item, dict):
                inner = next((item[w] for w in wrappers if w in item), item)
                inner_list = inner if isinstance(inner, list) else [inner]
            else:
                inner_list = [item]
            for entry in inner_list:
                if not isinstance(entry, dict):
                    anomalies.add("valeur_composee")
                    continue
                st = entry.get("sousTraitant") if isinstance(entry.get("sousTraitant"), dict) else {}
                a["record_key"].append(key)
                a["rang"].append(rang)
                a["acte_id"].append(_s(entry.get("id"), anomalies))
                a["est_modification"].append(modification)
                a["sous_traitant_type_identifiant"].append(_s(st.get("typeIdentifiant"), anomalies))
                a["sous_traitant_id"].append(_s(st.get("id"), anomalies))
                a["duree_mois"].append(_s(entry.get("dureeMois"), anomalies))
                a["montant"].append(_s(entry.get("montant"), anomalies))
                a["date_notification"].append(
                    _s(
                        entry.get("dateNotificationModificationSousTraitance" if modification else "dateNotification"),
                        anomalies,
                    )
                )
                a["date_publication_donnees"].append(_s(entry.get("datePublicationDonnees"), anomalies))
                a["variation_prix"].append(_s(entry.get("variationPrix"), anomalies))
                rang += 1

    # -- one record ------------------------------------------------------------------------------------------
    def add(self, rec, *, key, position, tableau, xml=False):
        """Map one record; raises RecordRejected (nothing appended) when it cannot be mapped."""
        if not isinstance(rec, dict):
            raise RecordRejected(f"l'enregistrement n'est pas un objet JSON (type {type(rec).__name__})")
        a = anomalies = set()
        tolerant = xml
        get = rec.get
        keys = rec.keys()
        type_tag = get("_type")
        # set intersections on dict keys run in C: cheaper than generator expressions per record
        concession = bool(keys & _CONCESSION_KEYS) or (
            isinstance(type_tag, str) and type_tag.lower().startswith("contrat")
        )
        if tableau == "contrat-concession":
            concession = True
        shape_2019 = tableau == "marches" or not (keys & _2022_ONLY)
        fmt = self.fmt
        if fmt == "decp-2022-json" and shape_2019 and (keys & _2019_MARKERS):
            fmt = "decp-2019-json"
        extra = keys & _EXTRA_KEYS
        if extra and (extra != {"_type"} or not shape_2019):
            a.add("champs_hors_schema")

        buyer = get("autoriteConcedante" if concession else "acheteur")
        if buyer is None and concession:
            buyer = get("acheteur")
        if isinstance(buyer, dict):
            acheteur_id, acheteur_nom = buyer.get("id"), buyer.get("nom")
        elif "acheteur.id" in rec:
            acheteur_id, acheteur_nom = get("acheteur.id"), get("acheteur.nom")
            a.add("acheteur_cle_pointee")
        else:
            acheteur_id, acheteur_nom = buyer, None
        rid = get("id")
        if (rid is None or rid == "") and (acheteur_id is None or acheteur_id == ""):
            raise RecordRejected("ni identifiant du contrat ni identifiant de l'acheteur : contrat non identifiable")

        lieu = get("lieuExecution")
        if not isinstance(lieu, dict):
            if lieu is not None:
                a.add("valeur_composee")
            lieu = {}
        forme_prix = get("formePrix")
        types_prix = _enum_joined(get("typesPrix"), "typePrix", a, tolerant)
        if types_prix is None and isinstance(forme_prix, str) and forme_prix.strip().lower() in _2019_FORME_PRIX:
            # 2019 "formePrix" (Ferme, Révisable…) is a price *type* in the 2022 model; cleaning maps the label.
            types_prix, forme_prix = _SEP.join([forme_prix]), None

        (
            ap_key, ap_position, ap_tableau, ap_format, ap_type, ap_id, ap_acheteur_id, ap_acheteur_nom,
            ap_techniques, ap_modalites, ap_lieu_code, ap_lieu_type, ap_lieu_nom, ap_date, ap_montant,
            ap_types_prix, ap_forme_prix, ap_sociales, ap_environnementales, ap_anomalies,
        ) = self._c_app  # fmt: skip
        ap_key(key)  # constant provenance columns are filled in frames()
        ap_position(position)
        ap_tableau(tableau)
        ap_format(fmt)
        ap_type("concession" if concession else "marche")
        # `v if v.__class__ is str else _s(v, a)`: most values are strings, a call costs more than the test
        ap_id(rid if rid.__class__ is str else _s(rid, a))
        ap_acheteur_id(acheteur_id if acheteur_id.__class__ is str else _s(acheteur_id, a))
        ap_acheteur_nom(acheteur_nom if acheteur_nom.__class__ is str else _s(acheteur_nom, a))
        ap_techniques(_enum_joined(get("techniques"), "technique", a, tolerant))
        ap_modalites(_enum_joined(get("modalitesExecution"), "modaliteExecution", a, tolerant))
        for append, field in self._simple:
            value = get(field)
            append(value if value is None or value.__class__ is str else _s(value, a))
        value = lieu.get("code")
        ap_lieu_code(value if value.__class__ is str else _s(value, a))
        value = lieu.get("typeCode")
        ap_lieu_type(value if value.__class__ is str else _s(value, a))
        value = lieu.get("nom")
        ap_lieu_nom(value if value is None or value.__class__ is str else _s(value, a))
        value = get("dateSignature" if concession else "dateNotification")
        ap_date(value if value.__class__ is str else _s(value, a))
        value = get("valeurGlobale" if concession else "montant")
        ap_montant(value if value.__class__ is str else _s(value, a))
        ap_types_prix(types_prix)
        ap_forme_prix(forme_prix if forme_prix.__class__ is str else _s(forme_prix, a))
        ap_sociales(_enum_joined(get("considerationsSociales"), "considerationSociale", a, tolerant))
        ap_environnementales(
            _enum_joined(get("considerationsEnvironnementales"), "considerationEnvironnementale", a, tolerant)
        )
        tits = get("concessionnaires" if concession else "titulaires")
        if tits is None and concession:
            tits = get("titulaires")
        if tits is not None:
            self._titulaires(
                key, tits, "concessionnaire" if concession else "titulaire", None, a, tolerant or shape_2019
            )
        value = get("modifications")
        if value is not None:
            self._modifications(key, value, concession, a, tolerant or shape_2019)
        if get("actesSousTraitance"):
            self._actes(key, rec["actesSousTraitance"], False, a, tolerant)
        if get("modificationsActesSousTraitance"):
            self._actes(key, rec["modificationsActesSousTraitance"], True, a, tolerant)
        ap_anomalies(_SEP.join(sorted(anomalies)) if anomalies else "")
        self.count += 1

    def frames(self):
        """The four raw tables as Polars DataFrames with the contract's dtypes."""
        n = len(self.c["record_key"])
        for name, value in self.consts.items():
            if len(self.c[name]) != n:
                self.c[name] = [value] * n
        # The tabular-only columns (départements, company category) are null here: every reader writes the
        # same columns, so that the parts of an import mixing formats scan as one table.
        return {
            "contrats": _with_nulls(_frame(self.c, {**PROVENANCE, **RAW_CONTRAT}), TABULAR_CONTRAT),
            "titulaires": _with_nulls(_frame(self.t, RAW_TITULAIRE), TABULAR_TITULAIRE),
            "modifications": _frame(self.m, RAW_MODIFICATION),
            "actes_sous_traitance": _frame(self.a, RAW_ACTE_SOUS_TRAITANCE),
        }


def _with_nulls(frame, schema):
    import polars as pl

    return frame.with_columns(pl.lit(None, dtype).alias(name) for name, dtype in schema.items())


def _frame(columns, schema):
    """Build a frame fast: list columns go through one joined string per row and a vectorised split, because
    building List(String) Series from Python lists costs ~50 µs per row (measured), the split ~1 µs."""
    import polars as pl

    simple = {}
    lists = []
    for name, dtype in schema.items():
        values = columns[name]
        if dtype == pl.List(pl.String):
            simple[name] = values  # already joined by the Flattener
            lists.append(name)
        else:
            simple[name] = values
    frame = pl.DataFrame(simple, schema={n: (pl.String if n in lists else t) for n, t in schema.items()})
    if lists:
        frame = frame.with_columns(
            pl.when(pl.col(n) == "").then(pl.lit([], pl.List(pl.String))).otherwise(pl.col(n).str.split(_SEP)).alias(n)
            for n in lists
        )
    return frame
