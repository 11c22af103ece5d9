"""One-off: make fixtures/astana_2005.json the codebook only, coded by the manual.

It applies fixtures/astana_2005_coding.csv (the coding manual applied paragraph by
paragraph) to the fixture: each paragraph's coding note, the bodies and roles of
every commitment (with the new bodies the coding names), and drops the evidence
and assessments, which are now imported from fixtures/astana_2005_record.csv
(``import_evidence``, run by ``bootstrap``). The output keeps Django's dumpdata
format (``--indent 2``). Run: python scripts/build_astana_codebook.py
"""

import csv
import json
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "fixtures" / "astana_2005.json"
CODING = ROOT / "fixtures" / "astana_2005_coding.csv"

# The bodies the coding names that the fixture did not hold, by the name the
# coding CSV gives them ("new:Full name|short name|kind"): the slug, the phrases of
# the text that name them (so a reader can check the link) and a description
# taken from the coding manual and the notes.
NEW_BODIES = {
    "Shanghai Cooperation Organization (the Organization as a whole)": {
        "slug": "shanghai-cooperation-organization",
        "aliases": "SCO\nthe Organization\nShanghai Cooperation Organization",
        "description": "The Organization as a whole, for 'the SCO' or 'the "
        "Organization' in the text (coding manual, rule 5): not the Council of "
        "Heads of State, which is one of its organs.",
    },
    "Ministries and agencies of the member states responsible for foreign economic "
    "and trade activities, transportation, environmental protection, emergency "
    "relief, culture and education": {
        "slug": "sectoral-ministries-and-agencies",
        "aliases": "ministries and agencies responsible for foreign economic and "
        "trade activities, transportation, environmental protection, emergency "
        "relief, culture and education",
        "description": "The member states' ministries and agencies whose practical "
        "collaboration the Moscow meeting of heads of government was to spur "
        "(paragraph 9).",
    },
    "Foreign policy, foreign economic, law enforcement and intelligence agencies "
    "and defence departments of the member states": {
        "slug": "security-and-foreign-policy-agencies",
        "aliases": "foreign policy, foreign economic, law enforcement, intelligence "
        "agencies and defense departments of the member states",
        "description": "The member states' foreign-policy, foreign-economic, "
        "law-enforcement and intelligence agencies and defence departments, among "
        "which cooperation is to grow (paragraph 23).",
    },
}


def main() -> int:
    objects = json.loads(FIXTURE.read_text(encoding="utf-8"))
    by_model = defaultdict(list)
    for obj in objects:
        by_model[obj["model"]].append(obj)
    bodies = {b["fields"]["slug"]: b for b in by_model["declarations.body"]}
    commitments = {
        c["fields"]["reference"]: c for c in by_model["declarations.commitment"]
    }
    paragraphs = {p["fields"]["number"]: p for p in by_model["declarations.paragraph"]}
    next_body = max(b["pk"] for b in bodies.values()) + 1

    notes = defaultdict(list)
    links = []
    with CODING.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            number, reference = int(row["paragraph"]), row["reference"]
            note = row["note"].strip()
            notes[number].append(f"{reference}: {note}" if reference else note)
            if not reference:
                continue
            commitment = commitments[reference]
            for pair in filter(None, (p.strip() for p in row["bodies"].split(";"))):
                body, _, role = pair.rpartition(":")
                if body.startswith("new:"):
                    name, short_name, kind = body[4:].split("|")
                    extra = NEW_BODIES[name]
                    if extra["slug"] not in bodies:
                        bodies[extra["slug"]] = {
                            "model": "declarations.body",
                            "pk": next_body,
                            "fields": {
                                "slug": extra["slug"],
                                "name": name,
                                "short_name": short_name,
                                "aliases": extra["aliases"],
                                "kind": kind,
                                "parent": None,
                                "description": extra["description"],
                            },
                        }
                        next_body += 1
                    body = extra["slug"]
                links.append((commitment["pk"], bodies[body]["pk"], role))

    coded = {line.split(":")[0] for lines in notes.values() for line in lines}
    missing = set(commitments) - coded
    if missing:
        print(f"no coding for {sorted(missing)}", file=sys.stderr)
        return 1
    for number, paragraph in paragraphs.items():
        paragraph["fields"]["coding_note"] = "\n".join(notes[number])

    commitment_bodies = [
        {
            "model": "declarations.commitmentbody",
            "pk": pk,
            "fields": {"commitment": commitment, "body": body, "role": role},
        }
        for pk, (commitment, body, role) in enumerate(links, 1)
    ]
    kept = []
    for obj in objects:
        if obj["model"] in (
            "declarations.evidence",
            "declarations.assessment",
            "declarations.commitmentbody",
        ):
            continue
        kept.append(obj)
        if (
            obj["model"] == "declarations.body"
            and obj is by_model["declarations.body"][-1]
        ):
            kept.extend(b for b in bodies.values() if b["pk"] > obj["pk"])
        if (
            obj["model"] == "declarations.commitment"
            and obj is by_model["declarations.commitment"][-1]
        ):
            kept.extend(commitment_bodies)
    FIXTURE.write_text(
        "[\n"
        + ",\n".join(json.dumps(o, indent=2, ensure_ascii=False) for o in kept)
        + "\n]\n",
        encoding="utf-8",
    )
    print(
        f"{len(paragraphs)} paragraphs with coding notes, {len(bodies)} bodies, "
        f"{len(commitment_bodies)} commitment bodies; evidence and assessments "
        "left to fixtures/astana_2005_record.csv"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
