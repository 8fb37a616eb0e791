from __future__ import annotations

from pathlib import Path

import pytest

from folio.documents import discover, inferred_type, load
from folio.errors import IngestError, Unavailable

DATA = Path(__file__).resolve().parents[1] / "data"
KNOWLEDGE = Path(__file__).resolve().parents[2] / "knowledge"


def _sections(folder: Path, name: str, text: str) -> list[tuple[tuple[str, ...], str]]:
    """A document written into `folder` and loaded: each section's heading path and text."""
    (folder / name).write_text(text, encoding="utf-8")
    return [(s.headings, s.text) for s in load(folder / name, folder).sections]


def test_markdown_front_matter_becomes_metadata() -> None:
    doc = load(KNOWLEDGE / "certifications.md", KNOWLEDGE)
    assert doc.source == "certifications.md"
    assert doc.doc_type == "certification"
    assert doc.url.startswith("https://")
    assert doc.tags
    assert all(section.text for section in doc.sections)


def test_the_rest_of_the_front_matter_is_facts_of_the_page(tmp_path: Path) -> None:
    page = (
        "---\ntitle: ringlog\ndoc_type: project\ntags: [c]\nlicence: MIT\nlanguage: C (C99)\n"
        "contributors: [Ada, Grace]\n---\n\n# ringlog\n\nA tiny logger.\n"
    )
    sections = _sections(tmp_path, "ringlog.md", page)
    # First, with no heading of its own: the page's title heads it, as it heads the opening lines.
    assert sections[0] == ((), "Licence: MIT\nLanguage: C (C99)\nContributors: Ada, Grace")
    assert not any("doc_type" in text.lower() or "Tags" in text for _, text in sections)
    assert load(tmp_path / "ringlog.md", tmp_path).title == "ringlog"


@pytest.mark.parametrize(
    ("source", "doc_type"),
    [
        ("projects/sorrel.md", "project"),
        ("project_selkie.md", "project"),
        ("cv.md", "resume"),
        ("talks_and_volunteering.txt", "talk"),
        ("notes/certifications.yaml", "certification"),
        ("notes/misc.md", "document"),
        ("blog-2023-latency-budgets.md", "blog"),
        ("now.md", "now"),
        ("experience.txt", "resume"),
        ("faq-contact.md", "faq"),
        ("case-studies/museum-kiosk.md", "project"),
        ("reference_letter_marchetti_2022.pdf", "reference"),
    ],
)
def test_a_document_without_a_doc_type_gets_one_from_its_name_or_folder(source: str, doc_type: str) -> None:
    assert inferred_type(source) == doc_type


def test_heading_paths_are_tracked_and_a_single_h1_is_the_title(tmp_path: Path) -> None:
    (tmp_path / "cv.md").write_text(
        "# Jane Doe\n\nIntro.\n\n## Work\n\n### Acme\n\nBuilt things.\n\n"
        "```\n# not a heading\n```\n\n## Skills\n\nPython."
    )
    doc = load(tmp_path / "cv.md", tmp_path)
    assert doc.title == "Jane Doe"
    assert [s.headings for s in doc.sections] == [(), ("Work", "Acme"), ("Skills",)]
    assert "# not a heading" in doc.sections[1].text


def test_underlined_headings_are_headings_in_markdown_and_plain_text(tmp_path: Path) -> None:
    (tmp_path / "talks.txt").write_text(
        "MY TALKS\n========\n\nConference talks\n----------------\n2023  Fog, cheaply\n\n"
        "# 1 is not a heading in plain text\n\n==========\nWRITING\n==========\nTwo guides.\n\n"
        "Course        ECTS   Grade\n--------------------------\nStatistics       6     8.5\n"
    )
    doc = load(tmp_path / "talks.txt", tmp_path)
    assert doc.title == "Talks"  # two top-level headings: neither is the title
    # A boxed heading's top rule is no text; a plain-text table's header row is no heading.
    assert [(s.headings, s.text) for s in doc.sections] == [
        (("MY TALKS", "Conference talks"), "2023  Fog, cheaply\n\n# 1 is not a heading in plain text"),
        (("WRITING",), "Two guides.\n\n| Course | ECTS | Grade |\n| --- | --- | --- |\n| Statistics | 6 | 8.5 |"),
    ]
    (tmp_path / "cv.md").write_text("Intro.\n\nWork\n----\n\n- Built things.\n\n---\n\nSkills\n===\nPython.")
    assert [s.headings for s in load(tmp_path / "cv.md", tmp_path).sections] == [(), ("Work",), ("Skills",)]


