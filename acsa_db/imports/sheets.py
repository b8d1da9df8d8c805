"""The curator's sheets: one row per agreement or exercise, with its parties, dates and source.

A curator keeps a spreadsheet with one line per agreement: its type, its
parties as codes separated by ";" (JPN;DEU), when it was signed and entered
into force, and the URL of the source that says so. Importing the sheet
creates, for each line, the agreement, its parties, its signature and
entry-into-force events, and the citations that tie each of them to the
source. The exercise sheet does the same for an exercise and its
participants. Sheets add new records only: a slug already in the database is
refused (change existing records in the admin or through the per-table files),
unless its row says nothing the database does not hold already (the same
values, parties and dates, and a citation of the same source): such a row is
counted as unchanged, so that a sheet imported twice, or the example sheets
into the seeded database, go in cleanly.
"""

from ..models import Agreement, AgreementEvent, AgreementParty, Citation, Exercise, ExerciseParticipant
from ..models.exercises import ParticipantRole
from .columns import ComputedColumn, ManyToManyColumn
from .resources import AgreementResource, ExerciseResource
from .widgets import PartialDateWidget, PartyListWidget, SourceWidget


class SheetMixin:
    create_only = True
    record_field = None  # "agreement" or "exercise": the facts' foreign key to the record
    party_model = None  # AgreementParty or ExerciseParticipant

    def identical_rows(self, rows, header):
        """The ``rows`` (each matching a record in the database) that hold nothing the record does not.

        Their columns have the record's values, their parties are its parties,
        their source backs one of its facts, and ``other_facts_match`` (the
        agreement sheet's dates). A few queries per batch.
        """
        fields = self.update_fields(header)
        links = [
            f for f in self.get_import_fields() if isinstance(f, ManyToManyColumn) and f.column_name in header
        ]
        changed = {row.number for row in self.changed_rows(rows, fields, links)}
        same = [row for row in rows if row.number not in changed]
        if not same:
            return []
        pks = [row.existing_pk for row in same]
        parties = {}
        facts = self.party_model.objects.filter(**{f"{self.record_field}_id__in": pks})
        for pk, country, organization in facts.values_list(
            f"{self.record_field}_id", "country_id", "organization_id"
        ):
            parties.setdefault(pk, set()).add(
                ("country", country) if country else ("organization", organization)
            )
        cited = set(
            Citation.objects.filter(**{f"{self.record_field}_id__in": pks}).values_list(
                f"{self.record_field}_id", "source_id"
            )
        )
        same = [
            row
            for row in same
            if parties.get(row.existing_pk, set()) == set(row.related["parties"])
            and (row.existing_pk, row.related["source"]) in cited
        ]
        return self.other_facts_match(same)

    def other_facts_match(self, rows):
        return rows

    def new_rows(self, rows):
        """The rows to write: the others are identical to their records (``identical_rows``)."""
        return [row for row in rows if row.existing_pk is None]

    def clean_source(self, row, related, errors):
        try:
            related["source"] = self.fields["source_url"].widget.clean(row.get("source_url"))
        except ValueError as error:
            errors.append(("source_url", str(error)))

    def clean_parties(self, column, row, related, errors):
        try:
            related["parties"] = self.fields[column].widget.clean(row.get(column))
        except ValueError as error:
            errors.append((column, str(error)))

    @staticmethod
    def party_instance(model, record_field, record, party, **values):
        kind, pk = party
        return model(**{record_field: record, f"{kind}_id": pk}, **values)


