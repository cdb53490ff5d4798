"""Demo organisations and accounts. Organisations are bound to real buyer SIRETs present in the bundled
real DECP files (pilote/decp/demo/), so that their pages show real contracts."""

from django.db import transaction

from pilote.core.enums import OrganisationKind, Role
from pilote.core.models import Membership, Organisation, PeerGroup, User
from pilote.core.services import do_create_organisation


DEMO_PASSWORD = "pilote-demo"  # noqa: S105 — demo mode only, refused in production

PEER_GROUPS = {
    "regions": "Régions",
    "departements": "Départements",
    "grandes-villes": "Communes de plus de 100 000 habitants",
    "communes": "Communes de moins de 100 000 habitants",
}

# slug, name, kind, SIRETs (real buyers of the bundled data), population, peer group, public view
ORGANISATIONS = [
    ("region-normandie", "Région Normandie", OrganisationKind.REGION, ["20005340300057"], 3_327_077, "regions", True),
    (
        "seine-maritime",
        "Département de la Seine-Maritime",
        OrganisationKind.DEPARTEMENT,
        ["22760540900019"],
        1_255_633,
        "departements",
        True,
    ),
    ("ville-de-lyon", "Ville de Lyon", OrganisationKind.COMMUNE, ["21690123100011"], 520_774, "grandes-villes", False),
    ("lambersart", "Commune de Lambersart", OrganisationKind.COMMUNE, ["21590328700013"], 27_462, "communes", False),
    (
        "achats-mutualises",
        "Service mutualisé d'appui aux achats (démo)",
        OrganisationKind.AUTRE,
        [],
        None,
        None,
        False,
    ),
]

# e-mail, first name, last name, role in Région Normandie
USERS = [
    ("agent@demo.pilote.test", "Alice", "Agent", Role.AGENT),
    ("acheteur@demo.pilote.test", "Bruno", "Acheteur", Role.ACHETEUR),
    ("appui@demo.pilote.test", "Chloé", "Appui", Role.APPUI),
    ("elu@demo.pilote.test", "Denis", "Élu", Role.ELU),
    ("admin@demo.pilote.test", "Emma", "Admin", Role.ADMIN),
]


@transaction.atomic
def prepare_demo() -> list[str]:
    """Create what is missing; never changes what exists (a second run is a no-op). Returns what was created."""
    created = []
    groups = {}
    for key, name in PEER_GROUPS.items():
        groups[key], made = PeerGroup.objects.get_or_create(name=name)
        if made:
            created.append(f"groupe de pairs {name}")
    for slug, name, kind, sirets, population, group, public in ORGANISATIONS:
        if not Organisation.objects.filter(slug=slug).exists():
            do_create_organisation(
                name=name,
                kind=kind,
                sirets=sirets,
                actor=None,
                slug=slug,
                population=population,
                peer_group=groups.get(group),
                is_public=public,
            )
            created.append(f"organisation {name}")
    mutualise = Organisation.objects.get(slug="achats-mutualises")
    if not mutualise.supported_organisations.exists():
        mutualise.supported_organisations.add(*Organisation.objects.filter(slug__in=["ville-de-lyon", "lambersart"]))
    region = Organisation.objects.get(slug="region-normandie")
    for email, first, last, role in USERS:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(
                email=email,
                password=DEMO_PASSWORD,
                first_name=first,
                last_name=last,
                is_staff=role == Role.ADMIN,
                is_superuser=role == Role.ADMIN,
            )
            created.append(f"compte {email}")
        Membership.objects.get_or_create(user=user, organisation=region, defaults={"role": role})
    # The support-service agent also works for the shared support service, which accompanies two communes.
    appui = User.objects.get(email="appui@demo.pilote.test")
    Membership.objects.get_or_create(user=appui, organisation=mutualise, defaults={"role": Role.APPUI})
    admin = User.objects.get(email="admin@demo.pilote.test")
    Membership.objects.get_or_create(user=admin, organisation=mutualise, defaults={"role": Role.ADMIN})
    return created
