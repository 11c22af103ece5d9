"""Tables: what the cells say, and downloads that hold exactly the filtered rows."""

import csv
import datetime
import io
import json

import openpyxl
import pytest
from django.urls import reverse

from declarations.models import Commitment, OverdueBand, Role, Status
from declarations.tables import CommitmentTable, how_long, percent
from tests.factories import (
    AssessmentFactory,
    BodyFactory,
    CommitmentBodyFactory,
    CommitmentFactory,
    EvidenceFactory,
    with_window,
)

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def many():
    """55 commitments of one body (more than a page) and 5 of another."""
    mine, other = BodyFactory(slug="mine"), BodyFactory(slug="other")
    for n in range(60):
        commitment = CommitmentFactory(reference=f"T-{n:03d}", theme="Security")
        CommitmentBodyFactory(commitment=commitment, body=mine if n < 55 else other)
    AssessmentFactory(
        commitment=Commitment.objects.get(reference="T-001"),
        status=Status.STALLED,
        as_of=D(2006, 6, 1),
    )
    return mine


def download(client, fmt, **params):
    response = client.get(
        reverse("declarations:commitment-list"), {**params, "_export": fmt}
    )
    assert response.status_code == 200
    return response


def csv_rows(response):
    # utf-8-sig: the download starts with a byte-order mark, for Excel.
    return list(csv.DictReader(io.StringIO(response.getvalue().decode("utf-8-sig"))))


def test_csv_download_holds_every_filtered_row_not_one_page(client, many):
    response = download(client, "csv", body="mine", as_of="2006-12-31")
    rows = csv_rows(response)
    assert {row["reference"] for row in rows} == {f"T-{n:03d}" for n in range(55)}
    assert response["Content-Disposition"] == (
        'attachment; filename="commitments-2006-12-31.csv"'
    )


def test_downloads_match_the_table_on_screen(client, many):
    params = {"body": "mine", "q": "T-00", "sort": "-reference"}
    screen = client.get(reverse("declarations:commitment-list"), params)
    on_screen = [row.record.reference for row in screen.context["table"].rows]
    assert on_screen == [f"T-{n:03d}" for n in range(9, -1, -1)]
    assert [
        row["reference"] for row in csv_rows(download(client, "csv", **params))
    ] == (on_screen)
    data = json.loads(download(client, "json", **params).getvalue())
    assert [row["reference"] for row in data] == on_screen
    book = openpyxl.load_workbook(
        io.BytesIO(download(client, "xlsx", **params).getvalue())
    )
    sheet = book.active
    header = [cell.value for cell in sheet[1]]
    column = header.index("reference")
    assert [row[column] for row in sheet.iter_rows(min_row=2, values_only=True)] == (
        on_screen
    )


def test_download_columns_are_plain_text(client):
    commitment = with_window(
        CommitmentFactory(reference="X-1", title="Do <it>", theme="Economy"),
        D(2006, 1, 1),
        D(2006, 12, 31),
        "year",
        wording="by the next 2006 Summit",
    )
    CommitmentBodyFactory(
        commitment=commitment, body__name="Council A", role=Role.RESPONSIBLE
    )
    AssessmentFactory(commitment=commitment, status=Status.STALLED, as_of=D(2006, 5, 1))
    (row,) = csv_rows(download(client, "csv", as_of="2006-12-31"))
    assert row["title"] == "Do <it>"
    assert row["bodies"] == "Council A (responsible)"
    assert row["deadline_wording"] == "by the next 2006 Summit"
    assert row["deadline_window"] == "2006"
    assert row["status"] == Status.STALLED
    assert row["overdue_band"] == OverdueBand.POSSIBLY
    assert row["deadline_earliest"] == "2006-01-01"
    assert row["deadline_latest"] == "2006-12-31"
    assert row["status_as_of"] == "2006-12-31"
    assert row["status_since"] == "2006-05-01"
    assert row["theme"] == "Economy"
    assert row["quote"] == commitment.quote


def test_a_download_of_nothing_has_the_header_only(client, many):
    rows = csv_rows(download(client, "csv", q="zebra"))
    assert rows == []


