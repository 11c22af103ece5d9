"""The tracker's vocabularies, each with the definition the methodology page prints.

Every label and definition lives here once: models, forms, filters, exports and the
methodology page read them from these classes, so the published rules cannot drift
from the ones the code applies.
"""

from django.db import models


class Status(models.TextChoices):
    """The status ladder (DESIGN.md), from no assessment to closed."""

    UNASSESSED = "unassessed", "Unassessed"
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    STALLED = "stalled", "Stalled"
    NO_EVIDENCE = "no_evidence", "No evidence available"
    IMPLEMENTED = "implemented", "Implemented"
    PARTLY_IMPLEMENTED = "partly_implemented", "Partly implemented"
    SUPERSEDED = "superseded", "Superseded"
    ABANDONED = "abandoned", "Abandoned"

    @classmethod
    def open_values(cls) -> list[str]:
        """Statuses under which a commitment is still owed (and can be overdue)."""
        return [
            cls.UNASSESSED,
            cls.NOT_STARTED,
            cls.IN_PROGRESS,
            cls.STALLED,
            cls.NO_EVIDENCE,
        ]

    @classmethod
    def closed_values(cls) -> list[str]:
        return [
            cls.IMPLEMENTED,
            cls.PARTLY_IMPLEMENTED,
            cls.SUPERSEDED,
            cls.ABANDONED,
        ]

    @classmethod
    def needing_evidence(cls) -> list[str]:
        """Statuses an assessment may record only by citing standing evidence: the
        closed ones, which say that something happened (or will not)."""
        return cls.closed_values()

    @classmethod
    def assessable(cls) -> list[tuple[str, str]]:
        """Choices an analyst can record: every status but 'unassessed'."""
        return [(v, label) for v, label in cls.choices if v != cls.UNASSESSED]

    @property
    def is_open(self) -> bool:
        return self in self.open_values()

    @property
    def definition(self) -> str:
        return STATUS_DEFINITIONS[self]


STATUS_DEFINITIONS = {
    Status.UNASSESSED: "No analyst has assessed the commitment yet. This is not the "
    "same as 'not started': it means nobody has looked.",
    Status.NOT_STARTED: "Assessed, and no action towards the commitment was found.",
    Status.IN_PROGRESS: "Steps have been taken, but the commitment is not complete.",
    Status.STALLED: "Action began and stopped, or was repeatedly postponed.",
    Status.NO_EVIDENCE: "An analyst looked and could not tell: the assessment says "
    "what was searched. Still owed, and unlike 'unassessed', someone has looked.",
    Status.IMPLEMENTED: "Done as promised.",
    Status.PARTLY_IMPLEMENTED: "Done in part, and the rest will not follow: closed. "
    "The rationale says which part was done.",
    Status.SUPERSEDED: "Replaced by a later decision, which the assessment names.",
    Status.ABANDONED: "Explicitly dropped, or the chance to do it has passed.",
}


class Review(models.TextChoices):
    """Where an assessment stands in review (DESIGN.md: a second analyst reviews)."""

    DRAFT = "draft", "Draft, awaiting review"
    PUBLISHED = "published", "Published"
    RETURNED = "returned", "Returned to its author"
    SET_ASIDE = "set_aside", "Set aside in double coding"

    @property
    def definition(self) -> str:
        return {
            Review.DRAFT: "Recorded by an analyst and seen by analysts only, until "
            "another analyst (not its author) or an editor reviews it. It counts "
            "nowhere the public can see.",
            Review.PUBLISHED: "Approved by a second analyst or an editor (or recorded "
            "where the install publishes directly): it counts toward the status, "
            "the figures, the feeds and the downloads.",
            Review.RETURNED: "Sent back to its author with a comment; it never "
            "counts. The author records a new assessment.",
            Review.SET_ASIDE: "One of two blind codings of a commitment that the "
            "settling reviewer did not publish (or of a round closed unsettled). "
            "It stays on the record and counts nowhere; it does count toward the "
            "inter-coder agreement.",
        }[self]


class BodyKind(models.TextChoices):
    ORGAN = "organ", "Organ of the organisation"
    MEMBER_STATE = "member_state", "Member state"
    EXTERNAL = "external", "External party"


class Role(models.TextChoices):
    RESPONSIBLE = "responsible", "Responsible"
    SUPPORTING = "supporting", "Supporting"
    ADDRESSEE = "addressee", "Addressee"

    @property
    def definition(self) -> str:
        return {
            Role.RESPONSIBLE: "Owns the commitment: the declaration says it will act.",
            Role.SUPPORTING: "Acts jointly with or assists the responsible body.",
            Role.ADDRESSEE: "A party the declaration calls on to act, usually outside "
            "the organisation.",
        }[self]


class CommitmentKind(models.TextChoices):
    DECISION = "decision", "Decision or agreement"
    PLEDGE = "pledge", "Pledge to act"
    CALL = "call", "Call on others"


class DeadlineKind(models.TextChoices):
    CALENDAR = "calendar", "Calendar date or period"
    EVENT = "event", "Event"
    VAGUE = "vague", "Vague"
    NONE = "none", "None"

    @property
    def definition(self) -> str:
        return {
            DeadlineKind.CALENDAR: "The text names a day, month, season, quarter or "
            "year ('in the autumn of 2005').",
            DeadlineKind.EVENT: "The text ties the deadline to an event ('by the next "
            "2006 Summit'). The window starts as wide as the wording allows and "
            "narrows to the event's date once it is known.",
            DeadlineKind.VAGUE: "The text asks for speed without a date ('in the near "
            "future', 'urgently'). No window, so never overdue; analysts may set a "
            "review date.",
            DeadlineKind.NONE: "The text sets no deadline. Never overdue.",
        }[self]