def test_plain_text_tables_are_read_as_tables(tmp_path: Path) -> None:
    (tmp_path / "transcript.txt").write_text(
        "MSc Statistics\n\n  Course                                   ECTS   Grade\n"
        "  ---------------------------------------  ----   -----\n"
        "  Statistical Learning Theory                5     9.5\n"
        "  Internship (Port of Lindmarsch analytics) 15     8.0\n"
        "  MSc thesis                                45     9.0\n"
        '    "Haplotype-aware k-mer counting"\n'
        "  ---------------------------------------\n"
        "  Total                                    65\n"
    )
    doc = load(tmp_path / "transcript.txt", tmp_path)
    assert doc.title == "MSc Statistics"
    text = doc.sections[0].text
    assert text.splitlines()[0:5] == [
        "| Course | ECTS | Grade |",
        "| --- | --- | --- |",
        "| Statistical Learning Theory | 5 | 9.5 |",
        "| Internship (Port of Lindmarsch analytics) | 15 | 8.0 |",
        '| MSc thesis "Haplotype-aware k-mer counting" | 45 | 9.0 |',
    ]
    assert text.endswith("Total                                    65")


def test_yaml_facts_are_rendered_as_readable_text() -> None:
    doc = load(KNOWLEDGE / "skills.yaml", KNOWLEDGE)
    text = "\n".join(s.text for s in doc.sections)
    assert "Name: Python" in text or "Name: Rust" in text
    assert "ClickHouse" in text
    assert "{" not in text


def test_pdf_text_is_extracted() -> None:
    doc = load(KNOWLEDGE / "reference-letter.pdf", KNOWLEDGE)
    assert "Tomas Ferreira-Sandvik" in doc.sections[0].text
    assert "|" not in doc.sections[0].text  # a letter has no table


def _pdf_text(kb: str, name: str) -> str:
    """The text of a PDF in a knowledge base of tests/data."""
    folder = DATA / kb
    return load(folder / name, folder).sections[0].text


def test_a_sentence_across_a_pdf_page_break_stays_whole() -> None:
    text = _pdf_text("kb_fifteenth", "ntnu-msc-transcript.pdf")
    assert "preparatory project in the third semester that normally leads into" in text
    # Justified lines' wide spaces are single.
    assert "The degree corresponds to the Norwegian title" in text


def test_a_pdf_table_in_aligned_columns_is_read_as_a_table() -> None:
    text = _pdf_text("kb_twelfth", "bootcamp_transcript.pdf")
    # Left-aligned names, right-aligned results, blank lines between some rows: one table.
    assert "| Module | Hours | Result |\n| --- | --- | --- |\n| M1 Testing fundamentals & test design | 40 |" in text
    assert "| M2 JavaScript & TypeScript for testers | 60 | Merit |" in text
    assert "| M7 Capstone project | 60 | Distinction |\n\nCapstone: an automated test framework" in text
    # The lines around it are paragraphs as before.
    assert "Learner: Rory Dunleavy\n\nLearner ID: TCA-22-0417" in text


def test_a_pdf_table_s_wrapped_cells_and_labels_between_rows() -> None:
    text = _pdf_text("kb_twentyeighth", "mpharm_transcript.pdf")
    # A title wrapped onto the next line stays in its cell; a label between rows parts the table.
    assert "| PH3003 | Pharmacokinetics and Therapeutic Drug Monitoring | 20 | 81 |" in text
    assert "audit | 40 | 78 |\n\nYear 4 average (credit-weighted): 72.7" in text
    assert "Year 4 (2013/14) - weighting 50%\n\n| Code | Module title | Credits | Mark |" in text


def test_pdf_fields_side_by_side_are_a_line_each() -> None:
    """Were read as a table ("| Programme: | MSc Machine Learning | Mode of study: | Full-time |") and
    the fields under the module table as its rows."""
    text = _pdf_text("kb_thirtyfifth", "msc-transcript.pdf")
    assert "Programme: MSc Machine Learning\n\nMode of study: Full-time" in text
    assert "| COMP0158 | MSc Machine Learning Dissertation | 3 | 60 | 81 | Pass |\n\nTotal credits awarded: 180" in text
    # A value wrapped under itself stays with its field; the next field starts anew.
    wrapped = "Dissertation: Differentiable Onset Detection for Low-Latency Rhythm Game Input Alignment"
    assert f"{wrapped}\n\nSupervisor:" in text


