"""Demo content of the knowledge network (fictitious, labelled « démonstration » in the UI): people of the
Région Normandie with their skills and segments — the demo accounts among them —, partners who agreed to be
shared, lessons learnt, a sourcing charter, training modules and sessions (one nearly full), and reservists.
Idempotent: a second run creates nothing."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from pilote.annuaire import services
from pilote.annuaire.models import CharterVersion, Lesson, Module, Person, ReservistRequest
from pilote.annuaire.reserve import services as services_reserve
from pilote.annuaire.training import services as services_training
from pilote.clauses.models import Segment
from pilote.core.models import Organisation, User


# e-mail, first name, last name, job, skills, segment codes, shared with partners, volunteer reservist, account
PEOPLE = [
    (
        "acheteur@demo.pilote.test",
        "Bruno",
        "Acheteur",
        "Acheteur public, pôle travaux",
        "Marchés de travaux, Rénovation énergétique, Sourçage",
        ["btp", "energie"],
        True,
        True,
        True,
    ),
    (
        "appui@demo.pilote.test",
        "Chloé",
        "Appui",
        "Chargée de mission achats responsables",
        "Clauses sociales, Clauses environnementales, SPASER",
        ["nettoyage", "restauration-collective"],
        True,
        False,
        True,
    ),
    (
        "agent@demo.pilote.test",
        "Alice",
        "Agent",
        "Responsable des services généraux",
        "Expression du besoin, Fournitures de bureau",
        ["fournitures-bureau"],
        False,
        False,
        True,
    ),
    (
        "mathilde.lefebvre@demo.pilote.test",
        "Mathilde",
        "Lefebvre",
        "Acheteuse restauration et denrées",
        "Loi Egalim, Circuits courts, Allotissement",
        ["restauration-collective"],
        True,
        True,
        False,
    ),
    (
        "karim.benali@demo.pilote.test",
        "Karim",
        "Benali",
        "Juriste de la commande publique",
        "Droit des marchés publics, Sourçage, Négociation",
        ["informatique", "prestations-intellectuelles"],
        False,
        False,
        False,
    ),
]

PARTNERS = [
    (
        "seine-maritime",
        "sophie.moreau@demo.pilote.test",
        "Sophie",
        "Moreau",
        "Acheteuse, direction des collèges",
        "Restauration scolaire, Loi Egalim, Sourçage",
        ["restauration-collective"],
    ),
    (
        "seine-maritime",
        "thomas.girard@demo.pilote.test",
        "Thomas",
        "Girard",
        "Chef de projet énergie",
        "Rénovation énergétique, Contrats de performance énergétique",
        ["energie", "btp"],
    ),
]

CHARTER = """Charte du sourçage de la Région Normandie (démonstration)

Le sourçage prépare l'achat : il permet de connaître l'offre des entreprises, notamment des PME et des
structures de l'insertion, avant de rédiger le cahier des charges (articles R. 2111-1 et R. 2111-2 du code de
la commande publique). Il ne doit ni fausser la concurrence ni avantager une entreprise.

