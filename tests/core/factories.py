import itertools

import factory

from pilote.core.enums import OrganisationKind, Role
from pilote.core.models import BuyerEntity, Membership, Organisation, User
from pilote.core.validators import luhn_ok


# Real, Luhn-valid buyer SIRETs from the bundled DECP data, for tests that need a buyer of the real files.
REAL_SIRETS = ["20005340300057", "22760540900019", "21690123100011", "21590328700013", "22660001300016"]
_FAKE = itertools.count(1)


def fake_siret() -> str:
    """A valid SIRET that belongs to no buyer of any data file (SIREN 000…): an organisation built without
    SIRETs never owns contracts by chance. (Handing out real SIRETs by primary key made tests depend on the
    database: PostgreSQL sequences are not rolled back between tests, so the same test got another SIRET.)"""
    siren = _with_check_digit(f"000{next(_FAKE):05d}")
    return _with_check_digit(siren + "0001")


def _with_check_digit(digits: str) -> str:
    return next(digits + c for c in "0123456789" if luhn_ok(digits + c))


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["email"]

    email = factory.Sequence(lambda n: f"personne{n}@exemple.fr")
    first_name = "Camille"
    last_name = factory.Sequence(lambda n: f"Martin{n}")
    password = factory.PostGenerationMethodCall("set_password", "mot-de-passe-solide-42")

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        if create:
            instance.save()


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Commune {n}")
    slug = factory.Sequence(lambda n: f"commune-{n}")
    kind = OrganisationKind.COMMUNE

    @factory.post_generation
    def sirets(self, create, extracted, **kwargs):
        if create:
            for siret in extracted or [fake_siret()]:
                BuyerEntity.objects.create(organisation=self, siret=siret)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.AGENT