class Precision(models.TextChoices):
    DAY = "day", "Day"
    MONTH = "month", "Month"
    SEASON = "season", "Season"
    QUARTER = "quarter", "Quarter"
    HALF = "half", "Half year"
    YEAR = "year", "Year"

    @property
    def definition(self) -> str:
        return {
            Precision.DAY: "A window of one day.",
            Precision.MONTH: "The first to the last day of a calendar month.",
            Precision.SEASON: "Three calendar months: spring is March to May, summer "
            "June to August, autumn September to November, winter December to "
            "February.",
            Precision.QUARTER: "January to March, April to June, July to September, "
            "or October to December.",
            Precision.HALF: "January to June, or July to December.",
            Precision.YEAR: "1 January to 31 December.",
        }[self]


class Confidence(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"

    @property
    def definition(self) -> str:
        return {
            Confidence.LOW: "Indirect or single-source evidence, or a link to the "
            "commitment that is an inference.",
            Confidence.MEDIUM: "Credible sources, but the link to the commitment or "
            "the date is not fully established.",
            Confidence.HIGH: "Primary or several independent sources establish the "
            "event and its link to the commitment.",
        }[self]


class Direction(models.TextChoices):
    TOWARD = "toward", "Toward implementation"
    AGAINST = "against", "Against implementation"
    NEUTRAL = "neutral", "Neither"


class DatePrecision(models.TextChoices):
    """How exactly a source dates an event (some give only a month or a year)."""

    DAY = "day", "Day"
    MONTH = "month", "Month"
    YEAR = "year", "Year"


class OverdueBand(models.TextChoices):
    """Where a commitment stands against its due window on a given date."""

    DEFINITELY = "definitely", "Definitely overdue"
    POSSIBLY = "possibly", "Possibly overdue"
    DUE_SOON = "due_soon", "Due soon"
    NOT_DUE = "not_due", "Not yet due"
    NO_WINDOW = "no_window", "No dated deadline"
    CLOSED = "closed", "Closed"

    @property
    def definition(self) -> str:
        return {
            OverdueBand.DEFINITELY: "The status on the date is open and the due window "
            "closed before that date.",
            OverdueBand.POSSIBLY: "The status on the date is open and the date falls "
            "inside the window, after its first day: the deadline may already have "
            "passed.",
            OverdueBand.DUE_SOON: "The status on the date is open and the window opens "
            "within the coming days (90 by default), or opens that very day.",
            OverdueBand.NOT_DUE: "The window opens later than that.",
            OverdueBand.NO_WINDOW: "Vague or no deadline: never overdue.",
            OverdueBand.CLOSED: "Implemented, superseded or abandoned on the date.",
        }[self]


class LinkType(models.TextChoices):
    """How one commitment stands to an earlier one, read from the later one."""

    FOLLOWS_UP = "follows_up", "Follows up"
    REPEATS = "repeats", "Repeats"
    REPORTS_PROGRESS = "reports_progress", "Reports progress on"
    SUPERSEDES = "supersedes", "Supersedes"

    @property
    def inverse_label(self) -> str:
        """The same link read from the other commitment."""
        return {
            LinkType.FOLLOWS_UP: "Followed up by",
            LinkType.REPEATS: "Repeated by",
            LinkType.REPORTS_PROGRESS: "Progress reported by",
            LinkType.SUPERSEDES: "Superseded by",
        }[self]

    @property
    def definition(self) -> str:
        return {
            LinkType.FOLLOWS_UP: "The commitment takes the other one a step "
            "further: it sets the next task, asks for the report the other "
            "promised, or fixes what the other left open ('by the next Summit, "
            "prepare proposals' then 'adopt the proposals').",
            LinkType.REPEATS: "The commitment promises again what the other one "
            "promised, in the same or nearly the same words. Each keeps its own "
            "status: a repeated promise may be a sign that the first was not kept.",
            LinkType.REPORTS_PROGRESS: "The commitment's text says what has been "
            "done about the other one (it welcomes, notes or reviews its "
            "implementation) without promising it anew.",
            LinkType.SUPERSEDES: "The commitment replaces the other one: the other "
            "is no longer owed as worded (its status may then be 'superseded').",
        }[self]


class LinkState(models.TextChoices):
    """Where a link stands: a suggestion counts nowhere until an editor confirms."""

    SUGGESTED = "suggested", "Suggested"
    CONFIRMED = "confirmed", "Confirmed"
    DISMISSED = "dismissed", "Dismissed"

    @property
    def definition(self) -> str:
        return {
            LinkState.SUGGESTED: "Found by suggest_links (close wording) or entered "
            "by an editor, and not yet decided. Shown nowhere the public can see.",
            LinkState.CONFIRMED: "An editor confirmed it: it is shown on both "
            "commitments' pages, in the chain, the API, the release and the "
            "changes log.",
            LinkState.DISMISSED: "An editor decided the commitments are not linked "
            "this way. Kept, so the same suggestion is not made again.",
        }[self]
