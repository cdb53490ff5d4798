import factory

from pilote.core.enums import OrganisationKind, Role
from pilote.core.models import BuyerEntity, Membership, Organisation, User


# Real, Luhn-valid buyer SIRETs from the bundled DECP data, handed out in turn.
REAL_SIRETS = ["20005340300057", "22760540900019", "21690123100011", "21590328700013", "22660001300016"]


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
            for siret in extracted or [REAL_SIRETS[self.pk % len(REAL_SIRETS)]]:
                BuyerEntity.objects.create(organisation=self, siret=siret)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.AGENT