def test_a_pdf_table_whose_header_is_printed_wider_than_its_rows() -> None:
    """A bold header's columns sit right of its rows' cells: each row a cell a column, in order;
    a term's totals between the rows part the table, a title's colon is no field."""
    text = _pdf_text("kb_thirtysixth", "transcript_concordia_beng.pdf")
    assert "| COEN 421 | Embedded Systems Design | 4.00 | A+ | 17.20 |" in text
    row = "| COMP 248 | Object-Oriented Programming I | 3.50 | A+ | 15.05 |"
    assert f"{row}\n\nTerm credits: 15.00 Term GPA: 3.85" in text
    pharmacy = _pdf_text("kb_twentyeighth", "mpharm_transcript.pdf")
    assert "| PH2005 | Clinical Pharmacy I: Cardiovascular and Respiratory Disease | 20 | 72 |" in pharmacy


def test_a_plain_text_record_is_headed_by_its_name(tmp_path: Path) -> None:
    cv = (
        "TOM OYELARAN\nSenior ML Engineer\n\nEXPERIENCE\n\n"
        "Company: Tonvag AB (music streaming)\nTitle: Senior ML Engineer\nDates: Feb 2024 - present\n"
        "Highlights:\n  - Cut p95 latency.\n\nCompany: Korvid Studio\nTitle: Gameplay Programmer\n"
        "Dates: Apr 2018 - Aug 2022\n\nCompany: a sentence about companies, not a record.\n\n"
        "LANGUAGES\n\nPolish      native (bilingual household)\nYoruba      conversational\n"
        "Swedish     A2 (CEFR); B1 evening course,\n            finishes Dec 2026\n\n"
        "TALKS\n\nMar 2021   A talk on burn-rate alerts\nAug 2023   A talk on paved roads\n"
    )
    sections = dict(_sections(tmp_path, "cv.txt", cv))
    assert sections[("EXPERIENCE", "Tonvag AB (music streaming)")].startswith("Title: Senior ML Engineer\nDates:")
    assert sections[("EXPERIENCE", "Korvid Studio")].startswith("Title: Gameplay Programmer")
    # (A name's field over no other field is a line as it was, of the section again.)
    assert sections[("EXPERIENCE",)] == "Company: a sentence about companies, not a record."
    # Names and values aligned in a column are fields; a timeline's dates are not names.
    assert sections[("LANGUAGES",)] == (
        "Polish: native (bilingual household)\nYoruba: conversational\n"
        "Swedish: A2 (CEFR); B1 evening course, finishes Dec 2026"
    )
    assert sections[("TALKS",)].startswith("Mar 2021   A talk")


def test_a_plain_text_line_in_capitals_after_a_blank_line_is_a_heading(tmp_path: Path) -> None:
    cv = (
        "NOÉMIE HALTIWANGER-SATO\nStaff iOS Engineer · Montréal\n\nSUMMARY\nFormer cellist, now iOS.\n\n"
        "EXPERIENCE\n\nTessiture Inc. | Staff iOS Engineer | Montréal, QC | Jan 2023 – present\n  - Tech lead.\n\n"
        "CERTIFICATIONS & COURSES\n- IAAP CPACC, valid until Sep 2027\n"
    )
    sections = _sections(tmp_path, "resume.txt", cv)
    headings = [path for path, _ in sections]
    # Not the first line (the owner's name over the contact lines); a job's line of fields under its section.
    assert headings[0] == () and "NOÉMIE" in sections[0][1]
    assert ("SUMMARY",) in headings and ("CERTIFICATIONS & COURSES",) in headings
    assert ("EXPERIENCE", "Tessiture Inc. | Staff iOS Engineer | Montréal, QC | Jan 2023 – present") in headings


def test_tab_separated_lines_are_a_table(tmp_path: Path) -> None:
    rows = "2024-now\tSenior Platform Engineer\tSoutherly Risk\n2011-2015\tField Seismologist\tNorthlight\n"
    cv = f"SHORT CV\n\nyears\trole\temployer\n{rows}"
    text = _sections(tmp_path, "cv-short.txt", cv)[0][1]
    assert (
        "| years | role | employer |\n| --- | --- | --- |\n| 2024-now | Senior Platform Engineer | Southerly Risk |"
        in text
    )


