"""Who may do what in an organisation: the one place where core's access rules live.

Other apps declare their own rules in their `permissions.py` with the same building blocks:
`roles_in(user, organisation)` and the `organisation_view(*roles)` decorator, which every org-scoped view uses.

Rules:
- a person's roles in an organisation are those of their memberships there, plus "service d'appui" in every
  organisation supported by a shared support service (service mutualisé) where they are appui or admin;
- somebody with no role in an organisation gets a 404 (its private pages do not reveal it exists);
- somebody with a role that the view does not allow gets a 403;
- anonymous visitors are sent to the login page; only public pages (`public_*` views) skip this.
"""

from collections.abc import Iterable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from pilote.core.enums import Role
from pilote.core.models import Membership, Organisation


ALL_ROLES = frozenset(Role)
SUPPORT_ROLES = frozenset({Role.APPUI, Role.ADMIN})

# Core's own rules, by capability.
CAN_VIEW_ORGANISATION = ALL_ROLES
CAN_EDIT_ORGANISATION = frozenset({Role.ADMIN})
CAN_VIEW_MEMBERS = frozenset({Role.ADMIN, Role.APPUI})
CAN_MANAGE_MEMBERS = frozenset({Role.ADMIN})
CAN_VIEW_AUDIT = frozenset({Role.ADMIN})


def roles_in(user, organisation: Organisation) -> frozenset[Role]:
    """Every role `user` holds in `organisation`, directly or through a shared support service."""
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    cache = user.__dict__.setdefault("_pilote_roles", {})
    if organisation.pk in cache:
        return cache[organisation.pk]
    roles = {Role(m.role) for m in Membership.objects.filter(user=user, organisation=organisation)}
    acts_as_support = Membership.objects.filter(
        user=user,
        role__in=SUPPORT_ROLES,
        organisation__supported_organisations=organisation,
    ).exists()
    if acts_as_support:
        roles.add(Role.APPUI)
    cache[organisation.pk] = frozenset(roles)
    return cache[organisation.pk]


def has_any_role(user, organisation: Organisation, allowed: Iterable[Role]) -> bool:
    return bool(roles_in(user, organisation) & frozenset(allowed))


def organisations_of(user) -> list[Organisation]:
    """Organisations the user can switch to: their own and those their support service accompanies."""
    if not user.is_authenticated:
        return []
    direct = Organisation.objects.filter(memberships__user=user)
    supported = Organisation.objects.filter(
        support_services__memberships__user=user, support_services__memberships__role__in=SUPPORT_ROLES
    )
    return list((direct | supported).distinct().order_by("name"))


def organisation_view(*allowed: Role):
    """Decorator for views under /o/<slug>/: resolves the organisation, checks the role, sets
    `request.organisation` and `request.roles`, and remembers the organisation as the current one."""
    allowed_roles = frozenset(allowed) or ALL_ROLES

    def decorator(view):
        @wraps(view)
        def wrapper(request, slug, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            organisation = get_object_or_404(Organisation, slug=slug)
            roles = roles_in(request.user, organisation)
            if not roles:
                raise Http404("Organisation introuvable.")
            if not roles & allowed_roles:
                raise PermissionDenied("Votre rôle ne permet pas d'accéder à cette page.")
            request.organisation = organisation
            request.roles = roles
            request.session["organisation_slug"] = organisation.slug
            return view(request, *args, **kwargs)

        wrapper.allowed_roles = allowed_roles
        return wrapper

    return decorator
