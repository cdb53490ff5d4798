"""Drawing a citizen jury by lot among volunteers, with quotas: pure, reproducible functions (decision 0015).

Method (documented stratified draw, "greedy by urgency"): the random generator is seeded by SHA-256 of the
public seed and of the fingerprint of the frozen pool of volunteers; seats are filled one by one: while a quota
(stratum) still misses members, the stratum whose need is the largest compared with its remaining volunteers is
served first, else anybody; a volunteer who would exceed a maximum is skipped. An attempt that ends with a
minimum unmet is retried with the same generator (so the result still depends only on the seed). The remaining
volunteers are then ordered by the same generator: the replacement list. The selection probabilities are
estimated by running the same method many times with derived seeds.

Same seed + same pool → same jury, on any machine (random.Random is specified and stable across versions for
`random()`-based calls; only `rng.random()` is used, never `choice`/`shuffle`, whose algorithms may change).
"""

import hashlib
import math
import random
from collections import Counter
from dataclasses import dataclass


MAX_ATTEMPTS = 200
SIMULATIONS = 200


@dataclass(frozen=True)
class Quota:
    category: str
    value: str
    minimum: int
    maximum: int

    @property
    def label(self) -> str:
        return f"« {self.category} = {self.value} »"


class Infeasible(ValueError):
    """No draw can satisfy the quotas; the message names the stratum."""


def commitment(seed: str) -> str:
    """What is published before the draw: SHA-256 of the seed (anyone can check it once the seed is revealed)."""
    return hashlib.sha256(seed.encode("utf-8")).hexdigest()


def pool_fingerprint(pool: list[tuple[int, dict]]) -> str:
    """SHA-256 of the frozen pool (ids and strata, sorted): a changed pool changes the draw and is visible."""
    lines = [f"{pid}:" + ";".join(f"{k}={v}" for k, v in sorted(attrs.items())) for pid, attrs in sorted(pool)]
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()


def quota_problems(pool: list[tuple[int, dict]], quotas: list[Quota], size: int) -> list[str]:
    """Why no draw can satisfy these quotas (each message names its stratum or category); [] when none is seen."""
    problems = []
    if size < 1:
        problems.append("La taille du jury doit être d'au moins 1 membre.")
    if len(pool) < size:
        problems.append(f"{len(pool)} volontaires seulement pour un jury de {size} membres.")
    counts = Counter((k, v) for _pid, attrs in pool for k, v in attrs.items())
    by_category: dict[str, list[Quota]] = {}
    for quota in quotas:
        by_category.setdefault(quota.category, []).append(quota)
        available = counts[(quota.category, quota.value)]
        if quota.minimum > quota.maximum:
            problems.append(
                f"Strate {quota.label} : le minimum ({quota.minimum}) dépasse le maximum ({quota.maximum})."
            )
        elif quota.minimum > available:
            problems.append(
                f"Strate {quota.label} : au moins {quota.minimum} membres demandés, "
                f"{available} volontaire(s) seulement."
            )
    for category, group in by_category.items():
        minimums = sum(q.minimum for q in group)
        if minimums > size:
            problems.append(
                f"Catégorie « {category} » : la somme des minimums ({minimums}) dépasse la taille du jury ({size})."
            )
        limits = {q.value: q.maximum for q in group}
        values = Counter(attrs.get(category, "") for _pid, attrs in pool)
        capacity = sum(min(n, limits.get(value, n)) for value, n in values.items())
        if capacity < size:
            problems.append(
                f"Catégorie « {category} » : les maximums ne laissent que {capacity} places pour un jury de {size}."
            )
    return problems


def _rng(seed: str, fingerprint: str) -> random.Random:
    digest = hashlib.sha256(f"{seed}\n{fingerprint}".encode()).digest()
    return random.Random(int.from_bytes(digest, "big"))  # noqa: S311 — a public, reproducible lottery by design


def _pick(rng: random.Random, items: list):
    return items[min(len(items) - 1, math.floor(rng.random() * len(items)))]