def test_dot_leaders_join_a_label_to_its_value_and_an_indented_text_is_its_entry_s(tmp_path: Path) -> None:
    resume = (
        "Ada Quill\n\nEDUCATION\n\nLLB (Hons) ........ Sep 2008 - Jul 2012\nUniversity of Nairobi, Kenya\n"
        "  Second Class Honours (Upper Division).\n\nCERTIFICATIONS\n\nOSCP ... Mar 2021\n\n"
        "  b) Certified Professional in Accessibility (CPACC),\n     IAAP. Expired June\n     2022.\n\n"
        "SKILLS\n\nCode ........ Python, Go,\n              Rust\n"
    )
    sections = dict(_sections(tmp_path, "resume.txt", resume))
    entry = ("EDUCATION", "LLB (Hons): Sep 2008 - Jul 2012, University of Nairobi, Kenya")
    assert sections[entry] == "  Second Class Honours (Upper Division)."
    # A wrapped sentence is no entry's heading, nor is a value wrapped under its column.
    assert sections[("CERTIFICATIONS",)].startswith("OSCP: Mar 2021\n\n  b) Certified Professional")
    assert sections[("SKILLS",)] == "Code: Python, Go,\n              Rust"
    # Each entry over its own indented text, the one before it ending where the next begins.
    certs = (
        "Ada Quill\n\nCERTIFICATIONS\n\nOSCP ... Mar 2021\n  OffSec. No expiry.\nBSCP ... Apr 2023\n  PortSwigger.\n"
    )
    headed = dict(_sections(tmp_path, "certs.txt", certs))
    assert headed[("CERTIFICATIONS", "OSCP: Mar 2021")] == "  OffSec. No expiry."
    assert headed[("CERTIFICATIONS", "BSCP: Apr 2023")] == "  PortSwigger."


def test_tabs_that_align_columns_are_one_break_and_a_rule_is_no_row(tmp_path: Path) -> None:
    table = "Term\t\tCourse\t\t\tStudents\n----\t\t------\t\t\t--------\n"
    table += "Spring 2024\tML for Weather\t\t14\nAutumn 2024\tML for Weather (weekend)\t18\n"
    text = _sections(tmp_path, "teaching.txt", f"TEACHING\n\n{table}")[0][1]
    assert "| Term | Course | Students |\n| --- | --- | --- |\n| Spring 2024 | ML for Weather | 14 |" in text
    assert "----" not in text


def test_a_bold_employer_over_the_dates_of_each_title_held_there_heads_them(tmp_path: Path) -> None:
    cv = (
        "# CV\n\n## Experience\n\n**Velloro Payments B.V.** — Amsterdam\n"
        "Engineering Manager, October 2024 – present\n- Manage the QE team.\n\n"
        "Senior QA Engineer, March 2022 – September 2024\n- Built a Playwright framework.\n\n"
        "**Ladderline Commerce Ltd** — Lagos\nLead Test Engineer, January 2019 – February 2022\n"
    )
    sections = _sections(tmp_path, "cv.md", cv)
    velloro = dict(sections)[("Experience", "Velloro Payments B.V. — Amsterdam")]
    assert "Senior QA Engineer, March 2022" in velloro and "Ladderline" not in velloro
    assert ("Experience", "Ladderline Commerce Ltd — Lagos") in dict(sections)


def test_a_heading_with_an_aside_beside_the_front_matter_s_title_is_kept(tmp_path: Path) -> None:
    page = '---\ntitle: "Résumé – Damilare Akintola"\n---\n\n# Damilare ("Dare") Akintola\n\nQA engineer.\n'
    assert _sections(tmp_path, "resume.md", page)[0] == ((), 'Damilare ("Dare") Akintola\n\nQA engineer.')
    plain = "---\ntitle: FAQ\n---\n\n# Frequently asked questions\n\nThings people ask.\n"
    assert _sections(tmp_path, "faq.md", plain)[0] == ((), "Things people ask.")


def test_a_section_s_first_line_keeps_its_indent(tmp_path: Path) -> None:
    """A nested list that opens a section is still nested."""
    page = "# Certs\n\n## Current\n\n  - AWS, 2021\n  - GCP, 2022\n"
    assert _sections(tmp_path, "certs.md", page)[0][1] == "  - AWS, 2021\n  - GCP, 2022"


