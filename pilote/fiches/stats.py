"""Statistics of the fiches visa: fiches per service, time to visa, clauses recommended vs retained, the
loop "recommandé → publié" after award, and the evaluations. `loop_figures()` is meant for the cockpit."""

from statistics import mean, median

from django.db.models import Avg, Count, Q, Sum

from pilote.fiches.models import DECIDED, Evaluation, Fiche, Status


def _days(fiche) -> float:
    return (fiche.decided_at - fiche.submitted_at).total_seconds() / 86400


def per_service(organisation) -> list[dict]:
    rows = (
        Fiche.objects.filter(organisation=organisation)
        .values("service_demandeur")
        .annotate(
            total=Count("id"),
            visees=Count("id", filter=Q(status__in=[Status.VISEE, Status.VISEE_RESERVES])),
            refusees=Count("id", filter=Q(status=Status.REFUSEE)),
            en_cours=Count("id", filter=~Q(status__in=DECIDED)),
        )
        .order_by("-total", "service_demandeur")
    )
    return list(rows)


def time_to_visa(organisation) -> dict:
    decided = Fiche.objects.filter(
        organisation=organisation, status__in=DECIDED, submitted_at__isnull=False, decided_at__isnull=False
    )
    days = [_days(f) for f in decided]
    return {
        "count": len(days),
        "mean": round(mean(days), 1) if days else None,
        "median": round(median(days), 1) if days else None,
    }


def clauses_recommended_vs_retained(organisation) -> dict:
    decided = Fiche.objects.filter(organisation=organisation, status__in=DECIDED).prefetch_related(
        "recommended_clauses", "retained_clauses"
    )
    recommended = retained = retained_recommended = 0
    for fiche in decided:
        rec = {c.pk for c in fiche.recommended_clauses.all()}
        ret = {c.pk for c in fiche.retained_clauses.all()}
        recommended += len(rec)
        retained += len(ret)
        retained_recommended += len(rec & ret)
    return {
        "fiches": len(decided),
        "recommended": recommended,
        "retained": retained,
        "retained_recommended": retained_recommended,
        "rate": round(retained_recommended / recommended, 3) if recommended else None,
    }


def obligations_justified(organisation) -> dict:
    """Visas given although a mandatory obligation was unmet (with a written justification), by obligation."""
    visas = Fiche.objects.filter(organisation=organisation, status__in=[Status.VISEE, Status.VISEE_RESERVES]).only(
        "obligations_non_remplies"
    )
    by_obligation: dict[str, dict] = {}
    justified = 0
    total = 0
    for fiche in visas:
        total += 1
        unmet = fiche.obligations_non_remplies or []
        justified += bool(unmet)
        for item in unmet:
            row = by_obligation.setdefault(item.get("code", ""), {"text": item.get("text", ""), "count": 0})
            row["count"] += 1
    return {
        "visas": total,
        "justified": justified,
        "by_obligation": sorted(by_obligation.values(), key=lambda row: (-row["count"], row["text"])),
    }


def loop_figures(organisation) -> dict:
    """'Recommandé → publié': among fiches linked to their notified contract, how often the considerations
    retained at visa were declared in the published data, offers received, publication on time."""
    linked = Fiche.objects.filter(organisation=organisation).exclude(contrat_id="")
    checks = [f.contrat_check for f in linked if f.contrat_check]

    def share(retained_key, declared_key):
        wanted = [c for c in checks if c.get(retained_key)]
        return {
            "retenues": len(wanted),
            "declarees": sum(1 for c in wanted if c.get(declared_key)),
        }

    offers = [c["offres_recues"] for c in checks if isinstance(c.get("offres_recues"), int)]
    timely = [c["publie_dans_les_delais"] for c in checks if c.get("publie_dans_les_delais") is not None]
    return {
        "fiches_rattachees": len(checks),
        "sociale": share("sociale_retenue", "sociale_declaree"),
        "environnementale": share("environnementale_retenue", "environnementale_declaree"),
        "offres_moyennes": round(mean(offers), 1) if offers else None,
        "offre_unique": sum(1 for o in offers if o == 1),
        "publies_dans_les_delais": sum(1 for t in timely if t),
        "publication_connue": len(timely),
    }


def evaluations(organisation) -> dict:
    qs = Evaluation.objects.filter(organisation=organisation)
    totals = qs.aggregate(
        count=Count("id"),
        fructueux=Count("id", filter=Q(fructueux=True)),
        heures_insertion=Sum("heures_insertion"),
        dechets_tonnes=Sum("dechets_tonnes"),
        emissions_tco2e=Sum("emissions_tco2e"),
        offres_moyennes=Avg("offres_recues"),
    )
    totals["relations"] = list(
        qs.exclude(relation_fournisseur="").values("relation_fournisseur").annotate(n=Count("id"))
    )
    return totals


def compute(organisation) -> dict:
    return {
        "per_service": per_service(organisation),
        "time_to_visa": time_to_visa(organisation),
        "clauses": clauses_recommended_vs_retained(organisation),
        "obligations": obligations_justified(organisation),
        "loop": loop_figures(organisation),
        "evaluations": evaluations(organisation),
    }
