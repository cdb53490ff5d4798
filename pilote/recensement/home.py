"""The census panel of the home page (pilote.ui.home): the open campaigns, their deadline and how many needs
were declared, and for the person who declares, how many are theirs."""

from django.db.models import Count, Q
from django.utils import timezone

from pilote.core.enums import Role
from pilote.recensement import permissions as perms
from pilote.recensement.models import Campaign, CampaignStatus
from pilote.ui.home import HomePanel, register_home_panel


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
