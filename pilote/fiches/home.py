"""The fiches' panels on the home page (pilote.ui.home): the agent's own fiches with the reason of a send-back,
the support service's queue, the buyer's consultations to come. Read-only queries scoped like the fiche list
(`permissions.visible_fiches`)."""

import re
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from pilote.core.enums import Role
from pilote.fiches import permissions as perms
from pilote.fiches.models import Fiche, FicheEvent, Status
from pilote.ui import formats
from pilote.ui.home import HomePanel, register_home_panel
from pilote.ui.search import MAX_HITS, Found, Hit, SearchSource, register_search_source


LIMIT = 8
OPEN = (Status.BROUILLON, Status.A_REPRENDRE, Status.SOUMISE, Status.EN_INSTRUCTION)
REVIEW = (Status.SOUMISE, Status.EN_INSTRUCTION)
VISEES = (Status.VISEE, Status.VISEE_RESERVES)
# The agent's next step, by state (what the home says to do).
NEXT_STEP = {
    Status.BROUILLON: "à compléter puis soumettre",
    Status.A_REPRENDRE: "à reprendre puis soumettre de nouveau",
    Status.SOUMISE: "en attente du service d'appui",
    Status.EN_INSTRUCTION: "en cours d'instruction",
    Status.VISEE: "visée : la consultation peut être lancée",
    Status.VISEE_RESERVES: "visée avec réserves : lisez-les avant de lancer",
    Status.REFUSEE: "refusée",
}


def latest_reasons(fiches) -> dict[int, str]:
    """fiche id -> the comment of its latest move to its current state (the send-back or decision reason)."""
    reasons: dict[int, str] = {}
    ids = {fiche.pk: fiche.status for fiche in fiches}
    events = FicheEvent.objects.filter(fiche_id__in=ids).exclude(comment="").order_by("-created_at", "-pk")
    for event in events.only("fiche_id", "to_status", "comment"):
        if event.fiche_id not in reasons and event.to_status == ids[event.fiche_id]:
            reasons[event.fiche_id] = event.comment
    return reasons


def my_fiches(request) -> dict:
    """The agent's fiches still open, the ones sent back first, then the latest decided ones."""
    own = Fiche.objects.filter(organisation=request.organisation, author=request.user)
    open_fiches = sorted(
        own.filter(status__in=OPEN), key=lambda f: (f.status != Status.A_REPRENDRE, f.status != Status.BROUILLON)
    )
    decided = list(own.exclude(status__in=OPEN).order_by("-decided_at", "-pk")[:3])
    shown = open_fiches[:LIMIT] + decided
    reasons = latest_reasons(shown)
    rows = [{"fiche": f, "next_step": NEXT_STEP[Status(f.status)], "reason": reasons.get(f.pk, "")} for f in shown]
    return {
        "rows": rows,
        "open_count": len(open_fiches),
        "sent_back": sum(1 for f in open_fiches if f.status == Status.A_REPRENDRE),
        "more": max(0, len(open_fiches) - LIMIT),
    }


def review_queue(request) -> dict:
    """Fiches waiting for the support service: to take up, in review, overdue, and the load of each reviewer."""
    today = timezone.localdate()
    waiting = Fiche.objects.filter(organisation=request.organisation, status__in=REVIEW).select_related("reviewer")
    by_reviewer = (
        waiting.filter(status=Status.EN_INSTRUCTION)
        .values("reviewer__first_name", "reviewer__last_name", "reviewer__email")
        .annotate(count=Count("pk"))
        .order_by("-count", "reviewer__last_name")
    )
    return {
        "to_take": waiting.filter(status=Status.SOUMISE).count(),
        "in_review": waiting.filter(status=Status.EN_INSTRUCTION).count(),
        "overdue": waiting.filter(review_deadline__lt=today).count(),
        "by_reviewer": [
            {
                "name": f"{row['reviewer__first_name']} {row['reviewer__last_name']}".strip()
                or row["reviewer__email"]
                or "sans instructeur",
                "count": row["count"],
            }
            for row in by_reviewer
        ],
        "next": list(waiting.order_by("review_deadline", "submitted_at")[:LIMIT]),
        "today": today,
    }


def upcoming_consultations(request) -> dict:
    """Fiches visées or in review whose consultation is not linked to a notified contract yet, by launch date:
    what the buyers will run next."""
    coming = Fiche.objects.filter(
        organisation=request.organisation, status__in=(*VISEES, *REVIEW), contrat_id=""
    ).order_by("date_lancement", "pk")
    return {"fiches": list(coming[:LIMIT]), "count": coming.count(), "today": timezone.localdate()}


def find_fiches(request, q: str) -> Found:
    """Fiches the person may see (an agent: their own) whose object, need or service holds every word, or
    whose reference (« FV-2026-0012 ») is typed."""
    fiches = perms.visible_fiches(Fiche.objects.filter(organisation=request.organisation), request.user, request.roles)
    reference = re.fullmatch(r"\s*FV-\d{4}-0*(\d+)\s*", q, flags=re.IGNORECASE)
    if reference:
        fiches = fiches.filter(pk=int(reference.group(1)))
    else:
        for word in q.split():
            fiches = fiches.filter(
                Q(objet__icontains=word) | Q(besoin__icontains=word) | Q(service_demandeur__icontains=word)
            )
    slug = request.organisation.slug
    hits = [
        Hit(
            f"{fiche.reference} — {fiche.objet}",
            reverse("fiches:detail", kwargs={"slug": slug, "fiche_id": fiche.pk}),
            f"{fiche.get_status_display()} · {fiche.service_demandeur} · {formats.euros(fiche.montant_estime)} HT",
        )
        for fiche in fiches.order_by("-updated_at")[:MAX_HITS]
    ]
    more = reverse("fiches:list", kwargs={"slug": slug}) + "?" + urlencode({"q": q})
    return Found(hits, fiches.count(), more)


def register_home_panels() -> None:
    """Called by FichesConfig.ready."""
    register_home_panel(
        HomePanel("fiches.mine", "Mes fiches visa", "fiches/home/mine.html", {Role.AGENT}, my_fiches, 10)
    )
    register_home_panel(
        HomePanel(
            "fiches.queue", "Fiches à instruire", "fiches/home/queue.html", {Role.APPUI, Role.ADMIN}, review_queue, 10
        )
    )
    register_home_panel(
        HomePanel(
            "fiches.upcoming",
            "Consultations à venir",
            "fiches/home/upcoming.html",
            {Role.ACHETEUR, Role.APPUI},
            upcoming_consultations,
            20,
        )
    )
    register_search_source(SearchSource("fiches", "Fiches visa", perms.CAN_VIEW_FICHES, find_fiches, 40))
