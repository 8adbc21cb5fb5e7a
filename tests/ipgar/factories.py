import factory
from django.contrib.auth.models import Group

from ipgar import roles
from ipgar.models import Organisation, User


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"org-{n}")
    name = factory.Sequence(lambda n: f"Organisatie {n}")
    kind = Organisation.Kind.CORE_PARTNER


FIRST_NAMES = [
    "Anouk",
    "Bram",
    "Charlotte",
    "Daan",
    "Eva",
    "Femke",
    "Gijs",
    "Hanna",
    "Iris",
    "Joost",
    "Karin",
    "Lieke",
    "Milan",
    "Noor",
    "Olivier",
    "Pim",
    "Quinten",
    "Roos",
    "Sander",
    "Tessa",
    "Thijs",
    "Vera",
    "Wouter",
]
LAST_NAMES = [
    "Visser",
    "Bakker",
    "Smit",
    "Meijer",
    "Mulder",
    "Dekker",
    "Brouwer",
    "Dijkstra",
    "Vermeulen",
    "Kok",
    "Jacobs",
    "Hendriks",
    "Peters",
    "Koster",
    "Prins",
    "Huisman",
    "Kuiper",
    "Postma",
    "Wolters",
]


class UserFactory(factory.django.DjangoModelFactory):
    """A user; pass role="director" (etc.) to put them in that role's group."""

    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    # Fixed names, cycled (23 x 19 = 437 distinct pairs before one repeats): random names made
    # tests flaky (a generated "van 't Wel" is escaped in HTML and was not found on the page).
    first_name = factory.Sequence(lambda n: FIRST_NAMES[n % len(FIRST_NAMES)])
    last_name = factory.Sequence(lambda n: LAST_NAMES[n % len(LAST_NAMES)])
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    organisation = factory.LazyFunction(lambda: Organisation.objects.get(code="oov"))
    password = factory.django.Password("ipgar-demo")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(Group.objects.get(name=extracted))


def user_with_role(role: str, **kwargs) -> User:
    return UserFactory(role=role, **kwargs)


ROLE_NAMES = list(roles.ROLES)
