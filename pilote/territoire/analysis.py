"""The territory's analysis, pure functions over plain dicts: money received per commune and EPCI (contracts +
grants), gaps (theme × target × département cells no scheme covers; actors of a theme that received nothing) and
duplicates (pairs of schemes overlapping on targets, themes, aid types and geography, scored and explained).
Every finding carries its evidence."""

import re
from collections import defaultdict
from decimal import Decimal
from itertools import combinations

from pilote.core.text import fold
from pilote.territoire import geo
from pilote.territoire.themes import THEMES, label


TARGETS = ("professionnels", "associations", "secteur public", "particuliers")
DUPLICATE_THRESHOLD = 0.6
# Weights of the overlap score: two schemes for the same people, on the same ground, with the same tool, promising
# the same thing are a duplicate. Most national schemes share targets, geography and aid types, so what they
# promise (the words of title and promise) weighs most; guessed themes come next.
WEIGHTS = {"texte": 0.4, "themes": 0.2, "cibles": 0.15, "geographie": 0.15, "types_aides": 0.1}
_WORD = re.compile(r"[a-z0-9]{4,}")
STOPWORDS = {"pour", "dans", "avec", "votre", "vous", "entreprise", "entreprises", "aide", "aides", "accompagnement"}


def words(*texts: str) -> set[str]:
    return {w for w in _WORD.findall(fold(" ".join(t or "" for t in texts))) if w not in STOPWORDS}


def money_by_commune(grants: list[dict], contracts: dict[str, Decimal], actors: list[dict]) -> list[dict]:
    """One row per commune: grants received there and the organisation's contracts executed there, with the EPCI
    and the number of actors. `contracts`: commune code -> amount of the contracts whose place is that commune."""
    rows: dict[str, dict] = {}
    communes = geo.communes()

    def row(code):
        info = communes[code]
        return rows.setdefault(code, {"code": code, "nom": info["nom"], "epci": info["epci_nom"], "lat": info["lat"],
                                      "lon": info["lon"], "subventions": Decimal(0), "contrats": Decimal(0),
                                      "acteurs": 0})  # fmt: skip

    for grant in grants:
        if grant["commune_code"] in communes:
            row(grant["commune_code"])["subventions"] += grant["montant"]
    for code, montant in contracts.items():
        if code in communes:
            row(code)["contrats"] += montant
    for actor in actors:
        if actor["commune_code"] in communes:
            row(actor["commune_code"])["acteurs"] += 1
    for item in rows.values():
        item["total"] = item["subventions"] + item["contrats"]
    return sorted(rows.values(), key=lambda r: (-r["total"], r["code"]))


def money_by_epci(by_commune: list[dict]) -> list[dict]:
    totals: dict[str, dict] = defaultdict(lambda: {"subventions": Decimal(0), "contrats": Decimal(0), "communes": 0})
    for item in by_commune:
        bucket = totals[item["epci"] or "(hors EPCI)"]
        bucket["subventions"] += item["subventions"]
        bucket["contrats"] += item["contrats"]
        bucket["communes"] += 1
    return sorted(({"epci": k, **v, "total": v["subventions"] + v["contrats"]} for k, v in totals.items()),
                  key=lambda r: -r["total"])  # fmt: skip


def _covers(scheme: dict, departement: str) -> bool:
    if scheme["geographie"] and any(c.startswith("COM-") for c in scheme["geographie"]):
        return any(geo.communes().get(c[4:], {}).get("departement") == departement for c in scheme["geographie"])
    sample = geo.sample_commune(departement)
    return bool(sample) and geo.in_area(sample, scheme["geographie"])


def gaps(schemes: list[dict], departements: tuple[str, ...], themes=tuple(THEMES), targets=TARGETS) -> list[dict]:
    """Cells (theme, target, département) no scheme covers, with the schemes of the theme elsewhere as evidence."""
    findings = []
    for theme in themes:
        of_theme = [s for s in schemes if theme in s["themes"]]
        for target in targets:
            for dep in departements:
                covering = [s for s in of_theme if target in s["cibles"] and _covers(s, dep)]
                if covering:
                    continue
                others = [s["titre"] for s in of_theme if _covers(s, dep)][:3]
                findings.append({
                    "theme": label(theme), "cible": target, "departement": dep,
                    "explication": (f"Aucun dispositif sur « {label(theme)} » ouvert aux {target} du département {dep}"
                                    + (f" ; le thème est couvert pour d'autres publics : {', '.join(others)}." if others
                                       else " ; aucun dispositif de ce thème n'y est ouvert.")),
                })  # fmt: skip
    return findings


def unfunded_actors(actors: list[dict], funded_sirens: set[str], theme: str) -> list[dict]:
    """Actors of a theme who received neither a grant nor a contract: who the schemes do not reach."""
    return [
        {**a, "explication": f"« {a['name']} » ({label(theme)}) n'a reçu ni subvention ni contrat de l'organisation."}
        for a in actors
        if theme in a["themes"] and a["siren"] not in funded_sirens
    ]


def _jaccard(a, b) -> float:
    a, b = set(a), set(b)
    return len(a & b) / len(a | b) if a | b else 0.0


def _geo_overlap(a: list[str], b: list[str]) -> float:
    """National schemes overlap with everything; otherwise the shared codes over the union."""
    if "PAYS-99100" in a or "PAYS-99100" in b:
        return 1.0
    return _jaccard(a, b)


def _words_of(scheme: dict) -> set[str]:
    if "_words" not in scheme:
        scheme["_words"] = words(scheme["titre"], scheme.get("promesse", ""))
    return scheme["_words"]


def overlap(a: dict, b: dict) -> dict:
    parts = {
        "texte": _jaccard(_words_of(a), _words_of(b)),
        "cibles": _jaccard(a["cibles"], b["cibles"]),
        "geographie": _geo_overlap(a["geographie"], b["geographie"]),
        "themes": _jaccard(a["themes"], b["themes"]),
        "types_aides": _jaccard(a["types_aides"], b["types_aides"]),
    }
    return {"parts": parts, "score": round(sum(WEIGHTS[k] * v for k, v in parts.items()), 2)}


def duplicates(schemes: list[dict], threshold: float = DUPLICATE_THRESHOLD, limit: int = 50) -> list[dict]:
    """Pairs of schemes whose overlap score reaches the threshold, best first, each explained."""
    found = []
    schemes = [dict(s) for s in schemes]  # the words are memoised on copies
    for a, b in combinations(schemes, 2):
        result = overlap(a, b)
        if result["score"] < threshold or not set(a["themes"]) & set(b["themes"]):
            continue
        shared = sorted(set(a["themes"]) & set(b["themes"]))
        found.append({
            "a": a["titre"], "b": b["titre"], "score": result["score"], "parts": result["parts"],
            "explication": (f"Mots communs : {', '.join(sorted(_words_of(a) & _words_of(b))) or 'aucun'} ; "
                            f"mêmes publics ({', '.join(sorted(set(a['cibles']) & set(b['cibles']))) or '—'}), "
                            f"même thème ({', '.join(label(t) for t in shared)}), "
                            f"types d'aide communs : {', '.join(sorted(set(a['types_aides']) & set(b['types_aides']))) or 'aucun'}, "
                            f"recouvrement géographique {result['parts']['geographie']:.0%}."),
        })  # fmt: skip
    return sorted(found, key=lambda f: (-f["score"], f["a"], f["b"]))[:limit]
