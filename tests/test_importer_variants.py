"""The importer on every variant of the World and Japan Database format.

``tests/corpus/`` holds openings of real database pages (``worldjpn_*``, verbatim
from stored copies; ``SOURCES.md`` says where each came from and what was cut) and
small synthetic pages (``synthetic_*``) for the variants no stored page showed: a
page without a title field, the older header-less layout, Chinese field names, month
and range dates, CJK bullets and numbering. The synthetic ones are written for
these tests and claim to be nothing else.
"""

import datetime
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from declarations.importer import (
    DocumentError,
    parse_document,
    read_date,
    reference_letters,
    render_document,
    slug_base,
)
from declarations.models import Paragraph

CORPUS = Path(__file__).resolve().parent / "corpus"
D = datetime.date
MARKER = re.compile(r"^[\[［](?:Full text|全文)[\]］][^\n]*\n", re.MULTILINE)

BANNER_EN = '"The World and Japan" Database (Project Leader: TANAKA Akihiko)'
BANNER_JA = "データベース「世界と日本」(代表:田中明彦)"

# file -> what the parser must read from it. "body_from" (1-based line) is given
# for pages without a marker: their text starts there.
EXPECTED = {
    "worldjpn_sco_20060615_en.txt": {
        "paragraphs": 4,
        "sections": [1, 2, 2, 3],
        "fields": {
            "Title": "DECLARATION on the Fifth Anniversary of the Shanghai "
            "Cooperation Organization",
            "Place": "Shanghai",
            "Date": "June 15, 2006",
            "Source": "Shanghai Cooperation Organization Secretariat",
        },
        "place": "Shanghai",
        "date": (D(2006, 6, 15), "day", None),
        "language": "en",
        "banner": BANNER_EN,
        "slug": "shanghai",
        "letters": "SHA",
    },
    "worldjpn_jck_20091010_en.txt": {
        "paragraphs": 4,
        "fields": {
            "Title": "Joint Statement on Sustainable Development among the "
            "People's Republic of China, Japan and the Republic of Korea",
            "Place": "Beijing",
            "Date": "October 10, 2009",
            "Source": "Ministry of Foreign Affairs of Japan",
        },
        "place": "Beijing",
        "date": (D(2009, 10, 10), "day", None),
        "language": "en",
        "banner": BANNER_EN,
        "slug": "beijing",
        "letters": "BEI",
    },
    "worldjpn_jpus_20101206_en.txt": {
        "paragraphs": 2,
        "fields": {
            "Title": "Trilateral Statement Japan, Republic of Korea, and the "
            "United States of America",
            "Place": "Washington, D.C.",
            "Date": "December 6, 2010",
            "Source": "Ministry of Foreign Affaires of Japan",
        },
        "place": "Washington, D.C.",
        "date": (D(2010, 12, 6), "day", None),
        "language": "en",
        "banner": BANNER_EN,
        "slug": "washington-dc",
        "letters": "WAS",
    },
    "worldjpn_jpeu_19831101_ja.txt": {
        "paragraphs": 4,
        "fields": {
            "文書名": "日本国内閣総理大臣及びドイツ連邦共和国首相による「東京声明」",
            "場所": "",
            "年月日": "1983年11月1日",
            "出典": "外交青書28号,466−467頁.",
            "備考": "",
        },
        "place": "",
        "date": (D(1983, 11, 1), "day", None),
        "language": "ja",
        "banner": BANNER_JA,
        # No place: the slug and the letters come from the title.
        "slug": "ribenguoneigezonglidachenji-bi-doitsu-lianbanggongheguoshouxiang"
        "-niyoru-dongjingshengming",
        "letters": "RDLN",
    },
    "worldjpn_jpeu_19850501_ja.txt": {
        "paragraphs": 4,
        "fields": {
            "文書名": "世界の平和と繁栄のための日独ステートメント",
            "場所": "ボン",
            "年月日": "1985年5月1日",
            "出典": "外交青書29号,492頁.",
            "備考": "",
        },
        "place": "ボン",
        "date": (D(1985, 5, 1), "day", None),
        "language": "ja",
        "banner": BANNER_JA,
        "slug": "bon",
        "letters": "BON",
    },
    "worldjpn_jpeu_19670512_ja.txt": {
        "paragraphs": 1,
        "fields": {
            "文書名": "ヴィリー・ブラント・ドイツ連邦共和国副首相兼外務大臣の"
            "日本訪問に関する日独共同コミュニケ",
            "場所": "東京",
            "年月日": "1967年5月12日",
            "出典": "外交青書12号,10−11頁.",
            "備考": "",
        },
        "place": "東京",
        "date": (D(1967, 5, 12), "day", None),
        "language": "ja",
        "banner": BANNER_JA,
        # anyascii reads kanji as Mandarin: a stable ASCII slug, not "tokyo".
        "slug": "dongjing",
        "letters": "DON",
    },
    "worldjpn_jpeu_19631115_ja_oldhost.txt": {
        "paragraphs": 5,
        "fields": {
            "文書名": "リュプケ・ドイツ連邦共和国大統領の訪日の際の日独共同コミュニケ",
            "場所": "",
            "年月日": "1963年11月15日",
            "出典": "外交青書8号,29−31頁.",
            "備考": "",
        },
        "place": "",
        "date": (D(1963, 11, 15), "day", None),
        "language": "ja",
        "banner": BANNER_JA,
    },
    "synthetic_zh_labels.txt": {
        "paragraphs": 5,
        "fields": {
            "文件名称": "关于地区合作的联合声明(示例)",
            "地点": "上海",
            "日期": "２００６年６月１５日",
            "来源": "示例来源",
            "备注": "本文件为测试用的合成文本。",
        },
        "place": "上海",
        "date": (D(2006, 6, 15), "day", None),
        "language": "zh",
        "labels": {
            "title": "文件名称",
            "place": "地点",
            "date": "日期",
            "source": "来源",
            "notes": "备注",
            "full text": "全文",
        },
        "first_words": ["双方在", "(一)", "(二)", "・双方", "・工作组"],
        "slug": "shanghai",
        "letters": "SHA",
    },
    "synthetic_no_title_en.txt": {
        "paragraphs": 5,
        "title": "JOINT COMMUNIQUE OF THE MEETING OF THE COUNCIL OF FOREIGN MINISTERS",
        "fields": {
            "Place": "Bishkek",
            "Date": "June 15-16, 2006",
            "Source": "Synthetic test page",
        },
        "place": "Bishkek",
        "date": (D(2006, 6, 15), "day", D(2006, 6, 16)),
        "language": "en",
        "notes": [
            "The [Title] field is missing: the title is taken from the first line "
            "of the text (line 9)."
        ],
        "first_words": ["JOINT", "The", "They", "-", "-"],
    },
    "synthetic_no_title_ja.txt": {
        "paragraphs": 6,
        "title": "日独外相共同声明(テスト用)",
        "fields": {
            "文書名": "",
            "場所": "東京",
            "年月日": "平成18年6月",
            "出典": "合成テスト用の文書",
            "備考": "",
        },
        "place": "東京",
        "date": (D(2006, 6, 1), "month", D(2006, 6, 30)),
        "language": "ja",
        "notes": [
            "The [文書名] field is empty: the title is taken from the first line "
            "of the text (line 13)."
        ],
        "first_words": ["日独", "両外務", "（１）", "（２）", "○両国", "○青少年"],
    },
    "synthetic_headerless_en.txt": {
        "paragraphs": 2,
        "title": "JOINT STATEMENT ON REGIONAL COOPERATION (Synthetic test page in "
        "the older header-less layout)",
        "fields": {},
        "place": "Astana",
        "date": (D(2005, 7, 5), "day", None),
        "language": "en",
        "banner": f"{BANNER_EN}\nDatabase of Japanese Politics and International "
        "Relations",
        "notes": [
            "No header fields (the older header-less layout): the title is taken "
            "from line 4 and the date and place from line 6."
        ],
        "body_from": 7,
        "slug": "astana",
        "letters": "AST",
    },
    "synthetic_headerless_ja.txt": {
        "paragraphs": 2,
        "title": "日独共同声明(テスト用)",
        "fields": {},
        "place": "",
        "date": (D(1983, 11, 1), "day", None),
        "language": "ja",
        "notes": [
            "No header fields (the older header-less layout): the title is taken "
            "from line 4 and the date from line 5."
        ],
        "body_from": 6,
    },
    "synthetic_month_en.txt": {
        "paragraphs": 2,
        "fields": {
            "Title": "Statement of the Ministers (synthetic test page)",
            "Place": "Москва",
            "Date": "June 2006",
            "Notes": "The day of the meeting is not known.",
        },
        "place": "Москва",
        "date": (D(2006, 6, 1), "month", D(2006, 6, 30)),
        "language": "en",
        "first_words": ["Article", "The"],
        "slug": "moskva",
        "letters": "MOS",
    },
}
REFUSED = {
    # A stored rendering of a real page that kept only the title line and the
    # text: no [年月日], no [全文]. It must be refused in the page's own terms.
    "worldjpn_jpeu_19850501_ja_compact.txt": (None, "no [全文] marker"),
    "synthetic_bad_date_zh.txt": (5, "the [日期] '六月中旬' is not a date I can read"),
}