def test_an_html_line_break_ends_a_paragraph(tmp_path: Path) -> None:
    page = "# Ada\n\n**Senior Engineer** · Apr 2025 – present<br>\n**Engineer** · Feb 2023 – Mar 2025<br/>\n"
    sections = _sections(tmp_path, "cv.md", page)
    assert "<br" not in sections[0][1]
    assert "Apr 2025 – present\n\n**Engineer**" in sections[0][1]


@pytest.mark.parametrize(
    ("name", "reason"),
    [("broken.pdf", "broken.pdf"), ("bad-frontmatter.md", "front matter"), ("empty.md", "empty")],
)
def test_bad_files_are_reported_by_name(name: str, reason: str) -> None:
    with pytest.raises(IngestError) as caught:
        load(DATA / "bad" / name, DATA / "bad")
    assert name in caught.value.message
    assert reason in caught.value.message


def test_discover_skips_hidden_files_and_unknown_types(tmp_path: Path) -> None:
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "x.md").write_text("# x")
    (tmp_path / "notes.docx").write_bytes(b"PK")
    (tmp_path / "a.md").write_text("# a")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.txt").write_text("b")
    assert [p.relative_to(tmp_path).as_posix() for p in discover(tmp_path)] == ["a.md", "sub/b.txt"]


def test_missing_folder_is_unavailable(tmp_path: Path) -> None:
    with pytest.raises(Unavailable, match="cannot be found") as raised:
        discover(tmp_path / "nope")
    assert str(tmp_path) not in raised.value.message and str(tmp_path) in str(raised.value.internal)


def test_a_ruled_plain_text_table_is_cut_at_its_columns(tmp_path: Path) -> None:
    # Each column has its own dashes; a wrapped row continues in whichever columns it fills.
    (tmp_path / "talks.txt").write_text(
        "TALKS\n\nDATE     EVENT                  TITLE\n"
        "-------- ---------------------- --------------------\n"
        "2024-10  QA Eire Conference     Accessibility with\n"
        "         (online)               Playwright + axe\n"
        "2023-11  Cork Testers Meetup    From Titrations\n"
        "                                to Test Plans\n"
    )
    text = load(tmp_path / "talks.txt", tmp_path).sections[0].text
    assert text.splitlines()[0:4] == [
        "| DATE | EVENT | TITLE |",
        "| --- | --- | --- |",
        "| 2024-10 | QA Eire Conference (online) | Accessibility with Playwright + axe |",
        "| 2023-11 | Cork Testers Meetup | From Titrations to Test Plans |",
    ]


def test_a_bold_line_over_a_list_is_the_entry_s_heading(tmp_path: Path) -> None:
    cv = (
        "# CV\n\n## Experience\n\n**Caremesh Health** — Cork\n- Test Engineer II, Jan 2025 – present\n\n"
        "**Fernhill Digital**\n\n- Junior QA Analyst, 2023\n\n## Skills\n\n**Bold words** in a sentence.\n\n- pytest\n"
    )
    assert _sections(tmp_path, "cv.md", cv) == [
        (("Experience", "Caremesh Health — Cork"), "- Test Engineer II, Jan 2025 – present"),
        (("Experience", "Fernhill Digital"), "- Junior QA Analyst, 2023"),
        (("Skills",), "**Bold words** in a sentence.\n\n- pytest"),
    ]


def test_top_level_yaml_facts_are_the_opening_lines(tmp_path: Path) -> None:
    profile = "name: Ada Quill\nlocation: Cork, Ireland\nskills:\n  - Rust\nsince: 2023\n"
    assert _sections(tmp_path, "profile.yaml", profile) == [
        ((), "Name: Ada Quill\nLocation: Cork, Ireland\nSince: 2023"),
        (("Skills",), "- Rust"),
    ]


def test_plain_text_entries_over_lists_and_wiki_headings_are_headings(tmp_path: Path) -> None:
    resume = (
        "== EXPERIENCE ==\n\n"
        "Sessional Lecturer - University of Assiniboine\nJan 2020 - present (part-time)\n"
        "  - I teach COMP 3760 Mobile Application Development.\n\n"
        "Guest lectures:\n  - COMP 2150, Oct 2022\n\n"
        "Award: 2023 Teaching Excellence Award.\n\n"
        "A sentence that ends.\n  - a list under prose\n"
    )
    assert _sections(tmp_path, "resume.txt", resume) == [
        (
            ("EXPERIENCE", "Sessional Lecturer - University of Assiniboine, Jan 2020 - present (part-time)"),
            "  - I teach COMP 3760 Mobile Application Development.",
        ),
        (("EXPERIENCE", "Guest lectures"), "  - COMP 2150, Oct 2022"),
        # Past the label's list, the lines are the section's own again.
        (("EXPERIENCE",), "Award: 2023 Teaching Excellence Award.\n\nA sentence that ends.\n  - a list under prose"),
    ]


