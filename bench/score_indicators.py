"""Score the cockpit's indicators against the answer key of the synthetic corpus (shared/bench/decp_synth.py --truth).

From the key alone (the `clean` values of each contract's reference record, `dup == "original"`), it recomputes
for 2024, 2025 and 2026, nationally and for the busiest buyers (SIRET): count, total and median amount, social
and environmental shares (over the contracts where the key knows them), single-bid rate and average offers
(over the contracts with a number of offers), share of modified contracts, supplier HHI by amount and the
first supplier's share (supplier = first titulaire). It compares them with what the cockpit serves for the same
filters, through the functions behind `GET /api/v1/indicateurs` (`figures.overview`) and the cockpit's
concentration (`figures.suppliers`), on the store where the corpus was imported.

The product leaves out of sums, medians and supplier shares the amounts it flags as unknowable (excessive,
symbolic, sentinels, a ×1000 slip proven by another copy, a modification or the legal ceiling of the procédure
adaptée… : docs/indicateurs.md; atypical amounts are counted and said "à vérifier") and the amounts of
marchés subséquents (counted in their accord-cadre's amount); the key sums every contract's clean value. So the key is also scored with those
contracts' amounts left out (the store's quality codes, joined on the key's (array, pos) = the copies'
(tableau, position); the key's own `kind` for marchés subséquents): the remaining
differences are then the product's errors or a difference of definition listed with them. Last, the contracts
whose buyer SIRET or date the file gets wrong beyond repair (the key's defects with fix "flag": a SIRET with a
wrong check digit, a date in 2924) are placed by the store where the file puts them (flagged): the key is also
scored without those the store places outside the scope (one it reads right, a date written 23/07/2026, stays),
and with the values that such defects make unknowable (offers "0" or "NC", absurd amounts, "NC" considerations)
left unknown — contradictory considerations read by the product's rule (a declared
clause counts) — ("connaissable"), each difference listed with how many of the scope's contracts the store
places elsewhere.

Last, the ×1000 / ÷1000 amounts that the product keeps because nothing in the data proves them wrong (no other
copy, no modification, no legal ceiling: docs/qualite-donnees.md) are taken as the file writes them, where the
copy the store retains for the contract writes them so — the key's record or an exact duplicate repeating the
slip ("tel qu'écrit"): what is left is what the product reads wrong. The pairs
still off are listed in the JSON output (`restes_tels_qu_ecrits`).

A pair (indicator × scope) agrees when the two values differ by at most 0.5 point (shares, HHI as a share of
10 000) or 1 % (counts, amounts, offers). Prints the share of pairs that agree and the largest differences.

Usage (the corpus imported into PILOTE_DATA_DIR first, e.g. `manage.py decp import CORPUS.json`):
    PILOTE_DATA_DIR=... python bench/score_indicators.py TRUTH.jsonl [--buyers 20] [--json OUT.json]
"""

import argparse
import json
import os
import statistics
import sys
from collections import defaultdict
from pathlib import Path


sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
YEARS = (2024, 2025, 2026)
SCOPE_FIELDS = {"acheteur", "autoriteConcedante", "dateNotification", "dateSignature"}
# key path → value of the recomputation that a defect with fix "flag" on that path makes unknowable
FIELD_OF_PATH = {"offresRecues": "offres", "montant": "montant", "valeurGlobale": "montant",
                 "considerationsSociales": "soc", "considerationsEnvironnementales": "env"}  # fmt: skip
SHARE_TOLERANCE = 0.005  # 0.5 point
RELATIVE_TOLERANCE = 0.01  # 1 %
SHARES = {"part_consideration_sociale", "part_consideration_environnementale", "taux_offre_unique", "part_modifies",
          "hhi_montant", "part_premier"}  # fmt: skip