def normalised(text: str) -> str:
    return " ".join(text.split())


def source_text(raw: str, body_from: int | None) -> str:
    """The page's text as the tests read it, without the parser."""
    if body_from:
        return "\n".join(raw.split("\n")[body_from - 1 :])
    marker = MARKER.search(raw)
    assert marker, "a corpus page with fields has a full-text marker"
    return raw[marker.end() :]


def parse(name: str):
    return parse_document((CORPUS / name).read_bytes(), name)


def test_every_corpus_file_is_expected_and_documented():
    files = {path.name for path in CORPUS.glob("*.txt")}
    assert files == set(EXPECTED) | set(REFUSED)
    sources = (CORPUS / "SOURCES.md").read_text(encoding="utf-8")
    for name in files:
        assert name in sources


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_page_parses_as_expected(name):
    expected = EXPECTED[name]
    doc = parse(name)
    assert len(doc.paragraphs) == expected["paragraphs"]
    assert [p.number for p in doc.paragraphs] == list(
        range(1, expected["paragraphs"] + 1)
    )
    if "sections" in expected:
        assert [p.section for p in doc.paragraphs] == expected["sections"]
    assert doc.fields == expected["fields"]
    title_field = next(iter(expected["fields"].values()), "")
    assert doc.title == expected.get("title", title_field)
    assert doc.place == expected["place"]
    assert (doc.date, doc.date_precision, doc.date_end) == expected["date"]
    assert doc.language == expected["language"]
    assert list(doc.notes) == expected.get("notes", [])
    if "labels" in expected:
        assert doc.labels == expected["labels"]
    if "banner" in expected:
        assert doc.banner.startswith(expected["banner"])
    if "first_words" in expected:
        assert [
            p.text.split()[0][: len(w)]
            for p, w in zip(doc.paragraphs, expected["first_words"], strict=True)
        ] == expected["first_words"]
    if "slug" in expected:
        assert slug_base(doc.place, doc.title) == expected["slug"]
        assert reference_letters(doc.place, doc.title) == expected["letters"]
    # Nothing is lost or invented between the marker and the end of the file.
    raw = (CORPUS / name).read_text(encoding="utf-8")
    text = source_text(raw, expected.get("body_from"))
    assert normalised(" ".join(p.text for p in doc.paragraphs)) == normalised(text)
    assert normalised(doc.full_text) == normalised(text)


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_corpus_page_is_refused_in_its_own_terms(name):
    line, problem = REFUSED[name]
    with pytest.raises(DocumentError) as error:
        parse(name)
    assert error.value.problem.startswith(problem)
    assert error.value.line == line
    assert "Full text" not in error.value.problem.split(";")[0]