class AgreementSheetResource(SheetMixin, AgreementResource):
    """One row per agreement: type, parties, signature, entry into force, and the source."""

    record_field = "agreement"
    party_model = AgreementParty

    parties = ComputedColumn(
        attribute="parties", column_name="parties", widget=PartyListWidget(required=True)
    )
    signed = ComputedColumn(attribute="signed", column_name="signed", widget=PartialDateWidget())
    entered_into_force = ComputedColumn(
        attribute="entered_into_force", column_name="entered_into_force", widget=PartialDateWidget()
    )
    source_url = ComputedColumn(
        attribute="source_url", column_name="source_url", widget=SourceWidget(required=True)
    )
    EVENTS = (
        ("signed", AgreementEvent.Kind.SIGNATURE),
        ("entered_into_force", AgreementEvent.Kind.ENTRY_INTO_FORCE),
    )

    class Meta:
        model = Agreement
        fields = (
            "slug",
            "short_title",
            "title",
            "type",
            "parties",
            "signed",
            "entered_into_force",
            "source_url",
            "text_url",
            "summary",
        )
        import_id_fields = ("slug",)

    @classmethod
    def table_name(cls):
        return "agreement sheet"

    @classmethod
    def get_display_name(cls):
        return "agreement sheet (one row per agreement, with its parties, dates and source)"

    def required_columns(self):
        return ["slug", "short_title", "title", "type", "parties", "source_url"]

    def clean_related_columns(self, instance, row, related, errors):
        self.clean_parties("parties", row, related, errors)
        for column, _kind in self.EVENTS:
            try:
                related[column] = self.fields[column].widget.clean(row.get(column))
            except ValueError as error:
                errors.append((column, str(error)))
        self.clean_source(row, related, errors)

    def check_row(self, instance, related, row):
        signed, in_force = related.get("signed"), related.get("entered_into_force")
        if signed and in_force and in_force.last_day < signed.date:
            return [
                (
                    "entered_into_force",
                    f"the entry into force ({in_force}) is before the signature ({signed})",
                )
            ]
        return []

    def other_facts_match(self, rows):
        """The rows whose dates (where given) are the dates of their agreements' events."""
        if not rows:
            return []
        events = set(
            AgreementEvent.objects.filter(
                agreement_id__in=[row.existing_pk for row in rows],
                kind__in=[kind for _column, kind in self.EVENTS],
            ).values_list("agreement_id", "kind", "date", "date_precision")
        )
        return [
            row
            for row in rows
            if all(
                (row.existing_pk, kind, date.date, date.precision) in events
                for column, kind in self.EVENTS
                if (date := row.related.get(column))
            )
        ]

    def write_batch(self, rows, writer, header):
        unchanged = len(rows)
        rows = self.new_rows(rows)
        unchanged -= len(rows)
        agreements = [row.instance for row in rows]
        writer.insert(Agreement, agreements)
        parties, events = [], []
        for row in rows:
            agreement = row.instance
            for party in row.related["parties"]:
                parties.append(self.party_instance(AgreementParty, "agreement", agreement, party))
            for column, kind in self.EVENTS:
                date = row.related.get(column)
                if date:
                    events.append(
                        AgreementEvent(
                            agreement=agreement, kind=kind, date=date.date, date_precision=date.precision
                        )
                    )
        writer.insert(AgreementParty, parties)
        writer.insert(AgreementEvent, events)
        sources = {row.instance.pk: row.related["source"] for row in rows}
        citations = [
            Citation(source_id=sources[a.pk], agreement=a, claim=Citation.Claim.EXISTENCE) for a in agreements
        ]
        citations += [
            Citation(source_id=sources[p.agreement.pk], agreement_party=p, claim=Citation.Claim.PARTIES)
            for p in parties
        ]
        citations += [
            Citation(source_id=sources[e.agreement.pk], agreement_event=e, claim=Citation.Claim.DATE)
            for e in events
        ]
        writer.insert(Citation, citations)
        return len(agreements), 0, unchanged


class ExerciseSheetResource(SheetMixin, ExerciseResource):
    """One row per exercise: dates, host, participants, domains, and the source."""

    record_field = "exercise"
    party_model = ExerciseParticipant

    participants = ComputedColumn(
        attribute="participants", column_name="participants", widget=PartyListWidget(required=True)
    )
    source_url = ComputedColumn(
        attribute="source_url", column_name="source_url", widget=SourceWidget(required=True)
    )

    class Meta:
        model = Exercise
        fields = (
            "slug",
            "name",
            "series",
            "kind",
            "status",
            "start_date",
            "end_date",
            "host",
            "participants",
            "domains",
            "location",
            "source_url",
            "summary",
        )
        import_id_fields = ("slug",)

    @classmethod
    def table_name(cls):
        return "exercise sheet"

    @classmethod
    def get_display_name(cls):
        return "exercise sheet (one row per exercise, with its participants and source)"

    def required_columns(self):
        return ["slug", "name", "participants", "source_url"]

    def clean_related_columns(self, instance, row, related, errors):
        self.clean_parties("participants", row, related, errors)
        self.clean_source(row, related, errors)

    def write_batch(self, rows, writer, header):
        unchanged = len(rows)
        rows = self.new_rows(rows)
        unchanged -= len(rows)
        exercises = [row.instance for row in rows]
        writer.insert(Exercise, exercises)
        if "domains" in header:
            writer.set_many_to_many(
                Exercise, "domains", {row.instance.pk: row.related.get("domains", []) for row in rows}
            )
        participants = []
        for row in rows:
            exercise = row.instance
            for party in row.related["parties"]:
                is_host = party == ("country", exercise.host_id)
                role = ParticipantRole.HOST if is_host else ParticipantRole.PARTICIPANT
                participants.append(
                    self.party_instance(ExerciseParticipant, "exercise", exercise, party, role=role)
                )
        writer.insert(ExerciseParticipant, participants)
        sources = {row.instance.pk: row.related["source"] for row in rows}
        citations = [
            Citation(source_id=sources[e.pk], exercise=e, claim=Citation.Claim.EXISTENCE) for e in exercises
        ]
        citations += [
            Citation(
                source_id=sources[p.exercise.pk], exercise_participant=p, claim=Citation.Claim.PARTICIPATION
            )
            for p in participants
        ]
        writer.insert(Citation, citations)
        return len(exercises), 0, unchanged


def suggested_sheet(unknown_columns, resource_classes):
    """The curator's sheet among ``resource_classes`` that has every one of ``unknown_columns``, or None.

    A curator who uploads a sheet ("parties", "signed", "source_url") as the
    per-table file gets every sheet column refused as unknown; the import
    page then names the sheet to choose instead.
    """
    unknown = set(unknown_columns)
    if not unknown:
        return None
    for resource_class in resource_classes:
        if issubclass(resource_class, SheetMixin) and unknown <= set(resource_class().import_columns()):
            return resource_class
    return None