def test_an_employer_over_two_titles_heads_its_list(tmp_path: Path) -> None:
    resume = (
        "EXPERIENCE\n----------\nLumenhive Robotics, Edinburgh, UK\n"
        "Principal Embedded Engineer                 Apr 2025 – Present\n"
        "Staff Embedded Engineer                     Aug 2022 – Mar 2025\n"
        "  * Lead the firmware team (9 engineers).\n"
    )
    heading = (
        "Lumenhive Robotics, Edinburgh, UK, Principal Embedded Engineer Apr 2025 – Present, "
        "Staff Embedded Engineer Aug 2022 – Mar 2025"
    )
    assert _sections(tmp_path, "resume.txt", resume) == [
        (("EXPERIENCE", heading), "  * Lead the firmware team (9 engineers).")
    ]


def test_a_yaml_list_of_records_is_the_document_s_entries(tmp_path: Path) -> None:
    """Was skipped at ingest: "expected a mapping at the top level"."""
    certs = (
        "# status: active | expired\n"
        "- name: CKAD\n  status: active\n  credential_id: null   # TODO copy it from the portal\n"
        "- name: AWS ML Specialty\n  status: expired\n  issued: 2021-03-15\n"
    )
    assert _sections(tmp_path, "certs.yaml", certs) == [
        ((), "- Name: CKAD; Status: active\n- Name: AWS ML Specialty; Status: expired; Issued: 2021-03-15")
    ]
    for text in ("just a sentence\n", "[]\n"):
        (tmp_path / "odd.yaml").write_text(text, encoding="utf-8")
        with pytest.raises(IngestError, match=r"odd\.yaml: expected a mapping or a list"):
            load(tmp_path / "odd.yaml", tmp_path)


def test_an_employer_and_titles_underlined_over_a_list_head_it(tmp_path: Path) -> None:
    resume = (
        "EXPERIENCE\n----------\n\nSolvane Mobility -- Venissieux (Lyon), France\n"
        "Senior Firmware Engineer                        Sep 2019 - Feb 2022\n"
        "--------------------------------------------------------------------\n"
        "  * One of a team of six firmware engineers.\n  * Owned the bootloader.\n"
    )
    heading = "Solvane Mobility -- Venissieux (Lyon), France, Senior Firmware Engineer Sep 2019 - Feb 2022"
    assert _sections(tmp_path, "resume.txt", resume) == [
        (("EXPERIENCE", heading), "  * One of a team of six firmware engineers.\n  * Owned the bootloader.")
    ]


def test_a_numbered_line_in_capitals_is_a_heading_in_plain_text(tmp_path: Path) -> None:
    text = (
        "EDUCATION\n=========\nNotes kept for applications.\n\n1. BACHELOR OF DESIGN (BDes), INTERACTION DESIGN\n\n"
        "Graduation project: Quiet Interfaces.\n\n2. MSc, HUMAN-COMPUTER INTERACTION -- NOT COMPLETED\n\n"
        "I withdrew in 2021.\n\n3. Not a heading, a sentence.\n\nCERTIFICATIONS\n--------------\n- WAS, 2023\n"
    )
    # (The one underlined title is the document's.)
    assert _sections(tmp_path, "education.txt", text) == [
        ((), "Notes kept for applications."),
        (("BACHELOR OF DESIGN (BDes), INTERACTION DESIGN",), "Graduation project: Quiet Interfaces."),
        (("MSc, HUMAN-COMPUTER INTERACTION -- NOT COMPLETED",), "I withdrew in 2021.\n\n3. Not a heading, a sentence."),
        (("CERTIFICATIONS",), "- WAS, 2023"),
    ]


def test_a_yaml_comment_after_a_value_is_kept_with_it(tmp_path: Path) -> None:
    skills = (
        "# kept in YAML because I like things machine-checkable\n"
        "languages:\n  Java: no  # can read it in a code review\n  Python: daily\n"
        '  site: https://example.org/#about\n  motto: "a # in quotes"\n'
    )
    assert _sections(tmp_path, "skills.yaml", skills) == [
        (
            ("Languages",),
            "Java: no (can read it in a code review)\nPython: daily\nSite: https://example.org/#about\n"
            "Motto: a # in quotes",
        ),
    ]