def test_an_unreadable_cjk_date_names_the_field_and_shows_spellings():
    with pytest.raises(DocumentError) as error:
        parse("synthetic_bad_date_zh.txt")
    problem = error.value.problem
    assert "[日期]" in problem and "[Date]" not in problem
    assert "'2005年7月5日'" in problem and "'July 5, 2005'" in problem


JAPANESE_PAGES = sorted(
    name
    for name, expected in EXPECTED.items()
    if expected["language"] == "ja" and name.startswith("worldjpn_")
)


@pytest.mark.parametrize("name", JAPANESE_PAGES)
@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda t: re.sub(r"\[年月日\][^\n]*\n", "", t), "no [年月日]"),
        (lambda t: t.replace("[年月日]", "[年月日] いつか"), "the [年月日] 'いつか"),
        (lambda t: t.replace("[全文]", "[本文]"), "no [全文] marker"),
        (lambda t: t.split("[全文]")[0] + "[全文]\n\n", "the [全文] is empty"),
    ],
)
def test_a_japanese_page_never_hears_of_full_text(name, change, problem):
    text = change((CORPUS / name).read_text(encoding="utf-8"))
    with pytest.raises(DocumentError) as error:
        parse_document(text.encode(), name)
    assert error.value.problem.startswith(problem)
    assert "[Full text]" not in error.value.problem
    assert "[Date]" not in error.value.problem


def test_a_japanese_page_with_neither_title_nor_heading_names_its_title_field():
    raw = (CORPUS / "worldjpn_jpeu_19831101_ja.txt").read_text(encoding="utf-8")
    text = re.sub(r"\[文書名\][^\n]*", "[文書名]", raw)
    with pytest.raises(DocumentError) as error:
        parse_document(text.encode(), "x.txt")
    assert error.value.problem.startswith("no [文書名]")
    assert error.value.line == 5