Engagements de l'acheteur
- [ ] Publier un avis de sourçage sur le profil d'acheteur lorsque plus de trois entreprises sont rencontrées
- [ ] Rencontrer au moins une PME locale et une structure de l'insertion par l'activité économique quand elles existent
- [ ] Poser les mêmes questions à toutes les entreprises rencontrées
- [ ] Tracer chaque échange (date, entreprise, personnes, informations reçues) dans la fiche visa
- [ ] Ne communiquer aucune information sur le budget ni sur les autres entreprises
- [ ] Verser au dossier la synthèse du sourçage avant la consultation
"""

LESSONS = [
    (
        "Introduire 50 % de produits durables dans la restauration des lycées",
        "restauration-collective",
        "Marché de denrées pour 28 lycées arrivant à échéance ; objectif Egalim non atteint (31 %).",
        "Sourçage auprès de 12 producteurs et de 2 plateformes de produits locaux ; allotissement par famille de "
        "produits et par territoire ; critère de performance environnementale pondéré à 20 %.",
        "58 % de produits durables et de qualité la première année ; 9 lots sur 14 attribués à des PME.",
        ["mathilde.lefebvre@demo.pilote.test", "sophie.moreau@demo.pilote.test"],
    ),
    (
        "Clause d'insertion dans le nettoyage des sites administratifs",
        "nettoyage",
        "Marché de nettoyage de 14 sites ; souhait d'ouvrir des heures d'insertion sans alourdir la gestion.",
        "Clause d'insertion de 5 % des heures travaillées, suivie par le facilitateur de la maison de l'emploi ; "
        "visite des sites ouverte à toutes les entreprises.",
        "4 200 heures d'insertion réalisées sur deux ans ; 3 personnes recrutées en CDI par le titulaire.",
        ["appui@demo.pilote.test"],
    ),
    (
        "Rénovation énergétique d'un lycée en marché global de performance",
        "btp",
        "Lycée de 1970 très consommateur ; besoin d'un engagement sur les économies d'énergie.",
        "Marché global de performance avec objectif de réduction de 40 % des consommations, mesurées pendant "
        "cinq ans ; dialogue compétitif avec trois groupements.",
        "Réduction mesurée de 43 % la première année de chauffe ; pénalités prévues non appliquées.",
        ["acheteur@demo.pilote.test", "thomas.girard@demo.pilote.test"],
    ),
]

MODULES = [
    (
        "Sourcer avant de consulter",
        "Pourquoi et comment rencontrer les entreprises avant une consultation, dans le respect de l'égalité de "
        "traitement ; avis de sourçage, questionnaire, traçabilité.",
        "acheteurs",
        7,
        "",
        False,
        [(12, 12, "Abbaye-aux-Dames, Caen", False), (40, 15, "Classe virtuelle", True)],
    ),
    (
        "Clauses sociales et environnementales : de la stratégie au marché",
        "Choisir et rédiger les clauses, fixer les critères, suivre l'exécution ; exemples du SPASER.",
        "tous",
        10.5,
        "Connaître les étapes d'une procédure adaptée.",
        False,
        [(20, 20, "Hôtel de Région, Rouen", False)],
    ),
    (
        "Devenir réserviste de l'achat public",
        "Accompagner une autre organisation le temps d'un marché : posture, méthode d'appui, confidentialité.",
        "acheteurs",
        14,
        "Trois ans d'expérience en achat public ; module « Sourcer avant de consulter ».",
        True,
        [(6, 2, "Classe virtuelle", True)],
    ),
]


def _segment(code):
    return Segment.objects.filter(code=code, organisation__isnull=True).first()


def _segments(codes):
    return [s for s in (_segment(code) for code in codes) if s]


@transaction.atomic
def prepare_demo() -> list[str]:
    region = Organisation.objects.filter(slug="region-normandie").first()
    if region is None:
        return []
    created = []
    admin = User.objects.filter(email="admin@demo.pilote.test").first()
    for email, first, last, job, skills, codes, shared, volunteer, has_account in PEOPLE:
        if Person.objects.filter(organisation=region, email=email).exists():
            continue
        person = services.do_create_person(
            region,
            actor=admin,
            user=User.objects.filter(email=email).first() if has_account else None,
            first_name=first,
            last_name=last,
            email=email,
            job_title=job,
            phone="02 31 06 98 00",
            contact_notes="Données fictives de démonstration.",
            skills_text=skills,
            segments=_segments(codes),
            share_with_partners=shared,
            volunteer_reservist=volunteer,
            is_demo=True,
        )
        if volunteer:
            person.reservist_qualified_on = timezone.localdate() - timedelta(days=90)
            person.save(update_fields=["reservist_qualified_on"])
        created.append(f"annuaire : {person}")
    for slug, email, first, last, job, skills, codes in PARTNERS:
        partner = Organisation.objects.filter(slug=slug).first()
        if partner is None or Person.objects.filter(organisation=partner, email=email).exists():
            continue
        person = services.do_create_person(
            partner,
            actor=admin,
            first_name=first,
            last_name=last,
            email=email,
            job_title=job,
            skills_text=skills,
            segments=_segments(codes),
            share_with_partners=True,
            volunteer_reservist=True,
            is_demo=True,
        )
        person.reservist_qualified_on = timezone.localdate() - timedelta(days=200)
        person.save(update_fields=["reservist_qualified_on"])
        created.append(f"annuaire : {person} ({partner})")
    if not CharterVersion.objects.filter(organisation=region).exists():
        services.do_save_charter(
            region,
            actor=admin,
            title="Charte du sourçage (démonstration)",
            text=CHARTER,
            change_note="Première version adoptée (démonstration)",
        )
        created.append("charte du sourçage")
    for title, code, context, actions, results, contacts in LESSONS:
        if Lesson.objects.filter(organisation=region, title=title).exists():
            continue
        services.do_create_lesson(
            region,
            actor=admin,
            title=title,
            segment=_segment(code),
            context=context,
            actions=actions,
            results=results,
            contacts=list(Person.objects.filter(email__in=contacts)),
            shared_with_partners=True,
            is_demo=True,
        )
        created.append(f"retour d'expérience : {title}")
    now = timezone.now().replace(hour=9, minute=0, second=0, microsecond=0)
    for title, subject, audience, hours, prerequisites, qualifies, sessions in MODULES:
        if Module.objects.filter(organisation=region, title=title).exists():
            continue
        module = services_training.do_create_module(
            region,
            actor=admin,
            title=title,
            subject=subject,
            audience=audience,
            duration_hours=hours,
            prerequisites=prerequisites,
            qualifies_reservist=qualifies,
            is_demo=True,
        )
        for days, seats, place, online in sessions:
            starts = now + timedelta(days=days)
            services_training.do_create_session(
                module,
                actor=admin,
                starts_at=starts,
                ends_at=starts + timedelta(hours=min(float(hours), 7)),
                place=place,
                online=online,
                seats=seats,
            )
        created.append(f"module de formation : {title}")
    if not ReservistRequest.objects.filter(organisation=region).exists():
        today = timezone.localdate()
        services_reserve.do_post_request(
            region,
            actor=admin,
            subject="Renfort pour le marché de denrées des lycées (démonstration)",
            description="Relire l'allotissement et animer le sourçage auprès des producteurs.",
            segment=_segment("restauration-collective"),
            skills_text="Loi Egalim, Sourçage",
            starts_on=today + timedelta(days=14),
            ends_on=today + timedelta(days=60),
        )
        created.append("demande de réserviste")
    return created