def test_cells_escape_text(rf):
    CommitmentFactory(reference="X-2", title="<script>alert(1)</script>")
    table = CommitmentTable(Commitment.objects.for_public_list(D(2006, 1, 1)))
    html = table.as_html(rf.get("/"))
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


def test_status_and_band_are_written_in_words(rf):
    commitment = with_window(CommitmentFactory(), D(2005, 9, 1), D(2005, 11, 30))
    AssessmentFactory(
        commitment=commitment, status=Status.NOT_STARTED, as_of=D(2005, 8, 1)
    )
    table = CommitmentTable(Commitment.objects.for_public_list(D(2006, 1, 1)))
    html = table.as_html(rf.get("/"))
    assert ">Not started</span>" in html
    assert ">Definitely overdue</span>" in html


def test_commitment_links_keep_the_as_of_date(rf):
    commitment = CommitmentFactory(reference="X-3")
    table = CommitmentTable(
        Commitment.objects.for_public_list(D(2006, 1, 1)),
        as_of=D(2006, 1, 1),
        as_of_param="2006-01-01",
    )
    assert f'href="{commitment.get_absolute_url()}?as_of=2006-01-01"' in table.as_html(
        rf.get("/")
    )


def test_how_long_in_words():
    commitment = with_window(CommitmentFactory(), D(2006, 1, 1), D(2006, 12, 31))
    record = Commitment.objects.for_public_list(D(2007, 1, 1)).get(pk=commitment.pk)
    assert record.overdue_band == OverdueBand.DEFINITELY
    assert how_long(record, D(2007, 1, 1)) == "1 day since the window closed"
    record.overdue_band = OverdueBand.POSSIBLY
    assert how_long(record, D(2006, 1, 2)) == "1 day into the window, 363 days left"
    assert how_long(record, D(2006, 12, 31)) == "364 days into the window, last day"
    record.overdue_band = OverdueBand.DUE_SOON
    assert how_long(record, D(2006, 1, 1)) == "window opens today"
    assert how_long(record, D(2005, 12, 30)) == "window opens in 2 days"


def test_percent():
    assert percent(None) == "—"
    assert percent(0.5) == "50%"
    assert percent(2 / 3) == "67%"


def test_downloads_cannot_smuggle_spreadsheet_formulas(client):
    CommitmentFactory(reference="F-1", title='=HYPERLINK("http://evil.example","x")')
    csv_row = csv_rows(download(client, "csv"))[0]
    assert csv_row["title"] == '\'=HYPERLINK("http://evil.example","x")'
    book = download(client, "xlsx").getvalue()
    sheet = openpyxl.load_workbook(io.BytesIO(book)).active
    # Excel: the exact text, in a text cell, which a spreadsheet shows, never runs.
    title = sheet[2][1]
    assert title.value == '=HYPERLINK("http://evil.example","x")'
    assert title.data_type == "s"
    as_json = json.loads(download(client, "json").getvalue())
    assert as_json[0]["title"] == '=HYPERLINK("http://evil.example","x")'


def test_downloads_stream_in_chunks_and_keep_the_sort(client, many, monkeypatch):
    from declarations import exports

    monkeypatch.setattr(exports, "CHUNK", 7)
    response = download(client, "csv", body="mine", sort="-reference")
    assert response.streaming
    references = [row["reference"] for row in csv_rows(response)]
    assert references == [f"T-{n:03d}" for n in range(54, -1, -1)]
    rows = json.loads(download(client, "json", body="mine").getvalue())
    assert len(rows) == 55


def django_tables2_rows(table) -> str:
    """The body rows as django-tables2's own template renders each cell."""
    from django.utils.html import conditional_escape

    return "".join(
        "<tr>"
        + "".join(
            f"<td {column.attrs['td'].as_html()}>"
            f"{conditional_escape(row.get_cell(column.name))}</td>"
            for column in table.columns
        )
        + "</tr>"
        for row in table.rows
    )