def test_full_width_brackets_and_spacing_in_field_names():
    text = "[Title] T\n［Date］ 2005年7月5日\n［ 全文 ］\n\nText.\n"
    doc = parse_document(text.encode(), "x.txt")
    assert doc.date == D(2005, 7, 5)
    assert doc.labels["date"] == "Date" and doc.fields["Date"] == "2005年7月5日"
    assert [p.text for p in doc.paragraphs] == ["Text."]


def test_a_field_given_in_two_languages_is_a_duplicate():
    text = "[Title] A\n[文書名] B\n[Date] 2005-07-05\n[Full text]\nText.\n"
    with pytest.raises(DocumentError) as error:
        parse_document(text.encode(), "x.txt")
    assert error.value.line == 2
    assert error.value.problem == (
        "the [文書名] field appears twice (first on line 1 as [Title])"
    )


def test_line_breaks_inside_a_paragraph_are_kept():
    doc = parse("synthetic_month_en.txt")
    assert doc.paragraphs[0].text == "Article 1\nDefinitions"


def test_cjk_bullets_and_numbering_open_paragraphs_of_their_own():
    text = (
        "[Title] T\n[Date] 2006-06-15\n[Full text]\n"
        "前文\n・甲\n―乙\n－丙\n○丁\n●戊\n（１）己\n(2) 庚\n（三）辛\n"
        "- ascii\n継続行\n"
    )
    doc = parse_document(text.encode(), "x.txt")
    assert [p.text for p in doc.paragraphs] == [
        "前文",
        "・甲",
        "―乙",
        "－丙",
        "○丁",
        "●戊",
        "（１）己",
        "(2) 庚",
        "（三）辛",
        "- ascii\n継続行",
    ]
    listed = [Paragraph(text=p.text).is_list_item for p in doc.paragraphs]
    assert listed == [False, True, True, True, True, True, False, False, False, True]


def test_a_first_line_that_reads_as_a_sentence_is_not_taken_for_a_title():
    text = "[Date] 2006-06-15\n[Full text]\n\nThe Parties agree.\n\nMore.\n"
    with pytest.raises(DocumentError, match=r"no \[Title\]"):
        parse_document(text.encode(), "x.txt")


def test_a_header_less_file_without_the_banner_is_still_refused():
    text = "JOINT STATEMENT\nJuly 5, 2005\n\nThe Parties agree.\n"
    with pytest.raises(DocumentError, match=r"no \[Full text\] marker"):
        parse_document(text.encode(), "x.txt")


@pytest.mark.parametrize(
    ("spelling", "first", "precision", "end"),
    [
        ("July 5, 2005", D(2005, 7, 5), "day", None),
        ("5 July 2005", D(2005, 7, 5), "day", None),
        ("Tuesday, July 5, 2005", D(2005, 7, 5), "day", None),
        ("2005-07-05", D(2005, 7, 5), "day", None),
        ("June 2006", D(2006, 6, 1), "month", D(2006, 6, 30)),
        ("February 2008", D(2008, 2, 1), "month", D(2008, 2, 29)),
        ("2006", D(2006, 1, 1), "year", D(2006, 12, 31)),
        ("June 15-16, 2006", D(2006, 6, 15), "day", D(2006, 6, 16)),
        ("June 15–16, 2006", D(2006, 6, 15), "day", D(2006, 6, 16)),
        ("15-16 June 2006", D(2006, 6, 15), "day", D(2006, 6, 16)),
        ("June 30 - July 1, 2006", D(2006, 6, 30), "day", D(2006, 7, 1)),
        ("December 31, 2005 - January 2, 2006", D(2005, 12, 31), "day", D(2006, 1, 2)),
        ("June-July 2006", D(2006, 6, 1), "month", D(2006, 7, 31)),
        ("2006年6月15日", D(2006, 6, 15), "day", None),
        ("２００６年６月１５日", D(2006, 6, 15), "day", None),
        ("2006年6月", D(2006, 6, 1), "month", D(2006, 6, 30)),
        ("2006年", D(2006, 1, 1), "year", D(2006, 12, 31)),
        ("2006年6月15日～16日", D(2006, 6, 15), "day", D(2006, 6, 16)),
        ("2006年6月15-16日", D(2006, 6, 15), "day", D(2006, 6, 16)),
        ("2006年6月30日至7月1日", D(2006, 6, 30), "day", D(2006, 7, 1)),
        ("平成18年6月15日", D(2006, 6, 15), "day", None),
        ("平成元年1月8日", D(1989, 1, 8), "day", None),
        ("昭和47年9月29日", D(1972, 9, 29), "day", None),
    ],
)
def test_date_spellings_and_their_precision(spelling, first, precision, end):
    reading = read_date(spelling)
    assert (reading.first, reading.precision, reading.end) == (first, precision, end)
    doc = parse_document(
        f"[Title] T\n[Date] {spelling}\n[Full text]\nText.\n".encode(), "x.txt"
    )
    assert (doc.date, doc.date_precision, doc.date_end) == (first, precision, end)
    assert doc.date_last == (end or first)


