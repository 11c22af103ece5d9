"""Check fixtures/astana_2005_record.csv and fixtures/astana_2005_coding.csv
against the shipped fixture.

Run: python scripts/check_astana_record.py
(exit status 1 on any error; warnings are printed only)
"""

import csv
import datetime
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FX = json.loads((ROOT / "fixtures/astana_2005.json").read_text(encoding="utf-8"))
COLS = [
    "record",
    "key",
    "commitment",
    "event_date",
    "summary",
    "source_title",
    "source_publisher",
    "source_url",
    "source_language",
    "archived_url",
    "accessed_on",
    "excerpt",
    "direction",
    "confidence",
    "status",
    "as_of",
    "member_state",
    "rationale",
    "cites",
    "superseded_by",
    "searched",
]
EV_COLS = COLS[3:14]
AS_COLS = COLS[13:]
LADDER = {
    "not_started",
    "in_progress",
    "stalled",
    "no_evidence",
    "implemented",
    "partly_implemented",
    "superseded",
    "abandoned",
}
CLOSED = {"implemented", "partly_implemented", "superseded", "abandoned"}
BANNED = ("movatter.jp", "knowledgr.com", "weblio", "blogspot.", "keyanhelp.cn")
DECL_DATE, TODAY = datetime.date(2005, 7, 5), datetime.date(2026, 12, 1)

refs = {x["fields"]["reference"] for x in FX if x["model"] == "declarations.commitment"}
states = {
    x["fields"]["slug"]
    for x in FX
    if x["model"] == "declarations.body" and x["fields"]["kind"] == "member_state"
}
slugs = {x["fields"]["slug"] for x in FX if x["model"] == "declarations.body"}
errors, warnings = [], []


def err(line, msg):
    errors.append(f"record.csv line {line}: {msg}")


def day(s):
    return datetime.date.fromisoformat(s)


def partial(s):
    if re.fullmatch(r"\d{4}", s):
        return datetime.date(int(s), 1, 1)
    if re.fullmatch(r"\d{4}-\d{2}", s):
        return datetime.date(int(s[:4]), int(s[5:]), 1)
    return day(s)


with open(ROOT / "fixtures/astana_2005_record.csv", encoding="utf-8", newline="") as f:
    reader = csv.DictReader(f)
    if reader.fieldnames != COLS:
        errors.append(f"record.csv: header {reader.fieldnames} != {COLS}")
    rows = list(reader)

keys, evidence = set(), {}
for n, r in enumerate(rows, 2):
    if r["key"] in keys:
        err(n, f"duplicate key {r['key']}")
    keys.add(r["key"])
    if r["commitment"] not in refs:
        err(n, f"unknown commitment {r['commitment']}")
    if r["record"] == "evidence":
        evidence[r["key"]] = (r, n)
        if not re.fullmatch(r"E\d{3}", r["key"]):
            err(n, "evidence key must be E###")
        for c in AS_COLS[1:]:
            if r[c]:
                err(n, f"evidence row has assessment column {c}")
        try:
            partial(r["event_date"])
        except ValueError:
            err(n, f"bad event_date {r['event_date']!r}")
        try:
            day(r["accessed_on"])
        except ValueError:
            err(n, "bad accessed_on")
        t = r["source_title"]
        if (
            not t
            or t.startswith("[")
            or "no title" in t.lower()
            or "from url slug" in t.lower()
        ):
            err(n, f"placeholder title {t!r}")
        if not r["excerpt"].strip():
            err(n, "empty excerpt")
        if len(r["excerpt"]) > 400:
            err(n, f"excerpt {len(r['excerpt'])} chars > 400")
        if len(r["summary"]) > 600:
            err(n, f"summary {len(r['summary'])} chars > 600")
        if not re.fullmatch(r"https?://\S+", r["source_url"]):
            err(n, "source_url not http(s)")
        if any(b in r["source_url"] for b in BANNED):
            err(n, f"banned source {r['source_url']}")
        if r["archived_url"] and "web.archive.org" not in r["archived_url"]:
            err(n, "archived_url not an archive URL")
        if not re.fullmatch(r"[a-z]{2}", r["source_language"]):
            err(n, "source_language not ISO 639-1")
        if r["direction"] not in {"toward", "against", "neutral"}:
            err(n, "bad direction")
        if r["confidence"] not in {"low", "medium", "high"}:
            err(n, "bad confidence")
        if not r["source_publisher"]:
            err(n, "empty publisher")
    elif r["record"] == "assessment":
        if not re.fullmatch(r"A\d{3}", r["key"]):
            err(n, "assessment key must be A###")
    else:
        err(n, f"record must be evidence or assessment, not {r['record']!r}")

