"""The census panel of the home page (pilote.ui.home): the open campaigns, their deadline and how many needs
were declared, and for the person who declares, how many are theirs."""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from pilote.core.enums import Role
from pilote.recensement import permissions as perms
from pilote.recensement.models import Campaign, CampaignStatus, Need
from pilote.ui import formats
from pilote.ui.home import HomePanel, register_home_panel
from pilote.ui.search import MAX_HITS, Found, Hit, SearchSource, register_search_source


def open_campaigns(request) -> dict:
    campaigns = (
        Campaign.objects.filter(organisation=request.organisation, status=CampaignStatus.OUVERTE)
        .annotate(
            need_count=Count("needs", distinct=True),
            my_need_count=Count("needs", filter=Q(needs__created_by=request.user), distinct=True),
            service_count=Count("services", distinct=True),
        )
        .order_by("deadline")
    )
    return {
        "campaigns": list(campaigns),
        "today": timezone.localdate(),
        "can_manage": bool(request.roles & perms.CAN_MANAGE_CAMPAIGN),
        "can_declare": bool(request.roles & perms.CAN_DECLARE),
    }


def find_needs(request, q: str) -> Found:
    """Needs of the organisation's campaigns whose object, description, site or service holds every word."""
    needs = Need.objects.filter(campaign__organisation=request.organisation).select_related("campaign", "service")
    for word in q.split():
        needs = needs.filter(
            Q(objet__icontains=word)
            | Q(description__icontains=word)
            | Q(site__icontains=word)
            | Q(service__name__icontains=word)
        )
    slug = request.organisation.slug
    hits = [
        Hit(
            need.objet,
            reverse("recensement:campaign", kwargs={"slug": slug, "campaign_id": need.campaign_id}),
            f"{need.campaign.title} · {need.service.name} · {formats.euros(need.montant_estime)} HT",
        )
        for need in needs.order_by("-campaign__year", "objet")[:MAX_HITS]
    ]
    return Found(hits, needs.count(), reverse("recensement:home", kwargs={"slug": slug}))


def register_home_panels() -> None:
    """Called by RecensementConfig.ready."""
    register_home_panel(
        HomePanel(
            "recensement.open",
            "Recensement des besoins",
            "recensement/home/open.html",
            {Role.AGENT, Role.ACHETEUR, Role.APPUI},
            open_campaigns,
            30,
        )
    )
    register_search_source(SearchSource("recensement.needs", "Besoins recensés", perms.CAN_VIEW, find_needs, 50))