def read_key(path) -> list[dict]:
    """The reference state of each contract of the key: buyer, year, amount, offers, considerations, changes,
    first supplier (concessions: authority, signature date, global value, first concessionnaire), and where the
    file holds its other copies (`autres_copies`: (array, pos) of its duplicates)."""
    contracts, duplicates = [], defaultdict(list)
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            if record["dup"] != "original":
                duplicates[record["group"]].append((record["array"], record["pos"]))
                continue
            clean = record["clean"]
            date = clean.get("dateNotification") or clean.get("dateSignature")
            if not date or int(date[:4]) not in YEARS:
                continue
            suppliers = clean.get("titulaires") or clean.get("concessionnaires") or []
            amount = clean.get("montant", clean.get("valeurGlobale"))
            # the file's buyer or date is wrong and unknowable (fix "flag"): the product cannot place the contract
            unknowable = any(
                d["fix"] == "flag" and d["path"].split(".")[0] in SCOPE_FIELDS for d in record.get("defects") or []
            )
            flagged = {d["path"].split(".")[0] for d in record.get("defects") or [] if d["fix"] == "flag"}
            # contradictory considerations ("Pas de considération sociale" and "Clause sociale"): the product's
            # documented rule counts them as unknown (docs/indicateurs.md, « Considération sociale »)
            ruled = {
                FIELD_OF_PATH[d["path"].split(".")[0]]: None
                for d in record.get("defects") or []
                if d["code"] == "considerations_conflict" and isinstance(d["written"], list)
            }
            contracts.append(
                {
                    "inconnaissable": unknowable,
                    "champs_inconnaissables": {FIELD_OF_PATH[f] for f in flagged if f in FIELD_OF_PATH} - set(ruled),
                    "selon_la_regle": ruled,
                    # the amount the file writes instead of the true one (0, 1, sentinels, ×1000, ÷1000)
                    "montant_ecrit": next(
                        (float(d["written"]) for d in record.get("defects") or [] if d["code"] == "montant_absurd"),
                        None,
                    ),
                    "tableau": record["array"],
                    "position": record["pos"],
                    "acheteur": clean.get("acheteur") or clean.get("autoriteConcedante"),
                    "annee": int(date[:4]),
                    "montant": amount,
                    # a marché subséquent: its amount is part of its accord-cadre's, which sums count (product rule)
                    "subsequent": record.get("kind") == "marche-subsequent" or bool(clean.get("idAccordCadre")),
                    "offres": clean.get("offresRecues"),
                    "soc": clean.get("soc"),
                    "env": clean.get("env"),
                    "modifie": (clean.get("n_modifications") or 0) > 0,
                    "titulaire": suppliers[0].split(":", 1)[-1] if suppliers else None,
                    "groupe": record["group"],
                }
            )
    for contract in contracts:
        contract["autres_copies"] = duplicates.get(contract["groupe"], [])
    return contracts


def store_contracts() -> dict[tuple[str, int], dict]:
    """(array, pos) of every record of the store → its contract there: contrat_uid, buyer, year, and whether a
    quality code makes its amount unusable in sums (the product's rule: semantics.unusable_amount_codes).
    Exits with a message when the store holds more than the corpus' file."""
    import polars as pl

    from pilote.contracts.semantics import unusable_amount_codes
    from pilote.decp import store, tables

    generation = Path(store.current_generation_dir())
    codes = list(unusable_amount_codes())
    contrats = tables.scan(generation, "contrats").select(
        "contrat_uid",
        "acheteur_id",
        pl.col("date_notification").dt.year().alias("annee"),
        pl.col("qualite").list.eval(pl.element().is_in(codes)).list.any().fill_null(False).alias("exclu"),
    )
    copies = tables.scan(generation, "copies").select(
        "fichier", "tableau", "position", "contrat_uid", "retenue", "cle_montant"
    )
    files = copies.select(pl.col("fichier").unique()).collect()["fichier"].to_list()
    if len(files) != 1:
        # the key's (array, pos) would match several files' copies, and the served figures would count the other
        # files' contracts too: the comparison would be meaningless (session 13 read such a store)
        raise SystemExit(
            f"l'entrepôt {generation} contient les copies de {len(files)} fichiers ({', '.join(sorted(files))}) : "
            "importez le corpus seul dans un entrepôt vierge avant de le noter"
        )
    # the amount the contract's retained copy writes (an exact duplicate may be retained and repeat a slip)
    retained = copies.filter("retenue").select("contrat_uid", pl.col("cle_montant").alias("montant_retenu"))
    rows = (
        copies.drop("fichier", "cle_montant")
        .join(contrats, on="contrat_uid", how="left")
        .join(retained, on="contrat_uid", how="left")
        .collect()
    )
    return {(r["tableau"], r["position"]): r for r in rows.iter_rows(named=True)}