def _attempt(rng, pool, quotas, size) -> list[int] | None:
    attrs = dict(pool)
    remaining = sorted(attrs)
    strata = {(q.category, q.value): q for q in quotas}
    selected: list[int] = []
    counts: Counter = Counter()
    while len(selected) < size:
        full = {key for key, q in strata.items() if counts[key] >= q.maximum}
        eligible = [p for p in remaining if not any(item in full for item in attrs[p].items())] if full else remaining
        if not eligible:
            return None
        needs = {key: q.minimum - counts[key] for key, q in strata.items() if counts[key] < q.minimum}
        urgent, best = None, 0.0
        if needs:
            members: dict = {key: [] for key in needs}
            for pid in eligible:
                for item in attrs[pid].items():
                    if item in members:
                        members[item].append(pid)
            for key in strata:  # the quotas' order, so that ties are broken the same way everywhere
                if key not in needs:
                    continue
                if not members[key]:
                    return None
                if needs[key] / len(members[key]) > best:
                    urgent, best = members[key], needs[key] / len(members[key])
        chosen = _pick(rng, urgent or eligible)
        selected.append(chosen)
        remaining = [p for p in remaining if p != chosen]
        counts.update(attrs[chosen].items())
    if any(counts[key] < q.minimum for key, q in strata.items()):
        return None
    return selected


def draw(pool: list[tuple[int, dict]], quotas: list[Quota], size: int, seed: str) -> tuple[list[int], list[int]]:
    """(members in order of draw, replacement list) for this seed; Infeasible when the quotas cannot be met."""
    problems = quota_problems(pool, quotas, size)
    if problems:
        raise Infeasible(" ".join(problems))
    rng = _rng(seed, pool_fingerprint(pool))
    for _ in range(MAX_ATTEMPTS):
        selected = _attempt(rng, pool, quotas, size)
        if selected is not None:
            rest = sorted(pid for pid, _attrs in pool if pid not in selected)
            reserve = []
            while rest:
                reserve.append(rest.pop(math.floor(rng.random() * len(rest)) if len(rest) > 1 else 0))
            return selected, reserve
    raise Infeasible(
        "Aucun tirage n'a satisfait tous les quotas à la fois (catégories incompatibles entre elles) : "
        "assouplissez un minimum ou un maximum."
    )


def probabilities(pool, quotas, size, seed: str, runs: int = SIMULATIONS) -> dict[int, float]:
    """Each volunteer's estimated probability of being drawn by this method (share of `runs` simulated draws with
    seeds derived from the public one)."""
    hits: Counter = Counter()
    done = 0
    for k in range(runs):
        try:
            selected, _reserve = draw(pool, quotas, size, f"{seed}#simulation-{k}")
        except Infeasible:
            continue
        hits.update(selected)
        done += 1
    return {pid: (hits[pid] / done if done else 0.0) for pid, _attrs in pool}


def replacement(members: list[tuple[int, dict]], leaving: int, reserve: list[tuple[int, dict]], quotas) -> int | None:
    """The first volunteer of the replacement list who keeps every quota satisfied once `leaving` steps down
    (else the first who exceeds no maximum); None when the list is exhausted."""
    staying = [(pid, attrs) for pid, attrs in members if pid != leaving]
    fallback = None
    for pid, attrs in reserve:
        counts = Counter((k, v) for _p, a in [*staying, (pid, attrs)] for k, v in a.items())
        if any(counts[(q.category, q.value)] > q.maximum for q in quotas):
            continue
        if all(counts[(q.category, q.value)] >= q.minimum for q in quotas):
            return pid
        fallback = fallback or pid
    return fallback


def interest_conflicts(declared: dict[int, set[str]], titulaires: dict[str, str]) -> dict[int, list[str]]:
    """Members whose declared company or employer SIREN is a titulaire of the organisation's contracts:
    {member id: ["SIREN (name)"]}. `titulaires`: SIREN -> name."""
    out = {}
    for pid, sirens in declared.items():
        hits = [f"{s} ({titulaires[s]})" for s in sorted(sirens) if s in titulaires]
        if hits:
            out[pid] = hits
    return out
