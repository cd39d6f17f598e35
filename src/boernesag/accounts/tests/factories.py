import factory
from django.utils import timezone

from boernesag.accounts.constants import Role, UnitKind
from boernesag.accounts.models import Municipality, RoleAssignment, TeamMembership, Unit, User

PASSWORD = "Korrekt-Hest-Batteri-42"


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality

    name = "Testkommune"
    cvr = "12345678"
    municipality_number = "998"


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    kind = UnitKind.TEAM
    name = factory.Sequence(lambda n: f"Team {n}")
    code = factory.Sequence(lambda n: f"team-{n}")
    parent = factory.LazyFunction(
        lambda: (
            Unit.objects.filter(kind=UnitKind.MUNICIPALITY).first()
            or Unit.objects.create(
                kind=UnitKind.MUNICIPALITY, name="Testkommune", code="testkommune"
            )
        )
    )

    class Params:
        root = factory.Trait(kind=UnitKind.MUNICIPALITY, parent=None)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"bruger{n}@testkommune.dk")
    first_name = factory.Faker("first_name", locale="da_DK")
    last_name = factory.Faker("last_name", locale="da_DK")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        """UserFactory(roles=[Role.CASEWORKER]) grants each role in a team of its own
        (or in ``team``), and makes the user a member of that team."""
        self.save()
        if not extracted:
            return
        team = kwargs.get("team") or UnitFactory()
        for role in extracted:
            RoleAssignment.objects.create(
                user=self, role=role, unit=team, valid_from=timezone.localdate()
            )
        TeamMembership.objects.create(user=self, team=team, valid_from=timezone.localdate())


def user_with_role(role: Role | str, **kwargs) -> User:
    return UserFactory(roles=[role], **kwargs)