@pytest.mark.parametrize("as_of", [D(2006, 12, 31), None])
def test_rows_html_writes_the_cells_django_tables2_writes(as_of, rf):
    from declarations.models import Body, Declaration
    from declarations.tables import (
        BodyCommitmentTable,
        BodyTable,
        DeclarationTable,
        OverdueTable,
    )
    from tests.factories import MemberStateFactory

    as_of = as_of or datetime.date.today()
    parent = BodyFactory(name="Council <of> & Heads", short_name="C&H")
    child = BodyFactory(parent=parent, short_name="")
    state = MemberStateFactory()
    dated = with_window(CommitmentFactory(), D(2006, 1, 1), D(2006, 12, 31))
    CommitmentBodyFactory(commitment=dated, body=child)
    CommitmentBodyFactory(commitment=dated, body=state, role=Role.SUPPORTING)
    undated = CommitmentFactory(title="A <b>bold</b> title")
    CommitmentBodyFactory(commitment=undated, body=parent, role=Role.ADDRESSEE)
    AssessmentFactory(
        commitment=undated, status=Status.IMPLEMENTED, as_of=D(2006, 3, 1)
    )
    EvidenceFactory(commitment=dated, event_date=D(2006, 5, 1))
    commitments = list(Commitment.objects.for_public_list(as_of))
    overdue = list(Commitment.objects.for_overdue_list(as_of)) or commitments
    tables_and_rows = [
        (CommitmentTable, commitments),
        (OverdueTable, overdue),
        (
            BodyCommitmentTable,
            list(Commitment.objects.for_public_list(as_of).with_role_of(child)),
        ),
        (BodyTable, list(Body.objects.for_public_list().organs_first())),
        (DeclarationTable, list(Declaration.objects.for_public_table())),
    ]
    for table_class, rows in tables_and_rows:
        table = table_class(rows, as_of=as_of, as_of_param=as_of.isoformat())
        assert table.rows_html() == django_tables2_rows(table), table_class.__name__


def test_downloads_open_right_in_a_spreadsheet(client):
    commitment = with_window(
        CommitmentFactory(reference="X-9", title="Développement du Fonds — 基金"),
        D(2006, 1, 1),
        D(2006, 12, 31),
        "year",
    )
    CommitmentBodyFactory(commitment=commitment, body__name="Совет")
    raw = download(client, "csv", as_of="2006-12-31").getvalue()
    # A byte-order mark, so that Excel reads the UTF-8 as UTF-8.
    assert raw.startswith(b"\xef\xbb\xbf")
    assert "Développement du Fonds — 基金" in raw.decode("utf-8-sig")
    book = openpyxl.load_workbook(
        io.BytesIO(download(client, "xlsx", as_of="2006-12-31").getvalue())
    )
    assert book.sheetnames == ["Commitments", "About"]
    sheet = book["Commitments"]
    header = [cell.value for cell in sheet[1]]
    row = dict(zip(header, sheet[2], strict=True))
    assert row["deadline_earliest"].is_date
    assert row["deadline_earliest"].value.date() == D(2006, 1, 1)
    assert row["status_as_of"].value.date() == D(2006, 12, 31)
    assert row["paragraph"].data_type == "n"
    assert row["bodies"].value == "Совет (responsible)"
    about = dict(book["About"].iter_rows(values_only=True))
    assert about["Statuses and overdue as of"].date() == D(2006, 12, 31)


def test_downloads_and_the_data_release_use_the_same_names(client, tmp_path):
    from declarations.datapackage import writer

    commitment = with_window(
        CommitmentFactory(reference="X-8"), D(2006, 1, 1), D(2006, 12, 31), "year"
    )
    AssessmentFactory(commitment=commitment, status=Status.STALLED, as_of=D(2006, 5, 1))
    (web,) = csv_rows(download(client, "csv"))
    folder = writer.release_write(releases_dir=tmp_path, version="1").folder
    released = {}
    for table in ("commitments", "deadlines"):
        with open(folder / "data" / f"{table}.csv", encoding="utf-8") as file:
            (row,) = csv.DictReader(file)
            released.update({k: v for k, v in row.items() if k != "commitment"})
    shared = set(web) & set(released)
    assert shared >= {
        "reference",
        "declaration",
        "paragraph",
        "title",
        "theme",
        "kind",
        "quote",
        "status",
        "status_since",
        "status_as_of",
        "deadline_wording",
        "deadline_kind",
        "deadline_earliest",
        "deadline_latest",
        "deadline_precision",
    }
    assert {name: web[name] for name in shared} == {
        name: released[name] for name in shared
    }
