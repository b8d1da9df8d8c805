"""Natural keys: fixtures and imports never depend on database ids."""

from django.core import serializers

from acsa_db.models import (
    AgreementEvent,
    AgreementParty,
    Citation,
    Country,
    ExerciseParticipant,
    Source,
)


def round_trip(objects):
    """Serialize with natural keys and no ids, then look each object up again by its key."""
    data = serializers.serialize(
        "json", objects, use_natural_foreign_keys=True, use_natural_primary_keys=True
    )
    assert '"pk"' not in data
    return [obj.object for obj in serializers.deserialize("json", data)]


def test_every_record_kind_is_found_again_by_its_natural_key(citation, exercise, nato):
    party = AgreementParty.objects.create(agreement=citation.agreement, organization=nato)
    objects = [
        citation.agreement.type,
        citation.agreement,
        *citation.agreement.parties.all(),
        *citation.agreement.events.all(),
        exercise,
        *exercise.participants.all(),
        citation.source,
        citation,
        Citation.objects.create(source=citation.source, agreement_party=party, claim="parties"),
        Citation.objects.create(
            source=citation.source, exercise_participant=exercise.participants.first(), claim="forces"
        ),
    ]
    for original, rebuilt in zip(objects, round_trip(objects), strict=True):
        # Deserializing with natural keys finds the existing row: same primary key.
        assert type(rebuilt) is type(original)
        assert rebuilt.pk == original.pk, original


def test_natural_key_shapes(citation, nato):
    party = AgreementParty.objects.create(agreement=citation.agreement, organization=nato)
    event = AgreementEvent.objects.get(agreement=citation.agreement)
    assert party.natural_key() == ("acsa-jpn-deu-2024", None, "NATO")
    assert citation.agreement.parties.get(country__iso3="JPN").natural_key() == (
        "acsa-jpn-deu-2024",
        "JPN",
        None,
    )
    assert event.natural_key() == ("acsa-jpn-deu-2024", "signature", "2024-01-29")
    assert citation.natural_key() == ("mofa-test-release", "agreement", "acsa-jpn-deu-2024", "existence")
    assert Citation.objects.get_by_natural_key(*citation.natural_key()) == citation


def test_source_is_found_by_slug_or_url(source):
    assert Source.objects.get_by_natural_key("mofa-test-release") == source
    assert Source.objects.get_by_natural_key("https://example.org/release") == source


def test_country_key_is_iso3_or_cow_code(japan, db):
    historic = Country.objects.create(cow_code=265, cow_abbrev="GDR", name="German Democratic Republic")
    assert japan.key == "JPN"
    assert historic.key == "cow:265"
    assert Country.objects.get_by_natural_key("cow:265") == historic
    assert Country.objects.get_by_natural_key("jpn") == japan


def test_participant_natural_key(exercise):
    participant = exercise.participants.get(country__iso3="DEU")
    assert ExerciseParticipant.objects.get_by_natural_key(*participant.natural_key()) == participant
