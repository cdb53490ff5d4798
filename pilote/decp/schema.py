"""The DECP data contract inside Pilote: the columns of the raw tables (as read) and of the cleaned store.

Readers (pilote.decp.readers) turn every input format into these *raw* tables: one row per record read,
every value kept as written (stringified scalars, lists of strings for enumerations that may repeat), so
that cleaning (pilote.decp.cleaning) can both produce a typed value and keep the raw one where it changed.
Column names are the snake_case of the official DECP names, as the brief asks.

Tables:
- contrats: one row per record read (marché or concession), provenance included.
- titulaires: n rows per record (ordered by `rang`), initial ones and those set by modifications.
- modifications: n rows per record.
- actes_sous_traitance: n rows per record (acts and their modifications).
Rows of child tables point to their record with `record_key` (unique within one import run).
"""

import polars as pl


LIST_STR = pl.List(pl.String)

# Provenance of every copy read (kept through deduplication, see docs/decp-pipeline.md).
PROVENANCE = {
    "record_key": pl.Int64,  # unique per import run: position of the record in the run
    "import_run": pl.String,  # id of the import run
    "source": pl.String,  # source name (--source, or derived from the file name)
    "fichier": pl.String,  # file name (or URL) read
    "fichier_sha256": pl.String,
    "position": pl.Int64,  # 0-based position of the record in its array / line in a tabular file
    "tableau": pl.String,  # "marche", "contrat-concession" or "marches" (2019), "ligne" (tabular)
    "format": pl.String,  # "decp-2022-json", "decp-2019-json", "decp-2022-xml", "tabulaire-csv", "tabulaire-parquet"
}

# Raw record fields: strings as written (None when absent), lists for repeated enumerations.
RAW_CONTRAT = {
    "type_contrat": pl.String,  # "marche" or "concession" (set by the reader from array / _type)
    "id": pl.String,
    "acheteur_id": pl.String,  # marché: acheteur.id; concession: autoriteConcedante.id
    "acheteur_nom": pl.String,  # 2019 records and tabular extracts only
    "nature": pl.String,
    "objet": pl.String,
    "code_cpv": pl.String,
    "procedure": pl.String,
    "techniques": LIST_STR,
    "modalites_execution": LIST_STR,
    "id_accord_cadre": pl.String,
    "marche_innovant": pl.String,
    "ccag": pl.String,
    "offres_recues": pl.String,
    "attribution_avance": pl.String,
    "taux_avance": pl.String,
    "type_groupement_operateurs": pl.String,
    "sous_traitance_declaree": pl.String,
    "lieu_execution_code": pl.String,
    "lieu_execution_type_code": pl.String,
    "lieu_execution_nom": pl.String,
    "duree_mois": pl.String,
    "date_notification": pl.String,  # concession: dateSignature
    "date_publication_donnees": pl.String,
    "date_debut_execution": pl.String,  # concession only
    "montant": pl.String,  # concession: valeurGlobale
    "montant_subvention_publique": pl.String,  # concession only
    "types_prix": LIST_STR,
    "forme_prix": pl.String,
    "origine_ue": pl.String,
    "origine_france": pl.String,
    "considerations_sociales": LIST_STR,
    "considerations_environnementales": LIST_STR,
    "anomalies_lecture": LIST_STR,  # shape defects the reader repaired (e.g. "forme_enveloppe"), as rule codes
}

RAW_TITULAIRE = {
    "record_key": pl.Int64,
    "rang": pl.Int32,  # order of the titulaire in its list (0-based)
    "modification_id": pl.String,  # None for the initial titulaires; the modification's id otherwise
    "type_identifiant": pl.String,
    "titulaire_id": pl.String,
    "titulaire_nom": pl.String,
}

# Columns only the consolidated tabular format carries (decp-processing adds them from SIRENE and the COG):
# kept as written by the tabular reader, passed through cleaning untouched, absent from JSON/XML imports and
# from stores written before them, so readers of the store check that they exist (analytics.queries).
TABULAR_CONTRAT = {
    "acheteur_departement_code": pl.String,  # département of the buyer ("01", "2A", "974")
    "lot_tabulaire": pl.String,  # tabular: a lot kept apart from the other lots of its id (its initial amount)
}
TABULAR_TITULAIRE = {
    "titulaire_categorie": pl.String,  # INSEE company category: "PME", "ETI" or "GE"
    "titulaire_departement_code": pl.String,  # département of the titulaire's establishment
}

RAW_MODIFICATION = {
    "record_key": pl.Int64,
    "rang": pl.Int32,
    "modification_id": pl.String,
    "date_notification_modification": pl.String,  # concession: dateSignatureModification
    "date_publication_donnees_modification": pl.String,
    "duree_mois": pl.String,
    "montant": pl.String,  # concession: valeurGlobale
}

RAW_ACTE_SOUS_TRAITANCE = {
    "record_key": pl.Int64,
    "rang": pl.Int32,
    "acte_id": pl.String,
    "est_modification": pl.Boolean,  # True for modificationsActesSousTraitance entries
    "sous_traitant_type_identifiant": pl.String,
    "sous_traitant_id": pl.String,
    "duree_mois": pl.String,
    "montant": pl.String,
    "date_notification": pl.String,
    "date_publication_donnees": pl.String,
    "variation_prix": pl.String,
}

# Typed columns produced by cleaning (pilote.decp.cleaning) for contrats. Every cleaned column whose value
# differs from the raw one gets a companion "<col>_brut" (String) holding the raw value, null otherwise.
CLEAN_CONTRAT = {
    "id": pl.String,
    "acheteur_id": pl.String,
    "acheteur_nom": pl.String,
    "nature": pl.String,
    "objet": pl.String,
    "code_cpv": pl.String,  # 8 digits, no check digit
    "procedure": pl.String,
    "techniques": LIST_STR,
    "modalites_execution": LIST_STR,
    "id_accord_cadre": pl.String,
    "marche_innovant": pl.Boolean,
    "ccag": pl.String,
    "offres_recues": pl.Int32,
    "attribution_avance": pl.Boolean,
    "taux_avance": pl.Float64,  # 0-1
    "type_groupement_operateurs": pl.String,
    "sous_traitance_declaree": pl.Boolean,
    "lieu_execution_code": pl.String,
    "lieu_execution_type_code": pl.String,
    "lieu_execution_nom": pl.String,
    "duree_mois": pl.Int32,
    "date_notification": pl.Date,
    "date_publication_donnees": pl.Date,
    "date_debut_execution": pl.Date,
    "montant": pl.Float64,  # never changed by cleaning, only flagged
    "montant_subvention_publique": pl.Float64,
    "types_prix": LIST_STR,
    "forme_prix": pl.String,
    "origine_ue": pl.Float64,
    "origine_france": pl.Float64,
    "considerations_sociales": LIST_STR,
    "considerations_environnementales": LIST_STR,
    "qualite": LIST_STR,  # codes of every rule that corrected or flagged something (see cleaning.RULES)
}