@pytest.mark.parametrize(
    "spelling",
    [
        "sometime in June",
        "June 16-15, 2006",
        "2005-13-45",
        "2006年13月",
        "June 31, 2006",
    ],
)
def test_impossible_dates_are_not_read(spelling):
    assert read_date(spelling) is None


@pytest.mark.parametrize(
    ("place", "slug", "letters"),
    [
        ("Астана", "astana", "AST"),
        ("Ташкент", "tashkent", "TAS"),
        ("Бишкек", "bishkek", "BIS"),
        ("上海", "shanghai", "SHA"),
        ("北京", "beijing", "BEI"),
        ("ボン", "bon", "BON"),
        ("Zürich", "zurich", "ZUR"),
        ("-Astana-", "astana", "AST"),
    ],
)
def test_slugs_and_reference_letters_from_any_script(place, slug, letters):
    assert slug_base(place) == slug
    assert reference_letters(place) == letters


def test_without_a_place_the_title_gives_the_identifiers():
    assert slug_base("", "Joint Statement on Things") == "joint-statement-on-things"
    assert reference_letters("", "Joint Statement on Things") == "JST"
    assert slug_base("", "") == "declaration"
    assert reference_letters("", "!!!") == "DECL"


@settings(max_examples=200, deadline=None, database=None)
@given(st.text(max_size=40), st.text(max_size=40))
def test_identifiers_are_never_empty_and_never_start_with_a_dash(place, title):
    assert re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", slug_base(place, title))
    assert re.fullmatch(r"[A-Z]{1,4}", reference_letters(place, title))


@settings(max_examples=100, deadline=None, database=None)
@given(st.dates(D(1945, 1, 1), D(2100, 12, 31)), st.booleans())
def test_any_cjk_spelled_day_reads_back(day, full_width):
    spelling = f"{day.year}年{day.month}月{day.day}日"
    if full_width:
        spelling = spelling.translate(
            str.maketrans("0123456789", "０１２３４５６７８９")
        )
    reading = read_date(spelling)
    assert (reading.first, reading.precision, reading.end) == (day, "day", None)


@settings(max_examples=100, deadline=None, database=None)
@given(st.dates(D(1945, 1, 1), D(2100, 12, 31)), st.integers(1, 5))
def test_any_range_of_days_reads_back(first, length):
    last = first + datetime.timedelta(days=length)
    if (first.year, first.month) == (last.year, last.month):
        spellings = [
            f"{first:%B} {first.day}-{last.day}, {first.year}",
            f"{first.day}-{last.day} {first:%B} {first.year}",
            f"{first.year}年{first.month}月{first.day}日～{last.day}日",
        ]
    else:
        spellings = [f"{first:%B} {first.day}, {first.year} - {last:%B %-d, %Y}"]
    for spelling in spellings:
        reading = read_date(spelling)
        assert (reading.first, reading.last, reading.precision) == (first, last, "day")


@settings(max_examples=50, deadline=None, database=None)
@given(
    st.lists(
        st.text(
            st.characters(
                categories=["Lo"], min_codepoint=0x4E00, max_codepoint=0x9FFF
            ),
            min_size=1,
            max_size=30,
        ).map(lambda s: s + "。"),
        min_size=1,
        max_size=5,
    ),
    st.dates(D(1945, 1, 1), D(2100, 12, 31)),
)
def test_a_rendered_japanese_page_parses_back(paragraphs, day):
    fields = {
        "文書名": "共同声明",
        "場所": "東京",
        "年月日": f"{day.year}年{day.month}月{day.day}日",
        "出典": "外交青書",
        "備考": "",
    }
    text = render_document(
        banner=BANNER_JA,
        fields=fields,
        paragraphs=[(1, p) for p in paragraphs],
        marker="全文",
    )
    doc = parse_document(text.encode(), "ja.txt")
    assert [p.text for p in doc.paragraphs] == paragraphs
    assert (doc.title, doc.place, doc.date, doc.language) == (
        "共同声明",
        "東京",
        day,
        "ja",
    )
    assert doc.fields == fields