overall = set()
for n, r in enumerate(rows, 2):
    if r["record"] != "assessment":
        continue
    for c in EV_COLS[:-1]:
        if r[c]:
            err(n, f"assessment row has evidence column {c}")
    if r["status"] not in LADDER:
        err(n, f"bad status {r['status']!r}")
    try:
        d = day(r["as_of"])
        if not DECL_DATE <= d <= TODAY:
            err(n, f"as_of {d} outside {DECL_DATE}..{TODAY}")
    except ValueError:
        err(n, f"bad as_of {r['as_of']!r}")
    if r["confidence"] not in {"low", "medium", "high"}:
        err(n, "bad confidence")
    if r["member_state"] and r["member_state"] not in states:
        err(n, f"member_state {r['member_state']} not a member-state body")
    if not r["member_state"]:
        overall.add(r["commitment"])
    if len(re.findall(r"[.!?](\s|$)", r["rationale"])) < 2:
        err(n, "rationale needs at least two sentences")
    cites = r["cites"].split()
    for k in cites:
        if k not in evidence:
            err(n, f"cite {k} is not an evidence row")
        elif evidence[k][0]["commitment"] != r["commitment"]:
            err(n, f"cite {k} belongs to another commitment")
    if r["status"] in CLOSED and not cites:
        err(n, f"closed status {r['status']} cites no evidence")
    if r["status"] == "no_evidence" and not r["searched"].strip():
        err(n, "no_evidence without searched")
    if r["status"] == "superseded" and r["superseded_by"] not in refs:
        err(n, "superseded_by must name a commitment")
    dates = {evidence[k][0]["event_date"] for k in cites if k in evidence}
    if cites and r["as_of"] not in dates:
        warnings.append(
            f"record.csv line {n}: {r['key']} {r['commitment']} as_of "
            f"{r['as_of']} is not a cited event day ({sorted(dates)}); the "
            "rationale must explain"
        )
    if cites and all(partial(dt) > day(r["as_of"]) for dt in dates):
        err(n, "as_of earlier than every cited event")
for ref in sorted(refs - overall):
    errors.append(f"{ref}: no overall assessment")

# coding.csv
cp = ROOT / "fixtures/astana_2005_coding.csv"
if cp.exists():
    paras = {
        x["fields"]["number"] for x in FX if x["model"] == "declarations.paragraph"
    }
    seen_refs, seen_paras = set(), set()
    with open(cp, encoding="utf-8", newline="") as f:
        cr = csv.DictReader(f)
        if cr.fieldnames != ["paragraph", "reference", "bodies", "note"]:
            errors.append(f"coding.csv header {cr.fieldnames}")
        for n, r in enumerate(cr, 2):
            p = int(r["paragraph"])
            seen_paras.add(p)
            if p not in paras:
                errors.append(f"coding.csv line {n}: unknown paragraph {p}")
            if not r["note"].strip():
                errors.append(f"coding.csv line {n}: empty note")
            if r["reference"]:
                seen_refs.add(r["reference"])
                if r["reference"] not in refs:
                    warnings.append(
                        f"coding.csv line {n}: new reference {r['reference']}"
                    )
                for pair in filter(None, r["bodies"].split(";")):
                    body, _, role = pair.strip().rpartition(":")
                    if role not in {"responsible", "supporting", "addressee"}:
                        errors.append(f"coding.csv line {n}: bad role in {pair!r}")
                    if not body.startswith("new:") and body not in slugs:
                        errors.append(f"coding.csv line {n}: unknown body {body!r}")
                    if body.startswith("new:") and len(body[4:].split("|")) != 3:
                        errors.append(
                            f"coding.csv line {n}: new body must be Full|short|kind"
                        )
            elif r["bodies"]:
                errors.append(f"coding.csv line {n}: bodies on a no-commitment row")
    for ref in sorted(refs - seen_refs):
        errors.append(f"coding.csv: {ref} missing")
    for p in sorted(paras - seen_paras):
        errors.append(f"coding.csv: paragraph {p} missing")

for w in warnings:
    print("warning:", w)
for e in errors:
    print("ERROR:", e)
ev_n = sum(r["record"] == "evidence" for r in rows)
as_n = len(rows) - ev_n
print(
    f"{ev_n} evidence rows, {as_n} assessment rows, {len(errors)} errors, "
    f"{len(warnings)} warnings"
)
sys.exit(1 if errors else 0)
