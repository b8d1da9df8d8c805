"""The ACSA DB models, split by domain. Table names are set in each Meta.db_table."""

from .agreements import Agreement, AgreementEvent, AgreementParty, AgreementType
from .base import CuratedRecord, EditConflict, RecordFact, ReviewStatus, VersionedRecord
from .countries import Country, CowStateMembership, Organization
from .coverage import CollectionCoverage
from .exercises import Domain, Exercise, ExerciseParticipant
from .releases import DataRelease
from .sources import CITATION_TARGET_PATHS, CITATION_TARGET_RELATED, CITATION_TARGETS, Citation, Source

__all__ = [
    "Agreement",
    "AgreementEvent",
    "AgreementParty",
    "AgreementType",
    "CITATION_TARGET_PATHS",
    "CITATION_TARGET_RELATED",
    "CITATION_TARGETS",
    "Citation",
    "CollectionCoverage",
    "Country",
    "CowStateMembership",
    "DataRelease",
    "CuratedRecord",
    "Domain",
    "EditConflict",
    "Exercise",
    "ExerciseParticipant",
    "Organization",
    "RecordFact",
    "ReviewStatus",
    "Source",
    "VersionedRecord",
]
