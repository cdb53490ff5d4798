"""Generator of SYNTHETIC DECP 2022-format contracts for the demo (fields the real samples lack).

Every record is invented: the buyers are real SIRETs taken from the real demo files (so that the cockpit shows
them next to their real contracts), everything else (objet from the CPV label, amounts, dates, titulaires,
considerations, offers) is drawn at random with a fixed seed. Synthetic records are labelled three ways: the
import source is `synthetique` (SYNTHETIC_SOURCE), ids start with `SYN`, and the file name says so. The output is
byte-identical for the same (count, seed), so re-running the demo re-imports nothing.
"""

import csv
import datetime
import gzip
import io
import math
import random
from pathlib import Path

import orjson

from pilote.decp.cleaning.identifiers import luhn_ok
from pilote.decp.refdata import CPV_PATH


SYNTHETIC_SOURCE = "synthetique"
DATA_DIR = Path(__file__).resolve().parent / "data"
TABULAR = DATA_DIR / "decp_2024H2_travaux_cpv4521_filtered.csv.gz"

PROCEDURES = [("Procédure adaptée", 0.62), ("Appel d'offres ouvert", 0.25), ("Appel d'offres restreint", 0.02),
              ("Procédure avec négociation", 0.04), ("Marché passé sans publicité ni mise en concurrence préalable", 0.06),
              ("Dialogue compétitif", 0.01)]  # fmt: skip
CCAG = {"T": "Travaux", "F": "Fournitures courantes et services", "S": "Prestations intellectuelles"}
LIEU_TYPES = ["Code commune", "Code postal", "Code département"]


def _real_sirets():
    """Buyer and titulaire SIRETs (Luhn-valid) of the real tabular demo file."""
    with gzip.open(TABULAR, "rt", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    buyers = sorted({r["acheteur_id"] for r in rows if len(r["acheteur_id"]) == 14 and luhn_ok(r["acheteur_id"])})
    titulaires = sorted(
        {r["titulaire_id"] for r in rows if len(r["titulaire_id"]) == 14 and luhn_ok(r["titulaire_id"])}
    )
    return buyers, titulaires


def _cpv_pool():
    with open(CPV_PATH, encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    # Keep precise codes (not the division headers) so objets read like real ones.
    return [(r["CODE"][:8], r["FR"]) for r in rows if not r["CODE"][:8].endswith("00000")]


def _weighted(rng, pairs):
    x = rng.random() * sum(w for _, w in pairs)
    for value, w in pairs:
        x -= w
        if x <= 0:
            return value
    return pairs[-1][0]


def _segment(cpv):
    div = int(cpv[:2])
    return "T" if div == 45 else "F" if div <= 44 or div == 48 else "S"


def _record(rng, n, buyers, titulaires, cpvs, today):
    cpv, label = rng.choice(cpvs)
    seg = _segment(cpv)
    buyer = buyers[int(len(buyers) * rng.random() ** 2)]  # a few big buyers, many small ones
    notified = datetime.date(2024, 1, 1) + datetime.timedelta(
        days=rng.randrange((today - datetime.date(2024, 1, 1)).days)
    )
    published = min(notified + datetime.timedelta(days=int(rng.lognormvariate(2.7, 0.6))), today)
    montant = round(math.exp(rng.gauss(math.log(120_000 if seg == "T" else 70_000), 1.1)), 2)
    montant = max(montant, 40_000.0)
    env_p = 0.25 + (0.25 if notified >= datetime.date(2026, 8, 21) else 0.0) + (0.08 if seg == "T" else 0.0)
    soc_p = 0.13 + (0.10 if seg == "T" else 0.0)
    env = ["Clause environnementale"] if rng.random() < env_p else ["Pas de considération environnementale"]
    soc = ["Clause sociale"] if rng.random() < soc_p else ["Pas de considération sociale"]
    n_tit = 1 if rng.random() < 0.93 else 2
    tits = [{"titulaire": {"typeIdentifiant": "SIRET", "id": rng.choice(titulaires)}} for _ in range(n_tit)]
    offres = 1 if rng.random() < 0.3 else 2 + int(rng.expovariate(1 / 3))
    accord_cadre = rng.random() < 0.25
    return {
        "id": f"SYN{notified:%Y}{n:07d}",
        "acheteur": {"id": buyer},
        "nature": "Marché",
        "objet": f"{label} (contrat synthétique de démonstration)",
        "codeCPV": cpv,
        "techniques": {"technique": ["Accord-cadre" if accord_cadre else "Sans objet"]},
        "modalitesExecution": {"modaliteExecution": ["Bons de commande" if accord_cadre else "Sans objet"]},
        "marcheInnovant": rng.random() < 0.015,
        "ccag": CCAG[seg],
        "offresRecues": max(offres, n_tit),
        "attributionAvance": rng.random() < 0.3,
        "tauxAvance": 0.05,
        "typeGroupementOperateurs": "Pas de groupement" if n_tit == 1 else "Conjoint",
        "sousTraitanceDeclaree": rng.random() < (0.3 if seg == "T" else 0.08),
        "procedure": _weighted(rng, PROCEDURES),
        "lieuExecution": {"code": buyer[:2] if rng.random() < 0.3 else "75056", "typeCode": "Code département"
                          if rng.random() < 0.3 else "Code commune"},
        "dureeMois": max(1, int(rng.lognormvariate(2.4, 0.7))),
        "dateNotification": notified.isoformat(),
        "datePublicationDonnees": published.isoformat(),
        "montant": montant,
        "typesPrix": {"typePrix": [rng.choice(["Définitif ferme", "Définitif révisable", "Définitif actualisable"])]},
        "formePrix": rng.choice(["Forfaitaire", "Unitaire", "Mixte"]),
        "titulaires": tits,
        "considerationsSociales": {"considerationSociale": soc},
        "considerationsEnvironnementales": {"considerationEnvironnementale": env},
    }  # fmt: skip


def generate(count=3000, seed=2026, today=datetime.date(2026, 11, 15)):
    """The synthetic file's bytes (2022 envelope, one record per line)."""
    rng = random.Random(seed)  # noqa: S311 - demo data, not security
    buyers, titulaires = _real_sirets()
    cpvs = _cpv_pool()
    out = io.BytesIO()
    out.write(b'{"marches": {"marche": [\n')
    for n in range(count):
        out.write(orjson.dumps(_record(rng, n, buyers, titulaires, cpvs, today)))
        out.write(b",\n" if n < count - 1 else b"\n")
    out.write(b'], "contrat-concession": []}}\n')
    return out.getvalue()


def write(path, count=3000, seed=2026):
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = generate(count, seed)
    if not path.exists() or path.read_bytes() != data:
        path.write_bytes(data)
    return path
