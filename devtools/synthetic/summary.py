"""The counts of what one run of the generator created."""

import dataclasses


@dataclasses.dataclass
class Summary:
    """Counts of what one run created, and how long it took."""

    declarations: int = 0
    paragraphs: int = 0
    bodies_created: int = 0
    bodies_reused: int = 0
    commitments: int = 0
    body_links: int = 0
    deadlines: int = 0
    deadline_revisions: int = 0
    evidence: int = 0
    evidence_retracted: int = 0
    assessments: int = 0
    member_state_assessments: int = 0
    corrections: int = 0
    citations: int = 0
    seconds: float = 0.0
    deadline_kinds: dict = dataclasses.field(default_factory=dict)
    precisions: dict = dataclasses.field(default_factory=dict)

    def lines(self) -> list[str]:
        kinds = ", ".join(f"{k} {n:,}" for k, n in sorted(self.deadline_kinds.items()))
        precisions = ", ".join(f"{k} {n:,}" for k, n in sorted(self.precisions.items()))
        return [
            f"declarations        {self.declarations:>12,}",
            f"paragraphs          {self.paragraphs:>12,}",
            f"bodies              {self.bodies_created:>12,} created, "
            f"{self.bodies_reused:,} reused",
            f"commitments         {self.commitments:>12,}",
            f"body links          {self.body_links:>12,}",
            f"deadlines           {self.deadlines:>12,} ({kinds})",
            f"  window precisions {sum(self.precisions.values()):>12,} ({precisions})",
            f"deadline revisions  {self.deadline_revisions:>12,}",
            f"evidence            {self.evidence:>12,} "
            f"({self.evidence_retracted:,} retracted)",
            f"assessments         {self.assessments:>12,} "
            f"({self.member_state_assessments:,} for a member state, "
            f"{self.corrections:,} corrections)",
            f"evidence citations  {self.citations:>12,}",
            f"in {self.seconds:.1f} s",
        ]