def _unprovable_slip(r, stored) -> bool:
    """The file writes the key's amount ×1000 or ÷1000 in the copy the store retains for this contract (the key's
    record or an exact duplicate repeating the slip), and the product keeps that amount in sums."""
    found = stored.get((r["tableau"], r["position"]))
    written, true = r["montant_ecrit"], r["montant"]
    if not (found and not found["exclu"] and written and true and found["montant_retenu"] == written):
        return False
    return 999 <= written / true <= 1001 or 999 <= true / written <= 1001


def _placed_in(r, stored, params) -> bool:
    """The store places the key's contract in the scope: the contract of its record — or, when the record itself
    was rejected, of one of its other copies — has the scope's year (and buyer). A buyer or date the key calls
    wrong beyond repair may still be read right (a date written 23/07/2026), or come right from another copy (the
    original rejected for a year 2926, a republication dated): the contract then stays in the knowable key."""
    found = stored.get((r["tableau"], r["position"]))
    if found is None:
        found = next((stored[k] for k in r["autres_copies"] if k in stored), None)
    return found is not None and _in_scope(found, params)


def _in_scope(found, params) -> bool:
    """The store's contract `found` has the scope's year (and buyer)."""
    if found["annee"] != params["annee"]:
        return False
    return params["perimetre"] != "acheteur" or found["acheteur_id"] == params["acheteur"]


def explain(rows: list[dict], stored: dict, params: dict) -> str:
    """Why the key's contracts of a scope and the store's may differ: contracts the store puts in another scope
    (buyer or year read differently), merged with another contract of the key, or missing."""
    uids = defaultdict(int)
    outside = missing = 0
    for r in rows:
        found = stored.get((r["tableau"], r["position"]))
        if found is None:
            missing += 1
            continue
        uids[found["contrat_uid"]] += 1
        if not _in_scope(found, params):
            outside += 1
    merged = sum(n - 1 for n in uids.values() if n > 1)
    return f"{outside} hors du périmètre dans l'entrepôt, {merged} fusionnés, {missing} absents"


def _share(rows, key) -> float | None:
    known = [r[key] for r in rows if r[key] is not None]
    return sum(1 for v in known if v) / len(known) if known else None


def key_indicators(rows: list[dict]) -> dict:
    amounts = [r["montant"] for r in rows if r["montant"] is not None]
    offers = [r["offres"] for r in rows if r["offres"] is not None]
    per_supplier = defaultdict(float)
    for r in rows:
        if r["titulaire"] and r["montant"] is not None:
            per_supplier[r["titulaire"]] += r["montant"]
    total_supplied = sum(per_supplier.values())
    return {
        "nb_contrats": len(rows),
        "montant_total": sum(amounts),
        "montant_median": statistics.median(amounts) if amounts else None,
        "part_consideration_sociale": _share(rows, "soc"),
        "part_consideration_environnementale": _share(rows, "env"),
        "taux_offre_unique": sum(1 for o in offers if o == 1) / len(offers) if offers else None,
        "nb_offres_moyen": sum(offers) / len(offers) if offers else None,
        "part_modifies": sum(1 for r in rows if r["modifie"]) / len(rows) if rows else None,
        "hhi_montant": sum((v / total_supplied) ** 2 for v in per_supplier.values()) if total_supplied else None,
        "part_premier": max(per_supplier.values()) / total_supplied if total_supplied else None,
    }


def served_indicators(params: dict) -> dict:
    from pilote.contracts import figures
    from pilote.contracts.filters import parse_filters

    filters, _form = parse_filters(params)
    values = figures.overview(filters)["values"]
    served = {code: values[code].valeur for code in ("nb_contrats", "montant_total", "montant_median",
              "part_consideration_sociale", "part_consideration_environnementale", "taux_offre_unique",
              "nb_offres_moyen", "part_modifies")}  # fmt: skip
    suppliers = figures.suppliers(filters, limit=1)
    top = suppliers["top"]
    served["hhi_montant"] = suppliers["hhi_montant"] / 10000 if suppliers["hhi_montant"] is not None else None
    served["part_premier"] = top[0]["part"] if top else None
    return served