def test_a_plain_text_file_s_first_line_over_its_text_is_its_title(tmp_path: Path) -> None:
    text = "Talks and Podcasts — Ada Quill\nLast updated: May 2025\n\nPyData 2023, Leeds. A talk.\n"
    (tmp_path / "talks.txt").write_text(text, encoding="utf-8")
    doc = load(tmp_path / "talks.txt", tmp_path)
    assert doc.title == "Talks and Podcasts — Ada Quill"
    assert doc.sections[0].text == "Last updated: May 2025\n\nPyData 2023, Leeds. A talk."
    # A sentence, a "Key: value" line or a line running on into the next is text, not a title.
    for first in ("I build firmware.", "Name: Ada Quill", "Ada Quill builds firmware and"):
        (tmp_path / "notes.txt").write_text(f"{first}\nfor weather stations.\n", encoding="utf-8")
        assert load(tmp_path / "notes.txt", tmp_path).title == "Notes", first


def test_a_yaml_expiry_of_null_is_one_that_never_expires(tmp_path: Path) -> None:
    """ "expires: null" (the file says "null = doesn't expire") is kept as "never"; any other
    field with nothing in it says nothing."""
    text = "ITIL 4 Foundation:\n  issued: 2020-01-17\n  expires: null\n  id: null   # lost the e-mail\n"
    sections = _sections(tmp_path, "certifications.yaml", text)
    body = "\n".join(text for _, text in sections)
    assert "Expires: never" in body and "Id" not in body, sections


def test_a_yaml_list_of_big_records_is_a_section_for_each(tmp_path: Path) -> None:
    """A JSON Resume's "work:": each job, with its highlights, a section named by its name (a chunk
    cut inside one still knows whose highlights it holds); camelCase keys read as words."""
    highlights = "".join(f"      - Shipped thing number {n} that took the whole team a quarter\n" for n in range(8))
    text = (
        "work:\n"
        f"  - name: Mareline Logistics\n    position: Senior Data Engineer\n    startDate: '2022-09'\n"
        f"    highlights:\n{highlights}"
        "  - name: Verskast\n    position: Data Engineer\n    startDate: '2020-06'\n    endDate: '2022-08'\n"
        "education:\n"
        "  - institution: Università di Torino\n    studyType: Master\n"
        "  - institution: Università di Torino\n    studyType: Bachelor\n"
    )
    sections = dict(_sections(tmp_path, "resume.yaml", text))
    assert "Start date: 2022-09" in sections[("Work", "Mareline Logistics")]
    assert "- Shipped thing number 7" in sections[("Work", "Mareline Logistics")]
    assert "End date: 2022-08" in sections[("Work", "Verskast")]  # the small one named like the others
    # Two records of one name stay lines of their list.
    assert "Institution: Università di Torino; Study type: Master" in sections[("Education",)]


def test_a_top_level_yaml_list_of_big_records_is_a_section_for_each(tmp_path: Path) -> None:
    """Was one section: a chunk cut inside the second record put its "Mode: full-time" under the first."""
    modules = "".join(f"    - Module number {n} of the programme, with a long title\n" for n in range(6))
    text = (
        f"- degree: MSc Software Engineering\n  institution: Calderbrook University\n  mode: part-time\n"
        f"  modules:\n{modules}"
        "- degree: B.Eng. Electrical Engineering\n  institution: Obafemi Awolowo University, Ile-Ife, Nigeria\n"
        "  mode: full-time\n"
    )
    sections = dict(_sections(tmp_path, "education.yaml", text))
    assert "Mode: part-time" in sections[("Calderbrook University",)]
    assert "Mode: full-time" in sections[("Obafemi Awolowo University, Ile-Ife, Nigeria",)]


