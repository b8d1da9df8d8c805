"""Test data from factories (factory_boy): each builds a valid row, and a test names only what it is about.

``SourceFactory()`` is a source; ``AgreementFactory(parties=[japan, germany])``
an agreement with those two parties; ``CitationFactory(exercise=drill)`` a
citation of that exercise (with no target given, it cites a new agreement:
a citation has exactly one target). The defaults are plainly made up ("Test
source 3", example.org URLs, "Q" country codes that no real state has), so
no test row can pass for a real fact.
"""

import datetime
import string

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from acsa_db.models import (
    Agreement,
    AgreementEvent,
    AgreementParty,
    AgreementType,
    Citation,
    Country,
    Exercise,
    ExerciseParticipant,
    Organization,
    Source,
)


def _code(n):
    """Q, then two letters: 676 codes that ISO leaves unassigned (QM-QZ, and QAA-QZZ are user-assigned)."""
    return "Q" + string.ascii_uppercase[n // 26 % 26] + string.ascii_uppercase[n % 26]


class CountryFactory(factory.django.DjangoModelFactory):
    """A country; with an existing ``iso3``, that country (as the fixtures' get_or_create did)."""

    class Meta:
        model = Country
        django_get_or_create = ("iso3",)

    iso3 = factory.Sequence(_code)
    cow_abbrev = ""
    name = factory.Sequence(lambda n: f"Test country {n}")


def japan():
    return CountryFactory(
        iso3="JPN", iso2="JP", iso_numeric="392", cow_code=740, cow_abbrev="JPN", name="Japan"
    )


def germany():
    return CountryFactory(
        iso3="DEU", iso2="DE", iso_numeric="276", cow_code=255, cow_abbrev="GMY", name="Germany"
    )


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization
        django_get_or_create = ("acronym",)

    acronym = factory.Sequence(lambda n: f"TO{n}")
    name = factory.Sequence(lambda n: f"Test organization {n}")


class AgreementTypeFactory(factory.django.DjangoModelFactory):
    """The ACSA type unless told otherwise (the reference data's row when it is loaded)."""

    class Meta:
        model = AgreementType
        django_get_or_create = ("code",)

    code = "ACSA"
    name = "Acquisition and Cross-Servicing Agreement"


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    slug = factory.Sequence(lambda n: f"test-source-{n}")
    title = factory.Sequence(lambda n: f"Test source {n}")
    kind = Source.Kind.NEWS
    url = factory.LazyAttribute(lambda source: f"https://example.org/{source.slug}")


class AgreementFactory(factory.django.DjangoModelFactory):
    """An agreement; ``parties=[country, ...]`` adds a party for each (an organization too)."""

    class Meta:
        model = Agreement
        skip_postgeneration_save = True  # the rows added after it are saved on their own

    slug = factory.Sequence(lambda n: f"test-agreement-{n}")
    title = factory.Sequence(lambda n: f"Test agreement {n}")
    short_title = factory.LazyAttribute(lambda agreement: agreement.title)
    type = factory.SubFactory(AgreementTypeFactory)

    @factory.post_generation
    def parties(agreement, create, parties, **kwargs):
        for party in parties or ():
            if isinstance(party, Organization):
                AgreementPartyFactory(agreement=agreement, country=None, organization=party)
            else:
                AgreementPartyFactory(agreement=agreement, country=party)


class AgreementPartyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgreementParty

    agreement = factory.SubFactory(AgreementFactory)
    country = factory.SubFactory(CountryFactory)


class AgreementEventFactory(factory.django.DjangoModelFactory):
    """A signature known to the day."""

    class Meta:
        model = AgreementEvent

    agreement = factory.SubFactory(AgreementFactory)
    kind = AgreementEvent.Kind.SIGNATURE
    date = datetime.date(2024, 1, 29)
    date_precision = "day"


class ExerciseFactory(factory.django.DjangoModelFactory):
    """An exercise known to the day it started; ``participants=[country, ...]`` adds them."""

    class Meta:
        model = Exercise
        skip_postgeneration_save = True  # the rows added after it are saved on their own

    slug = factory.Sequence(lambda n: f"test-exercise-{n}")
    name = factory.Sequence(lambda n: f"Test exercise {n}")
    start_date = datetime.date(2022, 9, 28)
    start_date_precision = "day"

    @factory.post_generation
    def participants(exercise, create, participants, **kwargs):
        for country in participants or ():
            ExerciseParticipantFactory(exercise=exercise, country=country)


class ExerciseParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExerciseParticipant

    exercise = factory.SubFactory(ExerciseFactory)
    country = factory.SubFactory(CountryFactory)


CITATION_TARGETS = ("agreement", "agreement_event", "agreement_party", "exercise", "exercise_participant")


class CitationFactory(factory.django.DjangoModelFactory):
    """A citation of the target given, or of a new agreement when none is (exactly one target, CHECK)."""

    class Meta:
        model = Citation

    class Params:
        other_target = factory.LazyAttribute(
            lambda citation: any(getattr(citation, target) is not None for target in CITATION_TARGETS[1:])
        )

    source = factory.SubFactory(SourceFactory)
    agreement_event = None
    agreement_party = None
    exercise = None
    exercise_participant = None
    agreement = factory.Maybe(
        "other_target", yes_declaration=None, no_declaration=factory.SubFactory(AgreementFactory)
    )
    claim = Citation.Claim.EXISTENCE


class UserFactory(factory.django.DjangoModelFactory):
    """A staff user without a password (hashing one is slow), in the groups named by ``roles``.

    The groups (viewer, curator, reviewer) come from the roles migration.
    """

    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True  # the rows added after it are saved on their own

    username = factory.Sequence(lambda n: f"user-{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    is_staff = True

    @classmethod
    def _create(cls, model_class, *args, password=None, **kwargs):
        return model_class._default_manager.create_user(*args, password=password, **kwargs)

    @factory.post_generation
    def roles(user, create, roles, **kwargs):
        if roles:
            user.groups.set(Group.objects.filter(name__in=roles))