def agrees(code: str, expected, served) -> bool:
    if expected is None or served is None:
        return expected is None and served is None
    expected, served = float(expected), float(served)
    if code in SHARES:
        return abs(expected - served) <= SHARE_TOLERANCE
    return abs(expected - served) <= RELATIVE_TOLERANCE * max(abs(expected), 1e-9)


def gap(code, expected, served) -> float:
    """How far from the tolerance (1 = at the limit), to order the differences."""
    if expected is None or served is None:
        return float("inf")
    expected, served = float(expected), float(served)
    if code in SHARES:
        return abs(expected - served) / SHARE_TOLERANCE
    return abs(expected - served) / (RELATIVE_TOLERANCE * max(abs(expected), 1e-9))


def score(truth_path, n_buyers: int = 20) -> dict:
    contracts = read_key(truth_path)
    stored = store_contracts()
    excluded = {pos for pos, r in stored.items() if r["exclu"]}
    by_year = defaultdict(list)
    by_buyer_year = defaultdict(list)
    for c in contracts:
        by_year[c["annee"]].append(c)
        by_buyer_year[(c["acheteur"], c["annee"])].append(c)
    counts = defaultdict(int)
    for c in contracts:
        counts[c["acheteur"]] += 1
    busiest = sorted((b for b in counts if b), key=lambda b: (-counts[b], b))[:n_buyers]
    scopes = [("France", {"perimetre": "national", "annee": y}, by_year[y]) for y in YEARS]
    scopes += [
        (f"acheteur {b}", {"perimetre": "acheteur", "acheteur": b, "annee": y}, by_buyer_year[(b, y)])
        for b in busiest
        for y in YEARS
        if by_buyer_year[(b, y)]
    ]
    pairs = []
    for name, params, rows in scopes:
        expected = key_indicators(rows)
        # the same key, with the amounts the product flags as anomalies left out of sums, medians and suppliers
        # and the marchés subséquents' amounts left out of sums (counted in their accord-cadre: docs/indicateurs.md)
        kept = [
            r if (r["tableau"], r["position"]) not in excluded and not r["subsequent"] else r | {"montant": None}
            for r in rows
        ]
        expected_rule = key_indicators(kept)
        # ... and without the contracts whose buyer or date the file gets wrong beyond repair (flagged defects)
        # and with the values the file gets wrong beyond repair (offers "0" or "NC", absurd amounts…) unknown
        knowable = [r for r in kept if not r["inconnaissable"] or _placed_in(r, stored, params)]
        known = [r | dict.fromkeys(r["champs_inconnaissables"], None) | r["selon_la_regle"] for r in knowable]
        expected_known = key_indicators(known)
        # ... and with the amounts the file writes wrong that the product keeps (nothing in the data proves them
        # wrong: a ×1000 slip without another copy or a modification): what the product can read at best
        written = [
            r
            | dict.fromkeys(r["champs_inconnaissables"] - {"montant"}, None)
            | r["selon_la_regle"]
            | ({"montant": r["montant_ecrit"]} if _unprovable_slip(r, stored) else {})
            for r in knowable
        ]
        expected_written = key_indicators(written)
        served = served_indicators(params)
        why = explain(rows, stored, params)
        for code, value in expected.items():
            pairs.append(
                {
                    "perimetre": name,
                    "annee": params["annee"],
                    "indicateur": code,
                    "cle": value,
                    "cle_hors_anomalies": expected_rule[code],
                    "servi": served[code],
                    "accord": agrees(code, value, served[code]),
                    "accord_hors_anomalies": agrees(code, expected_rule[code], served[code]),
                    "cle_connaissable": expected_known[code],
                    "accord_connaissable": agrees(code, expected_known[code], served[code]),
                    "ecart": gap(code, expected_known[code], served[code]),
                    "cle_telle_qu_ecrite": expected_written[code],
                    "accord_tel_qu_ecrit": agrees(code, expected_written[code], served[code]),
                    "explication": why,
                }
            )
    agreeing = sum(p["accord"] for p in pairs)
    agreeing_rule = sum(p["accord_hors_anomalies"] for p in pairs)
    agreeing_known = sum(p["accord_connaissable"] for p in pairs)
    agreeing_written = sum(p["accord_tel_qu_ecrit"] for p in pairs)
    by_code = defaultdict(lambda: [0, 0, 0, 0, 0, 0])
    for p in pairs:
        by_code[p["indicateur"]][0] += p["accord"]
        by_code[p["indicateur"]][1] += p["accord_hors_anomalies"]
        by_code[p["indicateur"]][2] += p["accord_connaissable"]
        by_code[p["indicateur"]][3] += 1
        # the served value above the knowable key: what the product counts that the key does not
        above = p["cle_connaissable"] is not None and p["servi"] is not None and p["servi"] > p["cle_connaissable"]
        by_code[p["indicateur"]][4] += not p["accord_connaissable"] and above
        by_code[p["indicateur"]][5] += p["accord_tel_qu_ecrit"]
    return {
        "contrats_cle": len(contracts),
        "paires": len(pairs),
        "accord": agreeing,
        "part_accord": agreeing / len(pairs) if pairs else None,
        "montants_exclus_par_le_produit": len(excluded),
        "accord_hors_anomalies": agreeing_rule,
        "part_accord_hors_anomalies": agreeing_rule / len(pairs) if pairs else None,
        "par_indicateur": {
            code: {
                "accord": a,
                "accord_hors_anomalies": r,
                "accord_connaissable": k,
                "paires": n,
                "servi_au_dessus": u,
                "accord_tel_qu_ecrit": w,
            }
            for code, (a, r, k, n, u, w) in by_code.items()
        },
        "accord_connaissable": agreeing_known,
        "part_accord_connaissable": agreeing_known / len(pairs) if pairs else None,
        "accord_tel_qu_ecrit": agreeing_written,
        "part_accord_tel_qu_ecrit": agreeing_written / len(pairs) if pairs else None,
        "pires": sorted((p for p in pairs if not p["accord_connaissable"]), key=lambda p: -p["ecart"])[:25],
        "restes_tels_qu_ecrits": [p for p in pairs if not p["accord_tel_qu_ecrit"]],
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("truth")
    parser.add_argument("--buyers", type=int, default=20)
    parser.add_argument("--json")
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    result = score(args.truth, args.buyers)
    print(f"contrats de la clé (2024-2026, état de référence) : {result['contrats_cle']}")
    print(f"paires indicateur × périmètre dans la tolérance : {result['accord']} / {result['paires']} "
          f"= {100 * result['part_accord']:.1f} %")  # fmt: skip
    print(f"mêmes paires, la clé privée des {result['montants_exclus_par_le_produit']} montants que le produit "
          f"signale comme anomalies et des marchés subséquents (définitions documentées) : "
          f"{result['accord_hors_anomalies']} / {result['paires']} "
          f"= {100 * result['part_accord_hors_anomalies']:.1f} %")  # fmt: skip
    print(f"et sans ce que le fichier donne faux et irréparable (défauts « flag » de la clé : acheteur ou date, "
          f"offres, montant, considérations) : {result['accord_connaissable']} / {result['paires']} "
          f"= {100 * result['part_accord_connaissable']:.1f} %")  # fmt: skip
    print(f"et avec les montants que le fichier écrit faux sans que rien ne le prouve (tels qu'écrits) : "
          f"{result['accord_tel_qu_ecrit']} / {result['paires']} = {100 * result['part_accord_tel_qu_ecrit']:.1f} %")  # fmt: skip
    print(
        "  indicateur (brut, selon les définitions du produit, connaissable, tel qu'écrit / paires ; "
        "écarts connaissables où le servi dépasse)"
    )
    for code, c in sorted(result["par_indicateur"].items()):
        print(
            f"  {code:40s} {c['accord']:4d} {c['accord_hors_anomalies']:4d} {c['accord_connaissable']:4d}"
            f" {c['accord_tel_qu_ecrit']:4d} / {c['paires']}"
            f"   {c['servi_au_dessus']:3d}"
        )
    print("plus grands écarts restants (clé connaissable → servi) :")
    for p in result["pires"]:
        print(
            f"  {p['perimetre']:28s} {p['annee']} {p['indicateur']:36s} {p['cle_connaissable']!r:>24} → {p['servi']!r}"
        )
    if args.json:
        Path(args.json).write_text(json.dumps(result, ensure_ascii=False, indent=1, default=str), encoding="utf-8")


if __name__ == "__main__":
    main()