def test_a_timeline_keeps_each_dated_entry(tmp_path: Path) -> None:
    """ "2017-09  left teaching" lines, a note indented under some: an entry each, not one paragraph."""
    from folio.answers.units import parse_units
    from folio.chunking import chunk_document

    entries = "".join(f"{2000 + n}-0{1 + n % 9}  moved to city number {n} for a new job there\n" for n in range(20))
    text = "TIMELINE\n\n2008-10  started the Laurea in Mathematics\n         moved from Asti to Turin\n" + entries
    (tmp_path / "timeline.txt").write_text(text, encoding="utf-8")
    chunks = chunk_document(load(tmp_path / "timeline.txt", tmp_path))
    units = [unit.text for chunk in chunks for unit in parse_units(chunk.text)]
    assert "2008-10 started the Laurea in Mathematics moved from Asti to Turin" in units, units[:4]
    assert "2019-02 moved to city number 19 for a new job there" in units, units[-3:]


def test_an_employer_over_a_blank_line_and_its_indented_titles_heads_each(tmp_path: Path) -> None:
    resume = (
        "Luana Ferraz\n\nEXPERIENCE\n\nVENTURA PAY - São Paulo, SP (hybrid)\n\n"
        "  Engineering Manager, Mobile Payments          Feb 2023 - Present\n"
        "  - Manage 7 engineers\n\n"
        "  Lead iOS Engineer                             Mar 2021 - Jan 2023\n"
        "  - Led the migration to SPM\n\n"
        "TAMARINDO MOBILIDADE - São Paulo, SP\n\n"
        "  Senior iOS Engineer                           Jul 2017 - Feb 2021\n"
        "  - Crash-free sessions 98.1% -> 99.7%\n"
    )
    paths = [headings for headings, text in _sections(tmp_path, "resume.txt", resume) if text]
    assert paths == [
        (
            "EXPERIENCE",
            "VENTURA PAY - São Paulo, SP (hybrid)",
            "Engineering Manager, Mobile Payments Feb 2023 - Present",
        ),
        ("EXPERIENCE", "VENTURA PAY - São Paulo, SP (hybrid)", "Lead iOS Engineer Mar 2021 - Jan 2023"),
        ("EXPERIENCE", "TAMARINDO MOBILIDADE - São Paulo, SP", "Senior iOS Engineer Jul 2017 - Feb 2021"),
    ]


def test_names_and_values_parted_by_an_aligned_dash_are_fields(tmp_path: Path) -> None:
    languages = "Luana Ferraz\n\nLANGUAGES\n\nPortuguese - native\nEnglish    - fluent (IELTS Academic 7.5)\n"
    assert _sections(tmp_path, "resume.txt", languages) == [
        (("LANGUAGES",), "Portuguese: native\nEnglish: fluent (IELTS Academic 7.5)")
    ]


def test_an_faq_kept_a_line_a_question_heads_each_answer(tmp_path: Path) -> None:
    faq = (
        "FAQ - things recruiters ask\n\nRelocation? - open to Lisbon or remote. Not looking to move to the US.\n"
        "Notice period? - 30 days\nPronouns? - she/her\n"
    )
    assert _sections(tmp_path, "faq.txt", faq) == [
        (("Relocation?",), "open to Lisbon or remote. Not looking to move to the US."),
        (("Notice period?",), "30 days"),
        (("Pronouns?",), "she/her"),
    ]


def test_a_pdf_in_two_columns_is_read_a_column_at_a_time() -> None:
    text = _pdf_text("kb_fortyfourth", "Amani_Mwangi_CV_2026.pdf").split("\n\n")
    # The left column (skills, languages) then the right (experience), not a line across both.
    assert "German - B2 (certified)" in text and "Senior Frontend Engineer 03/2025 - present" in text
    assert text.index("German - B2 (certified)") < text.index("Senior Frontend Engineer 03/2025 - present")
    # A CV's years in the margin are no column: each stays with its entry.
    entries = _pdf_text("kb_fortythird", "Roelofsma_CV_academic.pdf").split("\n\n")
    assert "2017 Research Intern (summer), Tonalis B.V., Eindhoven (NL)" in entries


def test_numbered_records_head_their_fields_and_a_field_is_no_underlined_title(tmp_path: Path) -> None:
    certs = (
        "CERTIFICATES -- Amani N. Mwangi\nlast updated: 14.08.2026\n==========================\n\n"
        "[1] Accessible Web Practitioner (AWP)\n    Issuer ........ Open Accessibility Guild\n"
        "    Valid until ... 07.03.2026\n"
    )
    assert _sections(tmp_path, "certificates.txt", certs)[-1] == (
        ("Accessible Web Practitioner (AWP)",),
        "    Issuer: Open Accessibility Guild\n    Valid until: 07.03.2026",
    )
