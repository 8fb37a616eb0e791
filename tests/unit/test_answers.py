"""The answer path's parts: question analysis, evidence units, follow-ups, grounding, wording; and
the extractive answer on a small knowledge base written here (real model, real index)."""

from __future__ import annotations

import asyncio
import shutil
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from folio.answering import Answer, Answerer
from folio.answers.conversation import answer_lines, follow_up
from folio.answers.evidence import mentions, settles
from folio.answers.grounding import grounded_reply
from folio.answers.question import Kind, analyse, two_questions
from folio.answers.text import covers, heading_stems, named_kinds, span_months, stem, stems
from folio.answers.units import parse_units, sentences, split_sentences
from folio.answers.writing import Writer
from folio.documents import reflow
from folio.index import Index
from folio.ingest import run_ingest
from folio.llm import LLMChain
from folio.retrieval import Retriever
from folio.sessions import Turn

if TYPE_CHECKING:
    from folio.embeddings import Embedder

OWNER = frozenset({"ada", "quill"})


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("When did she start at Corvid Analytics?", Kind.DATE),
        ("Which did she earn first, the Kubernetes certification or the Terraform one?", Kind.DATE),
        ("How many engineers are on her team?", Kind.NUMBER),
        ("What salary is she expecting?", Kind.NUMBER),
        ("Does she have a PhD?", Kind.YESNO),
        ("Has she won any awards?", Kind.LIST),
        ("At which venues has she published?", Kind.LIST),
        # A name before the noun says which one: not a list of "Kubernetes".
        ("Does she have any Kubernetes qualification?", Kind.YESNO),
        ("What projects has she built?", Kind.LIST),
        ("Which testing frameworks does she use?", Kind.LIST),
        ("Summarise her work experience.", Kind.SUMMARY),
        ("Who supervised her dissertation?", Kind.PERSON),
        ("Where is she based?", Kind.PLACE),
        ("Which city was she based in while working for the bank?", Kind.PLACE),
        ("What is her favourite colour?", Kind.FACT),
    ],
)
def test_the_kind_of_answer_asked_for(question: str, kind: Kind) -> None:
    assert analyse(question).kind is kind


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Can you summarise her career so far?", Kind.SUMMARY),
        ("Could you tell me where she works?", Kind.PLACE),
        ("Do you know if she has a PhD?", Kind.YESNO),
        ("Would you list her projects?", Kind.LIST),
        ("Can she speak French?", Kind.YESNO),
    ],
)
def test_a_request_is_read_for_the_question_inside_it(question: str, kind: Kind) -> None:
    assert analyse(question).kind is kind


def test_a_condition_before_the_question_is_set_aside() -> None:
    q = analyse("If we made her an offer, when could she start?")
    assert q.kind is Kind.DATE and q.terms == ("start", stem("available"))
    assert stem("notice") == stem("available")  # a notice period says when she is available


def test_a_second_question_after_and_is_found() -> None:
    assert two_questions("What grade did her thesis get, and how many credits was it worth?") == (
        "What grade did her thesis get",
        "How many credits was it worth?",
        True,
    )
    assert two_questions("Where did she study and what did she study?") == (
        "Where did she study",
        "What did she study?",
        False,
    )
    assert two_questions("Does she know Rust and Go?") is None
    # A second question may open with a preposition.
    assert two_questions("What degree did she get from Strathclyde, and with what grade?") == (
        "What degree did she get from Strathclyde",
        "With what grade?",
        False,
    )


def test_what_leads_into_a_question_is_set_aside() -> None:
    assert analyse("And when did it ship?").kind is Kind.DATE
    assert analyse("We have an opening in Lisbon - would she move?").text == "Would she move?"
    assert analyse("What is the name of her cat?").named


def test_what_a_question_leaves_out_compares_or_calls_a_name() -> None:
    besides = analyse("Which languages does she speak besides English?")
    assert besides.excluded == ("english",) and besides.entities == () and "english" not in besides.terms
    assert analyse("How do Quietlane and Gannet compare in latency?").sides == (("quietlan",), ("gannet",))
    assert analyse("How much power does the Gannet module draw?").heads == (("gannet", "modul"),)
    assert analyse("What is the name of the rowing club he belongs to?").compounds == (("row", "club"),)
    assert analyse("Which course gave her the idea?").compounds == ()
    assert analyse("How long does a charge last?").duration
    assert "faster" not in analyse("How much faster did it boot?").terms
    assert "peopl" in analyse("How many people took part in the trial?").terms


def test_names_codes_and_counted_nouns_are_found() -> None:
    q = analyse("How many bird species can Sorrel recognise?")
    assert q.entities == ("sorrel",) and q.quantity == "speci" and q.count
    assert analyse("What was her student number at Vestmark?").quantity == "student number"
    assert analyse("What is the p95 latency of Larkspur?").entities == ("p95", "larkspur")
    assert analyse("Where does Ada Quill work?", owner_words=OWNER).entities == ()
    sides = analyse("Which of her projects gets more downloads, Sorrel or Riptide?").sides
    assert sides == (("sorrel",), ("riptid",))
    # A comparison asked before a colon keeps its two sides for what follows it.
    weighed = analyse("Compare Saltmarsh and Beacon: which company was each one at?").sides
    assert weighed == (("saltmarsh",), ("beacon",))
    compared = analyse("How does her job at Lumenhive compare with what she did at Fieldrow?").sides
    assert compared == (("lumenhiv",), ("fieldrow",))
    assert analyse("How accurate is it?").degree == "accurat"
    # Salary expectations are an amount, not a list; venture funding is money.
    assert analyse("What are his salary expectations?").kind is Kind.NUMBER
    assert analyse("What is her expected compensation?").quantity == stem("salary")
    assert analyse("How much venture funding has Kestrelpay raised?").quantity == stem("funding")
    # "How much does X pay her?" asks an amount of money.
    assert analyse("How much does Plinthwork pay him?").quantity == stem("salary")
    assert analyse("How much does she charge per day?").quantity == stem("fee")
    # "Built on", "runs on": what it is built with.
    assert analyse("What tech was it built on?").terms == ("stack",)
    assert analyse("What does it run on?").terms == ("stack",)
    # Short words typed fast are read as meant.
    assert analyse("wat talk did she giv at GDC").terms == ("talk", "gdc")
    # The name asked of one of two things: "the owner or head chef".
    assert analyse("What was the name of the owner or head chef she worked for?").name_of == "owner"


@pytest.mark.parametrize("text", ["Experience?", "more?", "any more?", "go on", "Projects", "What is it?", "hmm..."])
def test_vague_input_is_recognised(text: str) -> None:
    assert analyse(text).vague


def test_questions_with_something_to_lean_on_are_not_vague() -> None:
    assert not analyse("What projects has she built?").vague
    assert not analyse("Tell me about Ledgerline").vague
    assert not analyse("Tell me about her", owner_words=OWNER).vague
    # "Any publications?" asks whether there are any, and which.
    assert not analyse("Any publications?").vague and analyse("Any publications?").kind is Kind.LIST


def test_units_keep_their_structure() -> None:
    text = (
        "Resume > Work History > Engineer — Acme (May 2020 – present)\n\n"
        "Acme builds rockets. Dr. Imogen Farrow-Kite leads it.\n\n"
        "- **Team size:** 7 engineers\n"
        "- Cut costs by 31%.\n\n"
        "| Course | Grade |\n|---|---|\n| Databases | A- |\n\n"
        "## Languages\n"
        "Spoken:\n"
        "  - English\n"
    )
    units = parse_units(text)
    kinds = [(u.kind, u.text) for u in units]
    assert kinds[0] == ("heading", "Engineer — Acme (May 2020 – present)")
    assert ("sentence", "Dr. Imogen Farrow-Kite leads it.") in kinds
    assert ("pair", "Team size: 7 engineers") in kinds and ("item", "Cut costs by 31%.") in kinds
    assert ("row", "Course: Databases; Grade: A-") in kinds
    english = next(u for u in units if u.text == "English")
    assert english.path[-2:] == ("Languages", "Spoken")
    pair = next(u for u in units if u.kind == "pair")
    assert pair.key == "Team size" and pair.embed_text.startswith("Engineer — Acme")
    # A sentence before a colon is no key: the honours stay with the degree above them.
    degree = parse_units("CV > Education\n\n**BSc Physics** — Leeds, 2012–2016\nFirst-class honours. Thesis: Fog.\n")
    assert [(u.kind, u.text) for u in degree[1:]] == [
        ("sentence", "BSc Physics — Leeds, 2012–2016 First-class honours."),
        ("sentence", "Thesis: Fog."),
    ]
    # A paragraph that opens with a phrase and a colon is prose, read sentence by sentence.
    letter = parse_units(
        "Cover letter\n\nOn the practical side: I am a German citizen. My notice period is three months. "
        "I can start in June.\n\nNotes: Renewed twice. Paid by the company. Kept current.\n"
    )
    assert ("sentence", "My notice period is three months.") in [(u.kind, u.text) for u in letter]
    assert ("pair", "Notes: Renewed twice. Paid by the company. Kept current.") in [(u.kind, u.text) for u in letter]


def test_a_line_broken_at_a_words_hyphen_is_joined_without_a_space() -> None:
    text = "Sorrel\n\nIt is not comparable to the variant-\ncalling F1 numbers.\n\n- a long-\n  running job\n"
    units = parse_units(text)
    texts = [u.text for u in units]
    assert "It is not comparable to the variant-calling F1 numbers." in texts and "a long-running job" in texts
    joined = reflow("I have worked on the variant-\ncalling pipeline.")
    assert joined == "I have worked on the variant-calling pipeline."


def test_wrapped_list_items_and_dated_lines_stay_whole() -> None:
    text = (
        "CV > Experience > Tidewater\n\n*Staff Engineer* · March 2023 – present\n*Senior Engineer* · July 2021 – "
        "February 2023\n\n- Led the platform team that runs the compute,\n  CI/CD and observability stack.\n"
        "- Shares the on-call rotation."
    )
    assert [(u.kind, u.text) for u in parse_units(text)][1:] == [
        ("sentence", "Staff Engineer · March 2023 – present"),
        ("sentence", "Senior Engineer · July 2021 – February 2023"),
        ("item", "Led the platform team that runs the compute, CI/CD and observability stack."),
        ("item", "Shares the on-call rotation."),
    ]


def test_sentences_are_not_cut_at_initials_or_titles() -> None:
    assert sentences("See M. Okonkwo and H. Aldsvärd, pp. 31. Then Prof. Lee spoke.") == [
        "See M. Okonkwo and H. Aldsvärd, pp. 31.",
        "Then Prof. Lee spoke.",
    ]
    # A degree's abbreviation does not end its line either.
    assert sentences("M.Sc. Computer Science - University of Assiniboine. B.Eng. Civil, 2011.") == [
        "M.Sc. Computer Science - University of Assiniboine.",
        "B.Eng. Civil, 2011.",
    ]
    # A closing quote stays with its sentence, and a quoted title that asks keeps its date.
    assert sentences('She said "no." Then left. Malmö — "Who Pays?" (22 April 2021). A talk.') == [
        'She said "no."',
        "Then left.",
        'Malmö — "Who Pays?" (22 April 2021).',
        "A talk.",
    ]


def test_doctors_hold_no_phd_but_a_doctor_of_philosophy_does() -> None:
    assert "phd" not in stems("how we dealt with locum doctors") | named_kinds("how we dealt with locum doctors")
    assert "phd" in named_kinds("A thesis submitted for the degree of Doctor of Philosophy")
    assert stem("LLB") == stem("bachelor")


def test_a_measure_is_its_number_and_a_decimal_is_one_number() -> None:
    asked = analyse("By how much did RampCast improve CRPS at the 6-hour horizon?")
    assert {"6", "hour"} <= set(asked.terms) and "6-hour" not in asked.entities, asked
    assert stems("Baseline CRPS: 12.6") == {"baselin", "crp", "12.6"}
    # Employees are counted as people, not as employers.
    assert analyse("How many employees does Meridia Health have?").quantity == stem("people")


def test_a_nested_item_is_about_the_items_above_it() -> None:
    text = (
        "CV > Experience\n\n"
        "- **Vindkast ApS**, Copenhagen\n"
        "  - **Lead Data Scientist** (Jan 2025 – present)\n"
        "    - Lead the forecasting team of 6.\n"
        "  - **Senior Data Scientist** (Mar 2023 – Dec 2024)\n"
        "- **University of Reading**\n"
        "  - ~~Expires: 14 Apr 2023~~ — **EXPIRED**\n\n"
        "Text after the list.\n"
    )
    units = {u.text: u.path[2:] for u in parse_units(text)}
    lead = ("Vindkast ApS, Copenhagen", "Lead Data Scientist (Jan 2025 – present)")
    assert units["Lead the forecasting team of 6."] == lead
    assert units["Senior Data Scientist (Mar 2023 – Dec 2024)"] == ("Vindkast ApS, Copenhagen",)
    # A struck-through line reads as its words; the text after a list is the section's again.
    assert units["Expires: 14 Apr 2023 — EXPIRED"] == ("University of Reading",)
    assert units["Text after the list."] == ()


def test_pdf_lines_are_reflowed_into_paragraphs() -> None:
    page = (
        "Acme Ltd, Gothenburg\n14 October 2024\n"
        "I have worked with Ada for six years and she has led every platform project we ran\n"
        "with care, and I recommend her warmly to anyone looking for a staff engineer.\n"
        "Sincerely,\nBo Lind"
    )
    assert reflow(page).split("\n\n") == [
        "Acme Ltd, Gothenburg",
        "14 October 2024",
        "I have worked with Ada for six years and she has led every platform project we ran with care, "
        "and I recommend her warmly to anyone looking for a staff engineer.",
        "Sincerely,",
        "Bo Lind",
    ]
    # A short line in sentence case between a finished line and a sentence is a heading; a field of
    # many values goes on over the lines that give them.
    transcript = (
        "Supervisors: Professor Helen Ashworth (Meteorology)\nDr Tomasz Wielgosz (Meteorology)\n"
        "Final classification: Master of Science in Software Engineering with Merit and more words\n"
        "Notes on marking\nMarks are percentages. The pass mark for each module is 50 and no module\n"
        "was condoned."
    )
    assert reflow(transcript).split("\n\n")[:3] == [
        "Supervisors: Professor Helen Ashworth (Meteorology); Dr Tomasz Wielgosz (Meteorology)",
        "Final classification: Master of Science in Software Engineering with Merit and more words",
        "Notes on marking",
    ]
    # A CV's entries by their year in the margin start anew, however long the line before.
    appointments = (
        "2019–2021 Postdoctoral Fellow, SALT Lab, University of Kestrel Bay, Halifax, NS (PI: M. Déry-Halloran)\n"
        "2017 Research Intern (summer), Tonalis B.V., Eindhoven (NL)\n"
        "2014–2019 PhD Candidate, Dept. of Language Science, IJssel University, and a teaching assistant in\n"
        "2016 and 2017 for the first-year course.\n"
    )
    assert reflow(appointments).split("\n\n") == [
        "2019–2021 Postdoctoral Fellow, SALT Lab, University of Kestrel Bay, Halifax, NS (PI: M. Déry-Halloran)",
        "2017 Research Intern (summer), Tonalis B.V., Eindhoven (NL)",
        "2014–2019 PhD Candidate, Dept. of Language Science, IJssel University, and a teaching assistant in "
        "2016 and 2017 for the first-year course.",
    ]


def test_follow_ups_lean_on_the_conversation_topic() -> None:
    history = [Turn("Tell me about the Larkspur feature store", "a"), Turn("What was its p99 latency?", "b")]
    turn = follow_up(
        "Which languages was it written in?", analyse("Which languages was it written in?"), history, analyse
    )
    assert turn.search == "Tell me about the Larkspur feature store Which languages was it written in?"
    assert turn.topic == ("larkspur",)
    standalone = follow_up("Where did she study?", analyse("Where did she study?"), history, analyse)
    assert standalone.search == "Where did she study?" and standalone.topic == ()


def test_a_degree_asked_about_is_the_topic_of_the_next_turn() -> None:
    history = [Turn("What did he study for his master's?", "From Dare's documents: MSc Software Engineering [1]")]
    turn = follow_up("Was it full-time?", analyse("Was it full-time?"), history, analyse)
    assert turn.topic == ("msc",), turn


def test_more_repeats_the_topic_and_skips_what_was_shown() -> None:
    history = [
        Turn("Tell me about Ledgerline", "From Ada's documents:\n- It attributes costs. [1]\n- It runs daily. [2]")
    ]
    turn = follow_up("more?", analyse("more?"), history, analyse)
    assert turn.question == "Tell me about Ledgerline" and turn.shown == {"It attributes costs.", "It runs daily."}
    assert answer_lines("From Ada's documents: Built Riptide. [1]") == ["Built Riptide."]


@pytest.mark.parametrize(
    "reply",
    [
        "She has an A-.",
        "She has an A- [99].",
        "The sources do not mention her grade [1].",
        "I don't have that in my documents.",
        "There is no information about that in the sources [2].",
    ],
)
def test_llm_replies_without_grounding_are_refused(reply: str) -> None:
    assert grounded_reply(reply, 5) is None


def test_a_cited_llm_reply_is_kept_with_its_sources_renumbered() -> None:
    assert grounded_reply("She got an A- [3], per the transcript [3][5].", 5) == (
        "She got an A- [1], per the transcript [1][2].",
        [3, 5],
    )


@pytest.mark.parametrize(
    ("line", "asked", "verdict"),
    [
        ("Relocation: not looking to relocate", ("relocat",), "No"),
        ("Recruiters: please do not send frontend or pure management roles.", ("frontend", "rol"), "No"),
        ("Azure years: 0", ("azur",), "No"),
        # A master's is a degree: no master's says no to a degree.
        ("I don't have a master's.", ("degre",), "No"),
        ("Riptide is an open-source library for backpressure.", ("riptid", "open", "sourc"), "Yes"),
        ("I would hire her again without hesitation for any Staff role.", ("availabl", "new", "rol"), ""),
        # "without" says no to what follows it, not to what comes after a preposition.
        ("I would hire her again without hesitation for any Staff role.", ("staf", "rol"), "Yes"),
        ("She can work in the UK without a visa.", ("visa",), "No"),
        # Saying the opposite too settles nothing: full-time work, a part-time degree.
        ("While working full-time I did an MSc online and part-time.", ("ful", "tim"), ""),
        ("Mode: full-time", ("ful", "tim"), "Yes"),
    ],
)
def test_yes_or_no_only_when_the_line_settles_it(line: str, asked: tuple[str, ...], verdict: str) -> None:
    assert settles(line, asked) == verdict


def test_a_span_is_measured_from_its_first_date_to_its_last() -> None:
    assert span_months("March 2018 to August 2022 · Dundee") == 53
    assert span_months("Jul 2016 – Feb 2018") == 19
    assert span_months("2012–2016") == 48
    assert span_months("Shipped in 2021") is None
    assert covers("Mar 2019 – Jul 2022", 2020) and not covers("Mar 2019 – Jul 2022", 2023)


def test_wrapped_records_and_sentences_after_titles_stay_whole() -> None:
    units = parse_units("## Facts\n\n- **Team:** 4 people — me and two\n  ML engineers\n- **Stack:** Rust")
    assert [u.text for u in units] == ["Team: 4 people — me and two ML engineers", "Stack: Rust"]
    text = "Her research, supervised by Prof. Sara Lind, won a prize. It ran for three years."
    assert split_sentences(text) == [
        "Her research, supervised by Prof. Sara Lind, won a prize.",
        "It ran for three years.",
    ]


def test_words_are_read_in_urls_and_idioms() -> None:
    assert {"github", "github.com"} <= stems("Repo: github.com/ada/wren — 1,400 stars")
    assert stem("hobbies") in heading_stems("Off the clock")
    assert stem("hobbies") not in heading_stems("Clock design")
    # A country is met by the adjective of its people.
    assert stem("Sweden") == stem("Swedish") and stem("Germany") == stem("German") != stem("Sweden")


def test_answers_speak_of_the_owner_by_name() -> None:
    assert Writer("Ada Quill").possessive == "Ada's"
    assert Writer("James Okafor").possessive == "James'"
    assert Writer("the site owner").possessive == "the site owner's"
    assert Writer("Ada Quill").refusal(None, None).startswith("I don't have that in Ada's documents.")


KB = {
    "notes.md": """---
title: "Notes"
doc_type: about
---

I keep bees on an allotment in Cardiff. My hives produced 40 kg of honey in 2023, and I sell it at the
Roath market. I have also written two short guides for beginners. At home I have a cat called Pixel.
""",
    "resume.md": """---
title: "Resume — Ada Quill"
doc_type: resume
---

# Ada Quill — Resume

Based in: Cardiff, Wales (GMT/BST)

## Experience

### Principal Engineer — Nimbus Robotics (June 2021 – present)

- Leads a team of 9 engineers building warehouse robots.
- Cut the robots' energy use by 22% and their power draw by 15%.

### Engineer — Harbour Bank (March 2015 – May 2021)

- Built the payments ledger in Java.

## Education

### BSc Physics — Rivermouth University (2011 – 2015)

- Graduated with first-class honours; dissertation on chaotic pendulums.
- Dissertation: Chaotic pendulums, cheaply
""",
    "wren.md": """---
title: "Wren — a weather station"
doc_type: project
---

The Wren station is a solar-powered weather station I built in 2022. The parts for one station cost
about £45, and it runs for 30 days on one charge.

## Firmware

Stack: ESP32, Rust, a LiFePO4 battery

Its battery life was measured on 3 stations in May 2023. A rewrite in March 2023 took its battery
life from 12 days to 30 days.
""",
    "skills.yaml": """title: Skills
doc_type: skills
programming_languages:
  - name: Rust
    years: 6
  - name: Java
    years: 9
spoken_languages:
  - Welsh
  - English
hobbies:
  - climbing
  - beekeeping
""",
    "talks.txt": """TALKS AND WRITING
=================

Talks
-----
2022  "Bees and backpressure"
      FOSDEM 2022, main track, 30 min.

2023  "Queues you can reason about"
      Cardiff Go meetup, lightning talk.

Writing
-------
Two short guides to beekeeping for beginners.
""",
    "papers.md": """# Publications

| Year | Venue | Title |
|------|-------|-------|
| 2021 | ICML | Pendulums at scale |
| 2023 | KDD | Bees in the loop |
""",
    "certifications.yaml": """certifications:
  - name: Kubernetes Administrator (CKA)
    issued: 2021-03-01
    expires: 2024-03-01
    status: expired
  - name: Terraform Associate
    issued: 2023-05-02
    status: active
""",
}


def _answerer(root: Path, embedder: Embedder, files: dict[str, str]) -> Answerer:
    """Ada Quill's documents, written into `root` and indexed there, with no LLM."""
    for name, text in files.items():
        (root / name).write_text(text, encoding="utf-8")
    index = Index(str(root / ".index"))
    run_ingest(root, index, embedder)
    return Answerer(Retriever(index, embedder), LLMChain([]), owner="Ada Quill")


def _answerer_of(root: Path, embedder: Embedder, kb: str, owner: str, names: tuple[str, ...] = ()) -> Answerer:
    """Someone's documents from tests/data (`names` of them, or all), indexed in `root`, with no LLM."""
    folder = Path(__file__).resolve().parents[1] / "data" / kb
    for path in folder.iterdir():
        if path.is_dir() and not names:
            shutil.copytree(path, root / path.name)
        elif not names or path.name in names:
            (root / path.name).write_bytes(path.read_bytes())
    index = Index(str(root / ".index"))
    run_ingest(root, index, embedder)
    return Answerer(Retriever(index, embedder), LLMChain([]), owner=owner)


@pytest.fixture(scope="module")
def small_kb(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> Answerer:
    return _answerer(tmp_path_factory.mktemp("kb"), embedder, KB)


def _ask(answerer: Answerer, question: str, today: date | None = None) -> Answer:
    return asyncio.run(answerer.answer(question, today=today))


def _asked_of(root: Path, embedder: Embedder, files: dict[str, str], question: str) -> str:
    """The answer's text to one question about Ada's documents `files`."""
    return _ask(_answerer(root, embedder, files), question).text


@pytest.mark.parametrize(
    ("question", "expected", "absent"),
    [
        ("When did she start at Nimbus Robotics?", ["June 2021"], ["March 2015"]),
        ("How many engineers does she lead?", ["9 engineers"], []),
        ("Which spoken languages does she know?", ["Welsh", "English"], ["Rust"]),
        ("How many years of Rust does she have?", ["Years: 6"], ["Years: 9"]),
        ("Summarise her work experience.", ["Nimbus Robotics", "Harbour Bank"], []),
        ("What are her skills?", ["Programming languages: Rust, Java", "Spoken languages: Welsh, English"], []),
        ("What was her dissertation about?", ["pendulums"], []),
        # A work history's entries answer job questions, in time order when one is asked for.
        ("Where does she work at the moment, and what's her job title?", ["Principal Engineer — Nimbus"], []),
        ("What was her first job?", ["Engineer — Harbour Bank"], ["Nimbus"]),
        ("Where does she work?", ["Nimbus Robotics"], ["Harbour Bank"]),
        ("What did she work on at Harbour Bank?", ["payments ledger"], []),
        ("Can you summarise her career so far?", ["Nimbus Robotics", "Harbour Bank"], []),
        ("Give me a quick summary of Ada's career.", ["Nimbus Robotics", "Harbour Bank"], []),
        # A qualified career: the entries it names.
        ("Summarise her banking career.", ["Harbour Bank"], ["Nimbus"]),
        ("What do the parts for one Wren station cost?", ["£45"], []),
        ("How long does the Wren station run on one charge?", ["30 days"], []),
        ("Which spoken languages does she know besides English?", ["Welsh"], ["English"]),
        # A record's field under the asked key; the container's own records before its sub-sections.
        ("When does her CKA certification expire?", ["2024-03-01"], ["2021-03-01"]),
        ("Which of her certifications are still active?", ["Terraform"], ["CKA"]),
        # What leads into a question is not the question.
        ("And when did she start at Harbour Bank?", ["March 2015"], ["June 2021"]),
        ("What does she get up to outside of work?", ["climbing", "beekeeping"], []),
        ("What is the name of her cat?", ["Pixel"], []),
        # A change is answered by its before and after, and a year is no amount.
        ("By how much did the Wren station's battery life improve?", ["from 12 days to 30 days"], ["3 stations"]),
        # "start and leave" asks for the range; "degree" is what a BSc is; "go to" asks nothing.
        ("When did she start and when did she leave Harbour Bank?", ["March 2015 – May 2021"], []),
        ("What degree does she have?", ["BSc Physics"], []),
        ("Where did she go to university?", ["Rivermouth University"], []),
        # Entries written as paragraphs under an underlined plain-text heading are a list's items.
        ("Has she spoken at any conferences?", ["Bees and backpressure", "Queues you can reason about"], []),
        # "built with" asks for the stack; "use" asks nothing the noun does not; a name's parts
        # ("Wren-2") are not the asked attribute; "the title of" a thing is its name.
        ("What was the Wren station built with?", ["ESP32"], []),
        ("What battery did the Wren station use?", ["LiFePO4"], []),
        ("What was the title of her dissertation?", ["Chaotic pendulums, cheaply"], []),
        # The field of the records that the listed noun names; a preposition before "which".
        ("At which venues has she published?", ["- ICML [1]", "- KDD [1]"], []),
        # A time zone is written as its abbreviation.
        ("Which time zone is she in?", ["GMT/BST"], []),
        # A comparison of how long: each side's span, the longer first.
        (
            "Which job did she hold longer, Nimbus or Harbour Bank?",
            ["Harbour Bank (March 2015 – May 2021)", "Nimbus Robotics (June 2021 – present)"],
            [],
        ),
    ],
)
def test_extractive_answers_hold_the_asked_fact(
    small_kb: Answerer, question: str, expected: list[str], absent: list[str]
) -> None:
    answer = _ask(small_kb, question)
    assert answer.grounded and answer.provider == "extractive", answer.text
    assert answer.text.startswith("From Ada's documents:")
    assert all(fact in answer.text for fact in expected), answer.text
    assert not any(fact in answer.text for fact in absent), answer.text
    cited = {int(part.split("]")[0]) for part in answer.text.split("[")[1:]}
    assert cited == {s.n for s in answer.sources}


@pytest.mark.parametrize(
    "question",
    [
        "What is her date of birth?",
        "What salary is she expecting?",
        "What was her GPA?",
        "When did she start at Harbour Bank's Oslo office?",
        "How many engineers did she lead at Harbour Bank?",
        "Who is the CEO of Nimbus Robotics?",
        # Wren's line has numbers, but none is a power draw: the words are used elsewhere.
        "How much power does the Wren station draw?",
        "What was the budget for the Wren project?",
        # Her Terraform record has an issue date, not an expiry.
        "When does her Terraform certification expire?",
        # The documents give the year she built the Wren station, not the month.
        "In which month of 2022 did she build the Wren station?",
        # She climbs; no gym is named. Cardiff is in the documents, the weather is not.
        "What is the name of the climbing gym she goes to?",
        "Which climbing club is she a member of?",
        "What's the weather like in Cardiff today?",
        # The documents never speak of anyone mentoring her.
        "Who mentored her at Harbour Bank?",
    ],
)
def test_near_misses_are_refused(small_kb: Answerer, question: str) -> None:
    answer = _ask(small_kb, question)
    assert not answer.grounded and answer.sources == [], answer.text
    assert answer.text.startswith("I don't have that in Ada's documents.")


def test_a_section_named_by_an_idiom_answers_what_it_names(tmp_path: Path, embedder: Embedder) -> None:
    about = (
        "# About Ada\n\nI write firmware for weather stations.\n\n## Away from the keyboard\n\n"
        "I sail on Sundays. I also bake sourdough for the neighbours.\n\n## What I'm not interested in\n\n"
        "Crypto projects, and roles that are pure people management.\n"
    )
    answerer = _answerer(tmp_path, embedder, {"about.md": about})
    answer = _ask(answerer, "What does she do in her free time?")
    assert "sail on Sundays" in answer.text and "sourdough" in answer.text, answer.text
    assert "Crypto" not in answer.text


def test_the_work_history_answers_job_questions_wherever_retrieval_looked(tmp_path: Path, embedder: Embedder) -> None:
    resume = (
        "# Ada Quill\n\n## Professional Experience\n\n### Staff Engineer — Quill Labs\n*Leeds · since 2023*\n\n"
        "- Leads the data team.\n\n### Engineer — Harbour Bank\n*Mar 2019 – Jun 2022*\n\n- Built the ledger.\n"
    )
    bio = (
        "# Speaker bio\n\nIn 2019 Ada joined Harbour Bank, a retail bank, as an engineer. Harbour Bank, 2019–2022. "
        "Before that she studied in Leeds, and she has spoken about ledgers and jobs at many meetups.\n"
    )
    answerer = _answerer(tmp_path, embedder, {"resume.md": resume, "bio.md": bio})
    # "since 2023" is an open range: the current entry.
    assert "Staff Engineer — Quill Labs" in _ask(answerer, "What is Ada's current job?").text
    # A start-and-leave question takes the range.
    assert "Mar 2019 – Jun 2022" in _ask(answerer, "When did she start and leave Harbour Bank?").text


def test_a_sentence_opening_with_my_is_quoted_as_theirs(tmp_path: Path, embedder: Embedder) -> None:
    letter = (
        "# Cover letter\n\nI am writing to apply for the storage role. I have built storage engines for ten "
        "years.\n\nOn the practical side: I am a German citizen. My notice period is three months, so I could "
        "start in June 2025. I am happy to relocate.\n"
    )
    text = _asked_of(tmp_path, embedder, {"cover-letter.md": letter}, "When could she start?")
    assert "June 2025" in text and "in Ada's words" in text, text


def test_lines_in_the_owners_own_voice_are_quoted_as_theirs(small_kb: Answerer) -> None:
    answer = _ask(small_kb, "How much honey did her hives produce?")
    quoted = "“My hives produced 40 kg of honey in 2023, and I sell it at the Roath market.”"
    assert answer.text == f"From Ada's documents: in Ada's words, {quoted} [1]"


def test_a_yes_no_question_is_answered_only_when_the_line_settles_it(small_kb: Answerer) -> None:
    assert _ask(small_kb, "Does she know Java?").text.startswith("Yes — from Ada's documents:")
    assert _ask(small_kb, "We're hiring in Oslo - does she know Java?").text.startswith("Yes —")
    # Having used or worked with a thing: a line naming it settles it, its heading the kind.
    assert _ask(small_kb, "Has she ever worked with Rust?").text.startswith("Yes —")
    assert _ask(small_kb, "Does she have any Kubernetes qualification?").text.startswith("Yes —")
    phd = _ask(small_kb, "Does she have a PhD?")
    assert phd.grounded and "BSc Physics" in phd.text and not phd.text.startswith(("Yes", "No"))
    # Said as what the documents do not mention, in the visitor's word, with what they do say.
    assert phd.text.startswith("Ada's documents mention no PhD. The closest they come:"), phd.text


def test_sections_of_entries_and_of_tools_are_listed_by_name(tmp_path: Path, embedder: Embedder) -> None:
    certifications = (
        "# Certifications\n\nWhat Ada holds, with credential IDs.\n\n## Current\n\n### Certified Wind Technician\n\n"
        "- **Issuer:** Gale Institute\n- **Notes:** Taken for the turbine work; renewed twice.\n\n"
        "### Rope Access Level 2\n\n- **Issuer:** IRATA\n\n## Lapsed\n\n### Marine Radio Operator\n\n"
        "- **Issuer:** Coastguard\n"
    )
    skills = "testing:\n  field:\n    - multimeter\n    - thermal camera\n  bench:\n    - oscilloscope\n"
    answerer = _answerer(tmp_path, embedder, {"certifications.md": certifications, "skills.yaml": skills})
    # Entries with sections of their own, by name, under the label that groups them.
    held = _ask(answerer, "What certifications does she hold?").text
    assert "Current: Certified Wind Technician, Rope Access Level 2" in held, held
    assert "Lapsed: Marine Radio Operator" in held and "turbine" not in held, held
    # "What does she use for X?": what the section of that name lists.
    used = _ask(answerer, "What does she use for field testing?").text
    assert "multimeter" in used and "thermal camera" in used and "oscilloscope" not in used, used


def test_a_list_kept_in_two_documents_is_answered_from_both_once(tmp_path: Path, embedder: Embedder) -> None:
    cv = "# Ada Quill\n\n## Experience\n\n- Engineer, Harbour Bank, 2019 – present\n\n## Certifications\n\n"
    cv += "- Rope Access Level 2 — 2021\n- Marine Radio Operator — 2018\n"
    profile = "certifications:\n  - name: Rope Access Level 2\n    issuer: IRATA\n"
    profile += "  - name: First Aid at Work\n    issuer: Red Cross\n"
    answerer = _answerer(tmp_path, embedder, {"cv.md": cv, "profile.yaml": profile})
    text = _ask(answerer, "Which certifications does Ada have?").text
    assert "Rope Access Level 2 — 2021" in text and "Marine Radio Operator" in text, text
    # A record that opens with its name reads as the name first.
    assert "First Aid at Work (Issuer: Red Cross)" in text and text.count("Rope Access") == 1, text


def test_a_side_project_named_in_lower_case_is_a_topic(tmp_path: Path, embedder: Embedder) -> None:
    projects = (
        "# Projects\n\n## tidecount (side project)\n\nA small command-line tool that counts tide gauges.\n\n"
        "| Thing | Detail |\n| --- | --- |\n| Language | Rust 1.80 |\n| Storage | DuckDB |\n| Licence | MIT |\n\n"
        "## Saturdays\n\nI run a workshop for kids aged 9-14 at the library; usually about 12 kids come. "
        "Before all this I taught maths for about six years.\n\nThe tidecount kits sell for £40 each. "
        "About 300 kits have been sold so far.\n\n"
        "| Date | Event |\n| --- | --- |\n| 2023-03 | Library workshop (kids 9-14) |\n"
    )
    answerer = _answerer(tmp_path, embedder, {"projects.md": projects})
    # "What's X?" of a section's name: its first lines, never the bare heading.
    what = _ask(answerer, "What's tidecount?").text
    assert "counts tide gauges" in what and "Language: Rust 1.80" in what, what
    # A follow-up keeps that topic; "built with" is met by the parts of a stack.
    history = [Turn("What's tidecount?", what)]
    built = asyncio.run(answerer.answer("What is it built with?", history=history)).text
    assert "Rust" in built and "DuckDB" in built and "Licence" not in built, built
    # The ages after "kids" are no count of them.
    kids = _ask(answerer, "How many kids come to the workshop?").text
    assert "about 12 kids" in kids, kids
    # A price counts no kits.
    sold = _ask(answerer, "How many tidecount kits has she sold?").text
    assert "About 300 kits" in sold and "£40" not in sold, sold
    # Two questions in one: the part the whole answer leaves out is answered on its own.
    two = _ask(answerer, "Which language is tidecount written in, and how many kits has she sold?").text
    assert "Rust" in two and "About 300 kits" in two, two
    # A duration in words answers "how long" ("taught" is what "teach" was), and the dated lines
    # near it are left out.
    taught = _ask(answerer, "How long did she teach for?").text
    assert "about six years" in taught and "2023-03" not in taught, taught


def test_a_heading_naming_one_school_is_no_list_of_schools(tmp_path: Path, embedder: Embedder) -> None:
    cv = (
        "# Ada Quill\n\n## Experience\n\n### Rivermouth High School — Cardiff\n\n- Teacher of Physics, 2010 – 2014\n\n"
        "### Ely Academy — Cardiff\n\n- Head of Science, 2014 – 2019\n"
    )
    bio = "# Bio\n\nAda taught at Rivermouth High School and then at Ely Academy before moving into software.\n"
    answerer = _answerer(tmp_path, embedder, {"cv.md": cv, "bio.md": bio})
    text = _ask(answerer, "Which schools did she teach at?").text
    assert "Rivermouth High School" in text and "Ely Academy" in text, text


def test_any_of_a_section_s_entries_says_yes_with_them(tmp_path: Path, embedder: Embedder) -> None:
    notes = (
        "TALKS AND VOLUNTEERING\n\nVOLUNTEERING\n============\n\n"
        "Cardiff Code Club - mentor, January 2022 to present\n  - Weekly evening sessions for teenagers.\n"
        "  - About 20 regulars.\n\n"
        "Bee Rescue Wales - volunteer, 2019\n  - Helped relocate wild swarms.\n"
    )
    answerer = _answerer(tmp_path, embedder, {"notes.txt": notes})
    text = _ask(answerer, "Is she involved in any volunteering?").text
    assert text.startswith("Yes — from Ada's documents:"), text
    assert "Cardiff Code Club - mentor" in text and "Bee Rescue Wales - volunteer" in text, text
    assert "About 20 regulars" not in text, text


def test_a_timeline_is_a_work_history(tmp_path: Path, embedder: Embedder) -> None:
    resume = (
        "# Ada Quill — resume\n\n> Hi! This is the proper resume.\n\n"
        "**Right now:** Staff Engineer at **Nimbus** (warehouse\nrobots), and one day a week I teach.\n\n"
        "## Timeline\n\n"
        "- **2021** — joined Nimbus as Staff Engineer. Led the fleet team and wrote\n"
        "  the scheduler everyone still uses.\n"
        "- **2015** — first real job: engineer at Harbour Bank, a small bank in Cardiff.\n"
        "  Java, and my first Kafka cluster.\n"
        "- **2011** — studied physics at Rivermouth University. Took a year out to\n  build a weather station.\n"
    )
    answerer = _answerer(tmp_path, embedder, {"resume.md": resume})
    career = _ask(answerer, "Summarise her career so far.").text
    # Each entry by its first sentence, the wrapped lines kept with their item.
    assert "2021 — joined Nimbus as Staff Engineer. [1]" in career, career
    assert "2015 — first real job: engineer at Harbour Bank, a small bank in Cardiff." in career, career
    assert "scheduler" not in career, career
    # No entry says "present": the line that says what she does now answers "where does she work?".
    now = _ask(answerer, "Where does she work now?").text
    assert "Right now: Staff Engineer at Nimbus (warehouse robots), and one day a week I teach." in now, now
    assert ">" not in _ask(answerer, "Is this her proper resume?").text


def test_how_many_names_what_it_counts(tmp_path: Path, embedder: Embedder) -> None:
    talks = (
        "TALKS AND PODCASTS\n==================\n\n"
        "PODCASTS\n--------\n\n"
        "* The Rebase Hour, ep. 88 - 2023\n\n* Sync or Swim - 2024\n\n* Kodiranje s kavo - 2024\n\n\n"
        "WORKSHOPS\n---------\n\n"
        '* "Offline-first apps with SQLite" - Jadran.js 2024\n  3 hours, 28 attendees.\n\n'
        '* "Accessible mobile UIs" - Stropna Conf 2023, half-day\n\n\n'
        "TOTALS\n------\n4 conference talks, 3 podcasts, 2 workshops.\n"
    )
    answerer = _answerer(tmp_path, embedder, {"talks.txt": talks})
    # The line that gives the number, then what it counts, from the section of them.
    podcasts = _ask(answerer, "How many podcasts has she been on?").text
    assert "3 podcasts" in podcasts and "The Rebase Hour" in podcasts and "Kodiranje s kavo" in podcasts, podcasts
    # Attendees are people.
    people = _ask(answerer, "How many people came to her offline-first workshop at Jadran.js?").text
    assert "28 attendees" in people, people


def test_a_leisure_heading_saying_not_holds_hobbies(tmp_path: Path, embedder: Embedder) -> None:
    about = (
        "# about me\n\nI build mobile apps in Ljubljana.\n\n"
        "## when I'm not at a keyboard\n\n- Film photography\n- Bouldering, twice a week\n- Ceramics classes\n\n"
        "## things I don't do\n\n- Crypto\n- Blockchain\n"
    )
    answerer = _answerer(tmp_path, embedder, {"about.md": about})
    text = _ask(answerer, "What are her hobbies?").text
    assert all(h in text for h in ("Film photography", "Bouldering", "Ceramics")), text
    assert "Crypto" not in text, text


def test_fields_keys_and_ranges_answer_what_they_name(tmp_path: Path, embedder: Embedder) -> None:
    profile = (
        "name: Ada Quill\nlocation:\n  city: Winnipeg\n  province: Manitoba\n  country: Canada\n"
        "  timezone: Central Time\ncertifications:\n"
        "  - name: IAAP CPACC\n    status: active\n    renews: 2026-03\n"
        "  - name: AWS Developer\n    status: expired\n    expired: 2022-11\n"
        "  - name: Certified ScrumMaster\n    status: expired\n    expired: 2020-02\n"
    )
    resume = (
        "ADA QUILL\n\nEXPERIENCE\n----------\n\n"
        "Senior Mobile Developer - Prairie Lantern Health, Winnipeg\nSep 2021 - present\n"
        "  - I lead a team of 4 on CareCompass, launched in November 2021.\n\n"
        "EDUCATION\n---------\n\n"
        "M.Sc. Computer Science - University of Assiniboine - 2017-2020\n"
        "  - Thesis: Energy-Aware Background Synchronization for Offline-First Mobile Applications\n"
        "  - Cumulative GPA: 4.33 / 4.50\n\n"
        "B.Sc. (Honours) Computer Science - University of Assiniboine - 2011-2015\n\n"
        "TALKS\n-----\n\n"
        '2023-05  "Accessible by default: VoiceOver and TalkBack in real apps"\n         Winnipeg Mobile Meetup\n'
    )
    answerer = _answerer(tmp_path, embedder, {"profile.yaml": profile, "resume.txt": resume})
    # A place given field by field: the fields together, not the country alone.
    place = _ask(answerer, "Where are you based?").text
    assert "City: Winnipeg; Province: Manitoba; Country: Canada" in place and "Central Time" not in place, place
    # A start asked: the open range, not another event's date on a line naming the employer.
    start = _ask(answerer, "When did she start at Prairie Lantern Health?").text
    assert "Sep 2021 - present" in start and "November 2021" not in start, start
    # The field the question names answers it, however far its words are in meaning.
    thesis = _ask(answerer, "What was her thesis about?").text
    assert "Energy-Aware Background Synchronization" in thesis, thesis
    # "In total, including the expired ones" counts all of them.
    total = _ask(answerer, "How many certifications has she earned in total, including the expired ones?").text
    assert total.startswith("3 — ") and all(c in total for c in ("CPACC", "AWS Developer", "ScrumMaster")), total
    # The GPA given is the M.Sc.'s: the B.Sc.'s is not in the documents.
    assert not _ask(answerer, "What was her undergraduate GPA?").grounded
    assert not [u for u in parse_units("Resume > TALKS\n\n" + resume.splitlines()[-2]) if u.kind == "pair"]


def test_a_plain_no_answers_the_specific_case(tmp_path: Path, embedder: Embedder) -> None:
    faq = "# FAQ\n\n**Would you relocate?**\nNo. I'm staying in Winnipeg. Remote or hybrid only.\n"
    answerer = _answerer(tmp_path, embedder, {"faq.md": faq})
    text = _ask(answerer, "Would you be willing to relocate to Toronto?").text
    assert text.startswith("No — ") and "Would you relocate? No. I'm staying in Winnipeg." in text, text
    # A plain no in a field settles it too; a yes to relocating would say nothing about Toronto.
    assert settles("Relocation: no - Winnipeg-based, remote or hybrid only", ("relocat",)) == "No"
    assert settles("Relocation: happy to move anywhere", ("relocat", "toronto")) == ""


def test_a_course_code_names_a_course(tmp_path: Path, embedder: Embedder) -> None:
    resume = (
        "EXPERIENCE\n----------\n\n"
        "Sessional Lecturer - University of Assiniboine\nJan 2020 - present\n"
        "  - I teach COMP 3760 Mobile Application Development (about 120 students per term).\n\n"
        "Mobile Developer - Boreal Pixel, Winnipeg\nJun 2018 - Aug 2021\n  - I built client apps in Swift.\n"
    )
    answerer = _answerer(tmp_path, embedder, {"resume.txt": resume})
    text = _ask(answerer, "What course does she teach at the university?").text
    assert "COMP 3760 Mobile Application Development" in text, text


def test_camel_case_and_hyphenated_names_are_names() -> None:
    asked = analyse("Has he done any iOS work?")
    assert asked.kind is Kind.YESNO and "ios" in asked.entities, asked
    # A part of a longer hyphenated name names it; a mere part of a word does not.
    assert mentions(frozenset({"react-native-haptic-garden"}), "haptic-garden")
    assert not mentions(frozenset({"react-native-haptic-gardens"}), "haptic-garden")


def _conversation(answerer: Answerer, *questions: str) -> list[Answer]:
    async def ask_all() -> list[Answer]:
        history: list[Turn] = []
        answers = []
        for question in questions:
            answers.append(await answerer.answer(question, history=history))
            history.append(Turn(question, answers[-1].text))
        return answers

    return asyncio.run(ask_all())


def test_a_follow_up_picks_one_of_the_things_listed(tmp_path: Path, embedder: Embedder) -> None:
    work = (
        "# Working with me\n\n**Right now:** Senior Mobile Engineer at Plinthwork.\n\n"
        "## Rates\n\nI don't publish rates. Email me with what you need.\n\n"
        "## Freelance clients (2021 – 2022)\n\nFive clients while I was freelancing.\n\n"
        "### Verdigris Bikes — Amsterdam\n*5 months, 2021*\nRewrote their bike-share rider app in React Native.\n\n"
        "### Oktopod Radio\nAndroid Auto support for their podcast app, in Kotlin.\n\n"
        "### Maison Grelot — Lyon\nA click-and-collect app for a bakery chain.\n\n"
        "## Open source at work\n\n- Plinthwork Mobile SDK — co-maintainer since 2023.\n"
    )
    talks = (
        "TALKS\n=====\n\n"
        '* Stropna Conf 2023 - Apr 2023\n  "Haptics are UX too"\n  Why vibration patterns deserve a design system.\n\n'
        '* Jadran.js 2024 - Oct 2024\n  "Offline-first without tears"\n  Conflict resolution and SQLite on device.\n'
    )
    for name, text in {"working-with-me.md": work, "talks.txt": talks}.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    index = Index(str(tmp_path / ".index"))
    run_ingest(tmp_path, index, embedder)
    answerer = Answerer(Retriever(index, embedder), LLMChain([]), owner="Teodor Valdés")
    # "Teo" is the owner, not a name the lines must hold: the clients are listed, not a work history.
    clients, built = _conversation(
        answerer, "What freelance clients has Teo worked with?", "What did he build for the Amsterdam one?"
    )
    assert all(c in clients.text for c in ("Verdigris Bikes — Amsterdam", "Oktopod Radio", "Maison Grelot")), clients
    assert "bike-share rider app" in built.text and "Oktopod" not in built.text, built.text
    # A near miss about the picked entry is refused, not answered with its first lines.
    _, budget = _conversation(
        answerer, "What freelance clients has Teo worked with?", "What was the budget for the Amsterdam one?"
    )
    assert not budget.grounded, budget.text
    listed, haptics = _conversation(answerer, "What conference talks has Teo given?", "Which one was about haptics?")
    assert "Stropna Conf 2023" in listed.text and "Jadran.js 2024" in listed.text, listed.text
    assert "Stropna Conf 2023" in haptics.text and "Jadran" not in haptics.text, haptics.text
    # A day rate is money: "I don't publish rates" holds none; an age is a birth date none gives.
    assert not _ask(answerer, "What's Teo's day rate for React Native work?").grounded
    assert not _ask(answerer, "How old is Teo?").grounded


def test_a_career_s_length_and_a_project_s_popularity(tmp_path: Path, embedder: Embedder) -> None:
    resume = (
        "# Ada Quill\n\n## Profile\n\nTen years of keeping production systems boring: telecom in Copenhagen, "
        "payments in Berlin.\n\n## Experience\n\n### Kestrel Payments — Berlin\n\n"
        "- Co-led the incident programme (2019–2020): recovery time fell from 74 to 21 minutes.\n"
        "- Built a portal adopted by 23 teams within a year of launch.\n\n"
        "## Open source\n\n- pagerlint — a linter for alerting rules. About 1,200 stars on GitHub.\n"
    )
    answerer = _answerer(tmp_path, embedder, {"resume.md": resume})
    tenure = _ask(answerer, "How much experience does she have overall?").text
    assert "Ten years of keeping production systems boring" in tenure and "74" not in tenure, tenure
    popular = _ask(answerer, "How popular is pagerlint on GitHub?").text
    assert "1,200 stars" in popular, popular


def test_a_grade_average_is_a_gpa_and_a_universidade_a_university(tmp_path: Path, embedder: Embedder) -> None:
    resume = (
        "# Ada Quill\n\n## Education\n\n"
        "- **MSc in Computer Science**, Aarhus University, Denmark — 2014–2016.\n"
        "  Grade average 10.4 on the Danish 7-point scale.\n"
        "- **Licenciatura (BSc) in Informatics**, Faculdade de Engenharia da Universidade do Porto,\n"
        "  Portugal — 2011–2014. Final grade 16/20.\n"
    )
    answerer = _answerer(tmp_path, embedder, {"resume.md": resume})
    gpa = _ask(answerer, "What was her GPA for the master's degree?").text
    assert "Grade average 10.4" in gpa and "16/20" not in gpa, gpa
    university = _ask(answerer, "Where did she go to university?").text
    assert "Aarhus University" in university and "Universidade do Porto" in university, university


def test_that_one_is_the_one_named_first(tmp_path: Path, embedder: Embedder) -> None:
    certs = (
        "certifications:\n"
        "  - name: AWS Certified Solutions Architect – Professional\n    issued: 2024-03-15\n"
        "    expires: 2027-03-15\n    status: active\n"
        "  - name: AWS Certified Solutions Architect – Associate\n    issued: 2019-05-20\n"
        "    expires: 2022-05-20\n    status: expired\n"
    )
    answerer = _answerer(tmp_path, embedder, {"certifications.yaml": certs})
    listed, expiry = _conversation(answerer, "Does she have any AWS certifications?", "When does that one expire?")
    assert "Professional" in listed.text and "Associate" in listed.text, listed.text
    assert "2027-03-15" in expiry.text and "2022-05-20" not in expiry.text, expiry.text


def test_spending_longer_compares_the_spans(tmp_path: Path, embedder: Embedder) -> None:
    resume = (
        "# Ada Quill\n\n## Experience\n\n"
        "**Instituto de Medicina Molecular do Tejo (IMM Tejo)** — Lisbon, Portugal\n"
        "Research Bioinformatician, February 2018 – August 2021\n\n"
        "**Verdanta AgriSeq** — Wageningen, Netherlands\nBioinformatics Analyst, July 2016 – January 2018\n"
    )
    answerer = _answerer(tmp_path, embedder, {"resume.md": resume})
    text = _ask(answerer, "Did she spend longer at IMM Tejo or at Verdanta AgriSeq?").text
    assert text.index("February 2018 – August 2021") < text.index("July 2016 – January 2018"), text


def test_projects_without_a_document_of_their_own_are_listed_too(tmp_path: Path, embedder: Embedder) -> None:
    files = {
        "project_pipistrelle.md": "# Pipistrelle: motor control for a picking arm\n\nFirmware in C for a robot arm.\n",
        "project_selkie.md": "# Selkie — a buoyancy engine controller\n\nA low-power controller for gliders.\n",
        "cv.md": "# CV\n\n## Other\n\n- Side project: **Wobblebot**, an open-source robot kit. I've sold 310 kits.\n",
    }
    answerer = _answerer(tmp_path, embedder, files)
    text = _ask(answerer, "What projects has she worked on?").text
    assert all(p in text for p in ("Pipistrelle", "Selkie", "Side project: Wobblebot, an open-source robot kit.")), text
    assert "310" not in text, text


def test_what_a_talk_was_about_is_its_entry_s_opening(tmp_path: Path, embedder: Embedder) -> None:
    talks = (
        "TALKS\n=====\n\n"
        "2024-02-03  FOSDEM 2024, Brussels -- Embedded devroom\n"
        '            "Testing firmware without the hardware: HIL on a budget"\n'
        "            30 min. Recording is on the FOSDEM video archive.\n\n"
        "2022-03-16  Oceanology International, London\n"
        '            "Buoyancy on a power budget"\n            20 min. Early results.\n'
    )
    answerer = _answerer(tmp_path, embedder, {"talks.txt": talks})
    text = _ask(answerer, "What was her FOSDEM talk about?").text
    assert "Testing firmware without the hardware" in text and "Buoyancy" not in text, text


def test_which_city_needs_a_place_written_as_one(tmp_path: Path, embedder: Embedder) -> None:
    talks = (
        "# Talks\n\n"
        '- 2023 "Fog that doesn\'t cost the Earth" Pixelkammer Conference 2023, main track, 45 min.\n'
        '- 2022 "Moving 140 Services" KubeCon Europe 2022, Valencia, Spain.\n'
    )
    answerer = _answerer(tmp_path, embedder, {"talks.md": talks})
    # A talk's title names no city: the question is not answered.
    assert not _ask(answerer, "In which city was the Pixelkammer Conference 2023 held?").grounded
    assert "Valencia, Spain" in _ask(answerer, "In which city was KubeCon Europe 2022 held?").text


def test_a_list_named_after_or_is_answered_whole(tmp_path: Path, embedder: Embedder) -> None:
    profile = (
        "name: Ada Quill\nhobbies:\n  - sailing\n  - sourdough\n"
        "not_interested_in:\n  - people-management roles\n  - ad tech or crypto projects\n"
        "  - front-end web development\n"
    )
    answerer = _answerer(tmp_path, embedder, {"profile.yaml": profile})
    text = _ask(answerer, "What kinds of work or roles is she not interested in?").text
    assert all(item in text for item in ("people-management", "crypto", "front-end")), text
    assert "sailing" not in text, text


def test_a_now_page_says_what_the_owner_is_up_to(tmp_path: Path, embedder: Embedder) -> None:
    now = (
        "# What I'm doing now\n\n*Updated May 2025.*\n\n## Work\n\n- Shipping the Quill SDK 3.0 beta.\n"
        "- Writing a guide series on offline sync.\n\n## Learning\n\n- Slovenian, twice a week.\n\n"
        "## Life\n\n- Training for a half marathon in October.\n"
    )
    resume = "# Ada Quill\n\n## Experience\n\n- 2022 - present: Senior Engineer at Quill Labs, Leeds.\n"
    answerer = _answerer(tmp_path, embedder, {"now.md": now, "resume.md": resume})
    for question in ("What's Ada up to these days?", "what is she working on lately?"):
        text = _ask(answerer, question).text
        assert all(news in text for news in ("SDK 3.0", "Slovenian", "half marathon")), text
        assert "offline sync" not in text, text  # each section's first entry


def test_records_of_several_kinds_answer_with_the_kind_asked(tmp_path: Path, embedder: Embedder) -> None:
    talks = (
        "Talks, Papers and Podcasts — Ada Quill\nLast updated: May 2025\n\n"
        'PyData 2023, Leeds — "Fog, cheaply" (8 June 2023). A 30-minute talk about weather stations.\n\n'
        'Publication: A. Quill, "Buoyancy on a power budget", Ocean Sensors Workshop 2022.\n\n'
        'Podcast: "Firmware Fridays", episode 12 (January 2024). A talk about testing without hardware.\n\n'
        "Speaking requests: Ada gives two talks a year.\n"
    )
    answerer = _answerer(tmp_path, embedder, {"talks.txt": talks})
    text = _ask(answerer, "Has she been on any podcasts?").text
    assert "Firmware Fridays" in text, text
    assert "Buoyancy" not in text and "Last updated" not in text and "Speaking requests" not in text, text


def test_a_work_permit_answers_whether_a_visa_is_needed(tmp_path: Path, embedder: Embedder) -> None:
    about = (
        "# About Ada\n\nAda builds firmware for weather stations in Gothenburg.\n\n## Work setup\n\n"
        "- **Work authorisation:** Swedish permanent residence; Irish citizen\n"
        "- **Based in:** Gothenburg, Sweden\n"
    )
    answerer = _answerer(tmp_path, embedder, {"about.md": about})
    assert "permanent residence" in _ask(answerer, "Does she need a visa to work in Sweden?").text


@pytest.mark.parametrize(
    ("name", "document", "question", "figures"),
    [
        (
            "project_wrenfold.md",
            "# Wrenfold\n\nWrenfold is Ada's forecasting service.\n\n## Results\n\n"
            "| Metric | Legacy (GBM) | Wrenfold v1 |\n|---|---|---|\n| Forecast error (MAPE) | 23.4% | 14.1% |\n"
            "| Nightly run | 5 h | 38 min |\n",
            "By how much did Wrenfold reduce forecast error compared to the old system?",
            ("23.4%", "14.1%"),
        ),
        (
            "project-sorrel.md",
            "# Sorrel\n\nSorrel finds doublets in single-cell data.\n\n## Benchmark\n\n"
            "- mean F1 score: **0.91** (the next best tool at the time scored 0.86)\n\n"
            "Note that Sorrel's F1 score is about doublet detection; it is not comparable to the variant-calling F1 "
            "numbers in the Mudlark write-up.\n",
            "How did Sorrel's F1 compare with the next best doublet-detection tool?",
            ("0.91", "0.86"),
        ),
    ],
)
def test_a_change_or_a_comparison_keeps_both_figures(
    tmp_path: Path, embedder: Embedder, name: str, document: str, question: str, figures: tuple[str, str]
) -> None:
    """ "By how much did it cut the error?", "How did its F1 compare?": the before and the after."""
    text = _ask(_answerer(tmp_path, embedder, {name: document}), question).text
    assert all(figure in text for figure in figures), text


def test_the_skills_profile_answers_her_skills_by_kind(tmp_path: Path, embedder: Embedder) -> None:
    skills = (
        "name: Ada Quill\nlocation: Gothenburg\nlanguages:\n  - Rust\n  - C\nframeworks:\n  embedded:\n"
        "    - Embassy\n    - Zephyr\n  desktop:\n    - Tauri\ncloud:\n  - AWS IoT\n  - Terraform\n"
        "spoken_languages:\n  - Welsh\n  - Swedish\nhobbies:\n  - sailing\n  - bouldering\n"
    )
    about = "# About Ada\n\nAda builds firmware for weather stations. She sails at weekends.\n"
    answerer = _answerer(tmp_path, embedder, {"skills.yaml": skills, "about.md": about})
    text = _ask(answerer, "What are her skills?").text
    # A line for each kind, with the items under its labels; not her name, place or hobbies.
    assert "Rust" in text and "Embassy" in text and "Tauri" in text and "Terraform" in text, text
    assert "Gothenburg" not in text and "sailing" not in text, text
    # Her tech stack is the technical kinds: not the languages she speaks.
    stack = _ask(answerer, "What's her tech stack?").text
    assert "Embassy" in stack and "Terraform" in stack and "Welsh" not in stack, stack


def test_open_source_projects_years_and_honours_are_read_as_asked(tmp_path: Path, embedder: Embedder) -> None:
    projects = (
        "# Projects\n\nThis page lists the work projects I can talk about publicly and my open-source projects.\n"
        "I currently maintain **two open-source projects** (Fogline and Tidepool).\n\n## Overview\n\n"
        "| Project | Type | Main tech |\n|---|---|---|\n| Gale | Work (Nimbus) | Go |\n"
        "| Fogline | Open source | Rust |\n| Tidepool | Open source | C |\n\n## Gale — inspections at Nimbus\n\n"
        "Role: technical lead (2023 – present)\nTech: Go, PostgreSQL\n\nGale schedules turbine inspections.\n\n"
        "## Fogline\n\nRepository: github.com/adaq/fogline\nTech: Rust\n\nA fog sensor driver.\n\n"
        "## Tidepool\n\nRepository: github.com/adaq/tidepool\nTech: C\n\nA tide logger for the Pico.\n"
    )
    about = (
        "# About Ada\n\nExperience: 11 years of professional firmware work (since 2015)\n\n## Career\n\n"
        "| Years | Employer |\n|---|---|\n| 2021 – present | Nimbus Robotics |\n| 2015 – 2021 | Harbour Bank |\n\n"
        "## Education\n\nBEng Electronic Engineering, University of Dundee, First Class Honours (2015).\n"
    )
    answerer = _answerer(tmp_path, embedder, {"projects.md": projects, "about.md": about})
    # The sections the overview's rows call open source; not the work project or the overview.
    listed = _ask(answerer, "What open source projects does she maintain?").text
    assert "Fogline" in listed and "Tidepool" in listed and "Gale" not in listed and "Overview" not in listed, listed
    assert "Overview" not in _ask(answerer, "What projects has she built?").text
    # A career's length, not the current job's row.
    years = _ask(answerer, "How many years of professional experience does she have?").text
    assert "11 years" in years and "present" not in years, years
    # A UK degree's grade is its class.
    assert "First Class Honours" in _ask(answerer, "What grade did she get at Dundee?").text


def test_a_refusal_names_kinds_of_documents_not_a_post_s_title(tmp_path: Path, embedder: Embedder) -> None:
    files = {
        "about.md": "# About Ada\n\nAda builds firmware for weather stations in Gothenburg.\n",
        "blog-2023-fog.md": "# Fog, cheaply: how we cut a sensor's power by half\n\nA post about fog sensors.\n",
        "now.md": "# Now\n\nAda is writing a driver for a rain gauge.\n",
    }
    text = _ask(_answerer(tmp_path, embedder, files), "What is her salary?").text
    assert "blog posts" in text and "current work" in text and "cheaply" not in text, text
    # A title names what a document is, not whose: "Cover letter — Ada Quill" is a cover letter.
    (tmp_path / "letter").mkdir()
    files = {"about.md": files["about.md"], "cover.md": "# Cover letter — Ada Quill\n\nI am applying for the role.\n"}
    text = _ask(_answerer(tmp_path / "letter", embedder, files), "What is her salary?").text
    assert "cover letter" in text and "cover letter —" not in text, text


def test_misspelt_words_bare_answers_and_sections_under_a_parent(tmp_path: Path, embedder: Embedder) -> None:
    profile = (
        "name: Ada Quill\nwork_preferences:\n  relocation:\n    open_to_relocating: true\n"
        "    willing_destinations:\n      - Norway\n      - Netherlands\n  not_interested_in:\n"
        "    - weapons or defence work\n    - crypto projects\n  travel: up to 20%\n"
        "quick_answers:\n  phd: no\n  freelance: no\n"
    )
    answerer = _answerer(tmp_path, embedder, {"profile.yaml": profile})
    # A misspelt word is read as the documents' word; a bare "yes" brings what its section adds.
    text = _ask(answerer, "Is she open to relocatng?").text
    assert text.startswith("Yes") and "Norway" in text and "Netherlands" in text, text
    # A section named by its heading and its parent's ("Work preferences > Not interested in").
    listed = _ask(answerer, "What kind of work is she not intrested in?").text
    assert "weapons" in listed and "crypto" in listed and "20%" not in listed, listed
    # A bare "no" in a section of unrelated answers brings none of them.
    assert "freelance" not in _ask(answerer, "Does she have a PhD?").text.lower()


def test_how_to_reach_her_is_her_contact_section(tmp_path: Path, embedder: Embedder) -> None:
    about = (
        "# About Ada\n\nAda builds firmware for weather stations.\n\n## Contact Preferences\n\n"
        "- **Preferred channel:** email at ada@example.dev; she replies within two days.\n"
        "- **Not preferred:** phone calls.\n"
    )
    letter = (
        "# Reference letter\n\nI have managed Ada for three years at Nimbus Robotics. She is the best engineer I "
        "have worked with. Please feel free to contact me to discuss her work.\n"
    )
    answerer = _answerer(tmp_path, embedder, {"about.md": about, "reference-letter.md": letter})
    for question in ("What's the best way to reach Ada?", "How can I contact her?"):
        text = _ask(answerer, question).text
        assert "ada@example.dev" in text and "contact me" not in text, text


def test_the_work_history_is_told_once_and_by_the_years_asked(tmp_path: Path, embedder: Embedder) -> None:
    about = (
        "# About Ada\n\nAda builds firmware.\n\n## Career at a glance\n\n| Years | Employer | Role |\n|---|---|---|\n"
        "| Aug 2022 – present | Nimbus Robotics | Staff Engineer |\n| Mar 2019 – Jul 2022 | Harbour Bank | Engineer |\n"
    )
    resume = (
        "# Resume\n\n## Experience\n\n### Staff Engineer — Nimbus Robotics (Aug 2022 – present)\n\n"
        "- Leads firmware.\n\n"
        "### Engineer — Harbour Bank (Mar 2019 – Jul 2022)\n\n- Wrote payment services.\n"
    )
    answerer = _answerer(tmp_path, embedder, {"about.md": about, "resume.md": resume})
    # Where she has worked: each job once, from one document, without its table's label.
    text = _ask(answerer, "Where has she worked?").text
    assert text.count("Nimbus") == 1 and text.count("Harbour") == 1 and "glance" not in text, text
    # Two jobs compared: each entry and the first thing she did there.
    text = _ask(answerer, "How did her job at Nimbus compare with her role at Harbour Bank?").text
    assert "Leads firmware" in text and "Wrote payment services" in text, text
    # What she does now, with no now page: her current job.
    for question in ("What is she working on now?", "What does she do now?"):
        text = _ask(answerer, question).text
        assert "Nimbus" in text and "Leads firmware" in text and "Harbour" not in text, text
    # Where she worked in a year inside a job's dates.
    text = _ask(answerer, "Where did she work in 2020?").text
    assert "Harbour Bank" in text and "Nimbus" not in text, text


def test_a_person_is_a_name_the_documents_never_write_in_lower_case(tmp_path: Path, embedder: Embedder) -> None:
    transcript = (
        "# Transcript\n\nThesis: Slip-Aware Odometry for Tracked Vehicles on Wet Terrain (grade A).\n\n"
        "The Specialization Project is a supervised preparatory project that leads into the thesis. "
        "The vehicles were tracked on wet terrain.\n\nContact: registry@example.edu\n"
    )
    answerer = _answerer(tmp_path, embedder, {"transcript.md": transcript})
    # A title's capitalised words and a project's name are no supervisor.
    answer = _ask(answerer, "Who supervised her master's thesis?")
    assert not answer.grounded, answer.text
    supervised = transcript + "\nSupervisor: Professor Ines Marrok (ines.marrok@example.edu)\n"
    (tmp_path / "named").mkdir()
    answerer = _answerer(tmp_path / "named", embedder, {"transcript.md": supervised})
    assert "Ines Marrok" in _ask(answerer, "Who supervised her master's thesis?").text


def test_lists_of_documents_and_of_entries_name_only_what_they_list(tmp_path: Path, embedder: Embedder) -> None:
    (tmp_path / "projects").mkdir()
    files = {
        "projects/gale.md": "# Gale — turbine inspections\n\nGale schedules inspections.\n",
        "projects/fogline.md": (
            "# Fogline — fog sensor driver\n\nFogline is a personal side project: a driver in Rust.\n\n"
            "- **Project page:** https://fogline.example.dev\n"
        ),
        "about.md": "# About Ada\n\nAda builds firmware.\n\n- **Side project:** Wobblebot, a robot kit for schools.\n",
        "education.md": (
            "# Education\n\n## MSc Robotics — University of Dundee\n\n- **Dates:** 2014 – 2016\n\n"
            "## BEng Electronics — University of Leeds\n\n- **Dates:** 2010 – 2014\n\n## Continuing Education\n\n"
            '- Stanhope Online Academy, "Leading Technical Teams" (2021)\n- Open University, "Statistics" (2019)\n'
        ),
    }
    answerer = _answerer(tmp_path, embedder, files)
    text = _ask(answerer, "What projects has she built?").text
    assert "Gale" in text and "Fogline" in text and "Wobblebot" in text, text
    assert "Project page" not in text and "personal side project" not in text, text
    # A label among the entries is what it lists, never a bare heading.
    text = _ask(answerer, "Tell me about her education").text
    assert "Continuing Education: Stanhope Online Academy" in text and "MSc Robotics" in text, text


def test_people_counted_as_engineers_and_an_faq_answer_is_no_job(tmp_path: Path, embedder: Embedder) -> None:
    profile = "person:\n  name: Ada Quill\n  pronouns: she/her\n  born_in: Cardiff\n"
    about = (
        "# About Ada\n\nAda leads a storage team of 7 engineers at Nimbus Robotics.\n\n"
        "## Experience\n\n- Staff Engineer — Nimbus Robotics (Aug 2022 – present)\n\n"
        "## Does Ada work remotely?\n\nAda has worked remote-first since 2021 and prefers remote roles.\n"
    )
    answerer = _answerer(tmp_path, embedder, {"profile.yaml": profile, "about.md": about})
    # "How many people" is met by "7 engineers", even misspelt; one record's fields count nothing.
    text = _ask(answerer, "how many poeple are on her team?").text
    assert "7 engineers" in text and "Pronouns" not in text, text
    # An FAQ's answer "since 2021" is not a job of her work history.
    text = _ask(answerer, "What's her current job title?").text
    assert "Staff Engineer" in text and "remote-first" not in text, text


def test_the_jobs_she_is_not_interested_in_are_not_her_jobs(tmp_path: Path, embedder: Embedder) -> None:
    resume = (
        "# Resume\n\n## Experience\n\n### Staff Engineer — Nimbus Robotics (Aug 2022 – present)\n\n"
        "- Leads firmware.\n\n"
        "### Engineer — Harbour Bank (Mar 2019 – Jul 2022)\n\n- Wrote payment services.\n"
    )
    faq = "# FAQ\n\n## What kind of roles is Ada NOT interested in?\n\n- Blockchain companies\n- Ad-tech products\n"
    jobs = (
        "employment:\n  - employer: Nimbus Robotics\n    start: 2022-08\n    end: present\n"
        "  - employer: Harbour Bank\n    start: 2019-03\n    end: 2022-07\n"
    )
    answerer = _answerer(tmp_path, embedder, {"resume.md": resume, "faq.md": faq, "experience.yaml": jobs})
    for question in ("What kinds of jobs is she not interested in?", "What kinds of work is she not interested in?"):
        text = _ask(answerer, question).text
        assert "Blockchain" in text and "Ad-tech" in text and "Nimbus" not in text, text


def test_a_thing_named_in_lower_case_is_what_the_question_is_about(tmp_path: Path, embedder: Embedder) -> None:
    # Idris's pages, where other lines about planviz are closer in meaning than its "Stack:".
    folder = Path(__file__).resolve().parents[1] / "data" / "kb_sixteenth"
    files = {name: (folder / name).read_text(encoding="utf-8") for name in ("projects.md", "now.md")}
    answerer = _answerer(tmp_path, embedder, files)
    text = _ask(answerer, "What tech stack is planviz built with?").text
    assert "TypeScript" in text and "Svelte" in text and "monthly visitors" not in text, text
    # "What was it written in?" is answered by a line naming a programming language.
    history = [Turn("Tell me about tidewater", _ask(answerer, "Tell me about tidewater").text)]
    text = asyncio.run(answerer.answer("What was it written in?", history=history)).text
    assert "Rust" in text, text


def test_an_open_source_licence_is_open_source_by_its_name() -> None:
    assert {stem("open"), stem("source")} <= named_kinds("Licence: MIT")
    assert not named_kinds("MIT, class of 2014")


def test_a_programming_language_is_a_language_by_its_name() -> None:
    assert stem("language") in named_kinds("An embeddable storage engine written in Rust.")
    assert stem("language") in named_kinds("Tech: C++20, Go, Raft")
    assert stem("language") in named_kinds("C99 firmware on an Arm Cortex-M33")
    assert not named_kinds("Go to the Pythonic way, JavaScript-free")


def test_which_of_those_picks_every_listed_entry_that_holds_it(tmp_path: Path, embedder: Embedder) -> None:
    # Idris's CV and profile, both of which speak of the certifications.
    folder = Path(__file__).resolve().parents[1] / "data" / "kb_sixteenth"
    files = {name: (folder / name).read_text(encoding="utf-8") for name in ("cv.md", "experience.yaml")}
    answerer = _answerer(tmp_path, embedder, files)
    listed = _ask(answerer, "Which certifications does Idris hold?").text
    history = [Turn("Which certifications does Idris hold?", listed)]
    # Each by its record's expiry on the day asked: the CKA ran to June 2026.
    expired = "Which of those have expired?"
    text = asyncio.run(answerer.answer(expired, history=history, today=date(2025, 6, 1))).text
    assert "AWS" in text and "EDB" in text and "Kubernetes" not in text and "See experience" not in text, text
    later = asyncio.run(answerer.answer(expired, history=history, today=date(2026, 7, 1))).text
    assert "Kubernetes" in later and "ISC2" not in later, later


def test_a_kind_of_school_the_documents_never_name_is_refused(tmp_path: Path, embedder: Embedder) -> None:
    about = (
        "# About Ada\n\nAda studied at the University of Dundee.\n\n## Languages\n\n"
        "- **Dutch:** B1, an evening course at a Rotterdam language school since 2022\n"
    )
    answerer = _answerer(tmp_path, embedder, {"about.md": about})
    answer = _ask(answerer, "Which high school did Ada go to?")
    assert not answer.grounded, answer.text
    assert "Rotterdam" in _ask(answerer, "Where is her language school?").text


def test_projects_grouped_by_kind_are_listed_by_group_never_by_the_intro(tmp_path: Path, embedder: Embedder) -> None:
    projects = (
        "# Projects\n\nThis page lists four projects of my own. At the bottom there's a note on my work.\n\n"
        "Everything here was built by me. Most of it started in my kitchen days.\n\n## Personal projects\n\n"
        "### Crumb — recipe scaling calculator\n\nStack: React\n\n"
        "### Proof Timer — a proofing timer\n\nStack: Svelte\n\n"
        "## Bootcamp capstone\n\n### ShiftSwap — shift swaps for kitchens\n\nStack: Express\n\n"
        "## Work I can talk about (not open source)\n\n"
        "### Harbour design system at Tidewell Health\n\nA design system.\n\n"
        "## Project summary\n\n| Project | Year |\n|---|---|\n| Crumb | 2023 |\n| ShiftSwap | 2022 |\n"
    )
    text = _ask(_answerer(tmp_path, embedder, {"projects.md": projects}), "What projects has she built?").text
    assert "Personal projects: Crumb" in text and "Bootcamp capstone: ShiftSwap" in text, text
    assert "Harbour design system" in text and "This page lists" not in text and "Project summary" not in text, text


def test_talks_written_as_paragraphs_with_notes_are_listed_by_their_openings(
    tmp_path: Path, embedder: Embedder
) -> None:
    talks = (
        "TALKS AND WRITING -- Ada Quill\nUpdated: June 2025\n\nTALKS\n" + "-" * 40 + "\n"
        "[T1] From Mise en Place to Design Tokens\n     GlasgowJS meetup, Glasgow -- 14 March 2024\n"
        "     Notes: how a kitchen's prep system maps onto design tokens.\n\n"
        "[T2] Accessible Forms Nobody Hates\n     ScotFrontend 2024, Edinburgh -- 3 October 2024\n"
        "     Notes: Ada's first conference talk. Covers labels and error summaries.\n\n"
        "Upcoming: none confirmed.\n"
    )
    faq = "# FAQ\n\n## Do you give talks?\n\nYes. See the talks page.\n"
    answerer = _answerer(tmp_path, embedder, {"talks.txt": talks, "faq.md": faq})
    listed = _ask(answerer, "What talks has Ada given?").text
    assert "Mise en Place" in listed and "Accessible Forms" in listed, listed
    assert "Notes:" not in listed and "Upcoming" not in listed and "Yes." not in listed, listed
    history = [Turn("What talks has Ada given?", listed)]
    picked = asyncio.run(answerer.answer("Which one was at ScotFrontend, and when?", history=history)).text
    assert "Accessible Forms" in picked and "3 October 2024" in picked and "Mise en Place" not in picked, picked


def test_a_one_word_question_naming_a_field_is_answered_not_clarified(tmp_path: Path, embedder: Embedder) -> None:
    about = "# About Ada\n\nPronouns: they/them\nBased in: Glasgow\n\n## Experience\n\n- Engineer (2021 – now)\n"
    faq = "# FAQ and contact\n\n## Do you relocate?\n\nNo.\n"
    answerer = _answerer(tmp_path, embedder, {"about.md": about, "faq-contact.md": faq})
    assert "they/them" in _ask(answerer, "pronouns?").text
    # A whole topic still gets the question back, naming what the documents cover (not the FAQ).
    clarifying = _ask(answerer, "Experience?")
    assert clarifying.clarifying and "faq" not in clarifying.text.lower(), clarifying.text


def test_a_list_is_answered_by_lines_of_what_it_lists(tmp_path: Path, embedder: Embedder) -> None:
    # Rafaela's documents speak of customers, but never of her platform's customers.
    folder = Path(__file__).resolve().parents[1] / "data" / "kb_sixth"
    files = {path.name: path.read_text(encoding="utf-8") for path in folder.glob("*.md")}
    answer = _ask(
        _answerer(tmp_path, embedder, files), "Which customers of Tidewater Logistics use the platform she built?"
    )
    assert not answer.grounded, answer.text


def test_how_accurate_needs_a_line_of_accuracy_not_one_close_in_meaning(tmp_path: Path, embedder: Embedder) -> None:
    # Rafael's CV says he built the pipeline, never how accurate it is.
    folder = Path(__file__).resolve().parents[1] / "data" / "kb_alt"
    files = {path.name: path.read_text(encoding="utf-8") for path in folder.iterdir() if path.suffix == ".md"}
    answerer = _answerer(tmp_path, embedder, files)
    answer = _ask(answerer, "How accurate is his vessel-arrival prediction pipeline?")
    assert not answer.grounded, answer.text


def test_a_name_is_one_written_with_what_it_names(tmp_path: Path, embedder: Embedder) -> None:
    selkie = (
        "trials:\n  - trial: Customer acceptance\n    where: Norwegian Sea\n    when: October 2022\n"
        "  - trial: Deep dive\n    where: Bay of Biscay\n    when: May 2022\n"
    )
    about = "# About Ada\n\nAda runs with the Valongo Trail Club on Saturdays.\n"
    answerer = _answerer(tmp_path, embedder, {"selkie.yaml": selkie, "about.md": about})
    answer = _ask(answerer, "What is the name of the Norwegian customer that received the gliders?")
    assert not answer.grounded, answer.text
    assert "Valongo Trail Club" in _ask(answerer, "What is the name of the running club she is in?").text


def test_idris_pages_answer_what_a_recruiter_asks_first(tmp_path: Path, embedder: Embedder) -> None:
    # Idris's CV (a table of jobs, then sections on two of them), about page and FAQ.
    names = ("cv.md", "about.md", "faq.md")
    answerer = _answerer_of(tmp_path, embedder, "kb_sixteenth", "Idris Kallenbach-Moyo", names)
    # An FAQ's "Not actively." says no to its own question.
    assert _ask(answerer, "Are they looking for a job?").text.startswith("No")
    # "Based in: Rotterdam", not a line using the word "based".
    based = _ask(answerer, "Where is Idris based?").text.removeprefix("From Idris' documents:").strip()
    assert "Based in: Rotterdam" in based.split("\n")[0], based
    # "What does Idris do?" is about them, not a vague word to clarify.
    assert not _ask(answerer, "What does Idris do?").clarifying
    # The jobs once each: the CV's table, not its sections on two of them as well.
    history = _ask(answerer, "Summarise their experience").text
    assert history.count("Quillstone") == 2 and "Storage team (Sep 2021" not in history, history


def test_who_she_is_comes_from_what_her_page_says_not_its_fields(tmp_path: Path, embedder: Embedder) -> None:
    about = (
        "# About me\n\nName: Ada Quill\nPronouns: she/her\n\nHi, I'm Ada. I build firmware for weather stations.\n\n"
        "## Before tech\n\nBefore moving into tech in 2020, Ada spent eight years as a pastry chef.\n"
    )
    skills = "skills:\n  languages:\n    - Rust\n    - C\n  tools:\n    - Git\n    - KiCad\n"
    answerer = _answerer(tmp_path, embedder, {"about.md": about, "skills.yaml": skills})
    text = _ask(answerer, "What does Ada do?").text
    assert "firmware" in text and "Pronouns" not in text, text
    # "Before tech" is a time, not her tech stack.
    text = _ask(answerer, "What did she do before tech?").text
    assert "pastry chef" in text and "KiCad" not in text, text


def test_a_rating_is_a_number_and_a_month_is_no_person(tmp_path: Path, embedder: Embedder) -> None:
    profile = "hobbies:\n  - club chess, mostly rapid and blitz\n  - cycling\n"
    publications = (
        "@patent{us1094, author = {Quill, Ada and two Nimbus co-inventors}, title = {Idempotent settlement},\n"
        "  number = {US 10,944,318 B2}, note = {Filed March 2018, granted March 2021.} }\n"
    )
    answerer = _answerer(tmp_path, embedder, {"profile.yaml": profile, "publications.txt": publications})
    for question in ("What is her chess rating?", "Who were the co-inventors on her patent?"):
        answer = _ask(answerer, question)
        assert not answer.grounded, (question, answer.text)


def test_when_she_started_is_read_from_the_job_not_a_sentence_naming_it(tmp_path: Path, embedder: Embedder) -> None:
    cv = (
        "# CV\n\n## Experience\n\n### Highlights by role\n\n#### Kestrelpay GmbH (Sep 2021 – Present)\n\n"
        "- Led the payments platform.\n\n#### Ledgerline B.V. (Jan 2017 – Aug 2021)\n\n- Built the ledger.\n"
    )
    letter = (
        "# Cover letter\n\nBefore Kestrelpay I was Principal Engineer at Ledgerline in Amsterdam from January 2017 to "
        "August 2021. I would like to join your team.\n"
    )
    answerer = _answerer(tmp_path, embedder, {"cv.md": cv, "cover-letter.md": letter})
    text = _ask(answerer, "when did she start at kestrelpay?").text
    assert "Sep 2021" in text and "2017" not in text, text


def test_where_and_when_she_studied_is_her_education(tmp_path: Path, embedder: Embedder) -> None:
    cv = (
        "# CV\n\nAfter studying engineering at the University of Valencia, Ada worked on card payments in London.\n\n"
        "## Education\n\n- MSc Advanced Computing, Birkbeck, University of London — Oct 2012 – Sep 2014.\n"
        "- Computer engineering degree, University of Valencia — 2001 – 2006.\n"
    )
    text = _ask(_answerer(tmp_path, embedder, {"cv.md": cv}), "Where and when did she study?").text
    assert "Birkbeck" in text and "2014" in text and "2006" in text, text


def test_which_positions_he_currently_holds_are_the_rows_up_to_the_present(tmp_path: Path, embedder: Embedder) -> None:
    # Ansel's documents: a table of part-time, advisory and board roles, two of them to the present.
    answerer = _answerer_of(tmp_path, embedder, "kb_eighteenth", "Ansel Quintero-Vogelsang")
    text = _ask(answerer, "What board or advisory positions does he currently hold?").text
    assert "Open Payments Interop Foundation" in text and "Caja Solidaria" in text and "Fernhill" not in text, text


def test_two_jobs_compared_by_a_measure_give_the_measure(tmp_path: Path, embedder: Embedder) -> None:
    answerer = _answerer_of(tmp_path, embedder, "kb_eighteenth", "Ansel Quintero-Vogelsang")
    question = "Which is bigger: the engineering team he built at Mintpost or the organisation he runs at Kestrelpay?"
    text = _ask(answerer, question).text
    assert "46 engineers" in text, text


def test_ansels_pages_answer_where_he_is_what_he_does_and_speaks(tmp_path: Path, embedder: Embedder) -> None:
    answerer = _answerer_of(tmp_path, embedder, "kb_eighteenth", "Ansel Quintero-Vogelsang")
    # "Location: Hamburg" at the top of his CV, wherever retrieval looked.
    assert "Location: Hamburg, Germany" in _ask(answerer, "Where is he based?").text
    # What a page says of him, not his profile's fields.
    text = _ask(answerer, "What does he do?").text
    assert "Pronouns" not in text and "Payments" in text, text
    # A language record by its language.
    assert "Spanish (Level: native)" in _ask(answerer, "What languages does he speak?").text


def test_a_list_kept_in_two_documents_adds_only_what_the_first_does_not_name(
    tmp_path: Path, embedder: Embedder
) -> None:
    profile = (
        "certifications:\n  - name: IOSH Managing Safely\n    issued: 2024-05\n  - name: Certified ScrumMaster (CSM)\n"
        "    issued: 2019-10\n"
    )
    resume = (
        "RESUME\n\nCERTIFICATIONS\n--------------\n  * IOSH Managing Safely                 2024 (valid to 2027)\n"
        "  * Certified ScrumMaster, Scrum Alliance  2019 (expired 2021)\n  * IPC J-STD-001 Specialist  2017\n"
    )
    answerer = _answerer(tmp_path, embedder, {"profile.yaml": profile, "resume.txt": resume})
    text = _ask(answerer, "What certifications does she have?").text
    assert text.count("IOSH") == 1 and text.count("ScrumMaster") == 1 and "IPC J-STD-001" in text, text


def test_an_faq_answer_a_hedge_and_another_persons_birth_are_read_for_what_they_say(
    tmp_path: Path, embedder: Embedder
) -> None:
    faq = (
        "# FAQ\n\n## Do you have a PhD?\n\nNo. I have a BSc in Computing Science from the University of Glasgow "
        "(2014). I've thought about a part-time PhD on build-system correctness, but it's not on the cards.\n\n"
        "## Family\n\nMy daughter was born in February 2023 and I took seven months of parental leave.\n"
    )
    answerer = _answerer(tmp_path, embedder, {"faq.md": faq})
    # The FAQ's "No." answers its question, whichever of its lines is closest; a hedge says no yes.
    assert _ask(answerer, "does she have a phd?").text.startswith("No")
    # Her daughter's birth is not hers; her daughter's name is not given.
    for question in ("When was she born?", "What is her daughter's name?"):
        answer = _ask(answerer, question)
        assert not answer.grounded, (question, answer.text)


def test_open_source_is_said_by_a_licence_and_denied_by_not(tmp_path: Path, embedder: Embedder) -> None:
    answerer = _answerer_of(tmp_path, embedder, "kb_nineteenth", "Ysolde Karamanlis-Brecht", ("presskit.md",))
    text = _ask(answerer, "How many open-source tools has she released?").text
    # cooktrace is MIT-licensed; Kiln's section says it is not open source.
    assert "cooktrace" in text and "gritcache" in text and "Kiln" not in text, text


def test_an_interview_answer_says_yes_only_to_its_own_question(tmp_path: Path, embedder: Embedder) -> None:
    interview = (
        "THE TOOLSMITH'S BENCH\nTranscript lightly edited.\n\nQ: How did you end up in tools?\n\n"
        "A: By accident. I loved making other people faster.\n\nQ: Then you moved to Sweden.\n\n"
        "A: Yes, in December 2020, which was a strange time to move countries.\n\nQ: Would you relocate again?\n\n"
        "A: Yes, to Lisbon, if the role is right.\n"
    )
    answerer = _answerer(tmp_path, embedder, {"interview.txt": interview})
    assert not _ask(answerer, "Did she enjoy tools?").text.startswith("Yes")
    # "Q: Would you relocate again?" "A: Yes, to Lisbon": a yes to what she would do.
    text = _ask(answerer, "Would she relocate?").text
    assert text.startswith("Yes — ") and "Lisbon" in text, text
    # Ysolde's interview: "Then you moved to Sweden." "A: Yes, in December 2020" is no yes to relocating.
    (tmp_path / "ysolde").mkdir()
    ysolde = _answerer_of(
        tmp_path / "ysolde", embedder, "kb_nineteenth", "Ysolde Karamanlis-Brecht", ("interview.txt",)
    )
    assert not _ask(ysolde, "Is she open to relocating?").text.startswith("Yes")


def test_an_interview_question_comes_with_its_reply_and_for_a_job_asks_nothing(
    tmp_path: Path, embedder: Embedder
) -> None:
    """Was the bare "Q: Would you relocate?" (its reply says no yes or no), and "Would she move to
    Stockholm for a job?" asked about jobs too."""
    faq = (
        "# FAQ — things people usually ask me\n\n**Q: How did you get into firmware?**\n\n"
        "A: Through a robotics club at school.\n\n**Q: Would you relocate?**\n\n"
        "A: Only to Grenoble or Geneva. Not Paris, and not outside Europe for the moment.\n\n"
        "**Q: What's your notice period?**\n\nA: Three months.\n"
    )
    answerer = _answerer(tmp_path, embedder, {"faq.md": faq})
    text = _ask(answerer, "Would she relocate for a job?").text
    assert "Grenoble or Geneva" in text and not text.startswith(("Yes", "No")), text
    assert analyse("Would he move to Stockholm for the right role?").terms == (stem("relocate"), "stockholm")


def test_an_interviewers_statement_is_settled_by_the_reply_and_only_for_what_happened(
    tmp_path: Path, embedder: Embedder
) -> None:
    ysolde = _answerer_of(tmp_path, embedder, "kb_nineteenth", "Ysolde Karamanlis-Brecht", ("interview.txt",))
    # "Q: Then you moved to Sweden." "A: Yes, in December 2020": she did relocate ...
    for question in ("Did she move to Sweden?", "Did she relocate?"):
        text = _ask(ysolde, question).text
        assert text.startswith("Yes — ") and "December 2020" in text, text
    # ... which says nothing of whether she would again.
    for question in ("Would she relocate?", "Is she willing to move?"):
        assert not _ask(ysolde, question).text.startswith(("Yes", "No")), question
    assert analyse("Is she open to relocating?").willing and not analyse("Did she relocate?").willing


def test_an_faq_answers_its_own_question_whatever_the_wording(tmp_path: Path, embedder: Embedder) -> None:
    ysolde = _answerer_of(tmp_path, embedder, "kb_nineteenth", "Ysolde Karamanlis-Brecht", ("faq.md", "interview.txt"))
    # "Would you relocate?" "No, not before 2027.": "open" is no attribute of relocating.
    text = _ask(ysolde, "Is she open to relocating?").text
    assert text.startswith("No — ") and "not before 2027" in text, text
    # "What kind of work are you NOT interested in?" is about work: the whole list.
    text = _ask(ysolde, "What kind of work is she not interested in?").text
    assert all(item in text for item in ("Gameplay programming", "Blockchain", "crunch", "take-home")), text


@pytest.fixture(scope="module")
def odalys(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> Answerer:
    """Odalys's documents (tests/data/kb_twentieth): a PDF transcript, project pages with front
    matter, a plain-text resume written without the accents her other pages use."""
    return _answerer_of(tmp_path_factory.mktemp("odalys"), embedder, "kb_twentieth", "Odalys Fenwick-Adebayo")


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        # The transcript is headed "University College Cork": its supervisor is the one at UCC.
        ("Who supervised her final-year project at UCC?", "Deirdre Hallinan"),
        # The project page's front matter says "licence: MIT".
        ("What licence is ringlog released under?", "Licence: MIT"),
        # "Ardán" in the question, "Ardan" in the resume.
        ("Who does she report to at Ardán?", "Martin Okafor"),
        # Her talks' entry naming FOSDEM, not a project page's "I talked about it ... at FOSDEM".
        ("What talk did she give at FOSDEM?", "ringlog at five"),
        # What she studied, not the "Period of study" dates.
        ("What did she study at University College Cork?", "Electrical and Electronic Engineering"),
        # Her son's birth is the one asked about.
        ("What year was her son born?", "2019"),
    ],
)
def test_what_the_documents_hold_around_a_line_answers_it(odalys: Answerer, question: str, expected: str) -> None:
    text = _ask(odalys, question).text
    assert expected in text, text


def test_what_she_will_not_work_on_is_her_preferences_not_her_jobs(odalys: Answerer) -> None:
    text = _ask(odalys, "What kinds of work is she not interested in?").text
    assert all(item in text for item in ("defence", "gambling", "crypto")) and "Ardan" not in text, text
    # "Yes: defence or weapons, ..." answers a question; "Yes" is no field's name.
    assert [u.kind for u in parse_units("About\n\nYes: defence or weapons, gambling.")] == ["sentence"]


@pytest.mark.parametrize(
    "question",
    [
        "What school does her son Femi go to?",  # "our son Femi" says who Femi is, not his school
        "What does her partner Tomás do for a living?",  # nor "my partner Tomás" his job
        "When was she born?",  # her son's birth is not hers
        # "Volunteer mentor, CoderDojo Cork": "Volunteer" opens the line, it names no mentor.
        "What's the name of the other mentor she runs the CoderDojo sessions with?",
    ],
)
def test_a_line_about_someone_does_not_answer_what_it_does_not_say(odalys: Answerer, question: str) -> None:
    answer = _ask(odalys, question)
    assert not answer.grounded, answer.text


def test_words_are_compared_without_their_accents_and_a_leisure_heading_is_not_about_work() -> None:
    assert stem("Ardán") == stem("Ardan") and stem("Malmö") == "malmo"
    assert stem("work") not in heading_stems("Outside work") and stem("hobbies") in heading_stems("Outside work")
    assert analyse("What school does her son Femi go to?").heads == (("femi", "son"),)


def test_a_page_of_talks_lists_its_talks_not_its_other_records(tmp_path: Path, embedder: Embedder) -> None:
    talks = (Path(__file__).resolve().parents[2] / "knowledge" / "talks.txt").read_text(encoding="utf-8")
    answerer = _answerer(tmp_path, embedder, {"talks.txt": talks})
    text = _ask(answerer, "What talks has she given?").text
    assert all(name in text for name in ("DevHarbor 2023", "Øresund", "NordStream", "Gothenburg Python")), text
    assert "Podcast:" not in text and "Last updated" not in text, text
    # The talk asked for by its venue comes with its title line.
    (tmp_path / "gdc").mkdir()
    gdc = {
        "talks.md": "# Talks\n\n## Conference talks\n\n"
        '2022 "Fourteen Minutes: Taming CI Build Times". GDC 2022, Tools Summit, San Francisco.\n\n'
        '2019 "Your Asset Pipeline Is a Compiler". Develop:Brighton 2019, Brighton.\n'
    }
    text = _asked_of(tmp_path / "gdc", embedder, gdc, "What talk did she give at GDC?")
    assert "Fourteen Minutes" in text and "Asset Pipeline" not in text, text
    # "How much faster ...?" asks for a change, not for money ("how much does she make").
    asked = analyse("How much faster did Cinder make full rebuilds?")
    assert asked.change and not asked.quantity, asked


def test_a_list_longer_than_an_answer_says_how_many_it_leaves_out(tmp_path: Path, embedder: Embedder) -> None:
    awards = "# Awards\n\n" + "".join(f"- Award number {n}, {2010 + n}\n" for n in range(1, 11))
    answerer = _answerer(tmp_path, embedder, {"awards.md": awards})
    text = _ask(answerer, "What awards has she won?").text
    assert "Award number 8" in text and "Award number 9" not in text, text
    assert text.endswith("…and 2 more in Ada's documents."), text


@pytest.fixture(scope="module")
def benedikt(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> Answerer:
    """Benedikt's documents (tests/data/kb_twentyfirst): a CV with bold fields, a /uses page, a
    contact YAML with a "speaking" section, numbered publications."""
    root = tmp_path_factory.mktemp("benedikt")
    return _answerer_of(root, embedder, "kb_twentyfirst", "Benedikt Oyelaran-Sørensen")


@pytest.mark.parametrize(
    ("question", "expected", "unexpected"),
    [
        # The fullest list of languages that holds no programming one: not his talks' two, nor
        # his /uses page's Python and Go.
        ("What languages does he speak?", ("Danish", "English", "Yoruba", "German"), ("Python", "SQL")),
        # "Reports to: Astrid Lindqvist, CTO" names his manager; "ML Engineering Manager" is no one.
        ("Who is his manager?", ("Astrid Lindqvist",), ("Vitalis",)),
        # The AUROC asked, not a score: "What AUROC did his ... score get?"
        ("What AUROC did his sepsis early-warning score get in external validation?", ("0.81",), ()),
        # "aiming for" is his goal: "Goal: under 3:15".
        ("What time is he aiming for in the Valencia Marathon?", ("3:15",), ()),
        # The degree itself, wherever retrieval left it, not "ten years after the PhD".
        ("Does he have a PhD?", ("Yes — ", "PhD in Epidemiology, University of Copenhagen"), ()),
        # A thesis titled "Early Warning from Noisy Signals" lists no wards.
        ("Which hospital wards piloted his sepsis early-warning score?", (), ("186 p.", "Supervisors")),
    ],
)
def test_benedikts_documents_answer_what_is_asked(
    benedikt: Answerer, question: str, expected: tuple[str, ...], unexpected: tuple[str, ...]
) -> None:
    text = _ask(benedikt, question).text
    assert all(fact in text for fact in expected) and not any(wrong in text for wrong in unexpected), text


@pytest.fixture(scope="module")
def maya(sample_index: Path, embedder: Embedder) -> Answerer:
    """The sample knowledge base (read only)."""
    return Answerer(Retriever(Index(str(sample_index)), embedder), LLMChain([]), owner="Maya Okonkwo-Lindqvist")


def test_the_job_before_or_after_a_named_one(maya: Answerer, benedikt: Answerer) -> None:
    for question, expected in (
        ("Where did she work before Tidewell?", "Corvid Analytics"),
        ("Who did she work for before Tidewell Health?", "Corvid Analytics"),
        ("Where did she work after leaving Corvid Analytics?", "Tidewell Health"),
    ):
        text = _ask(maya, question).text
        assert expected in text and text.count("[") == 1, (question, text)
    # A work history of undated headings, each dated by its "When:" field.
    assert "Vitalis Health" in _ask(benedikt, "Where did he work before Tidewell?").text
    # "Who does he work for?" asks for his employer, not for a person named in a line.
    text = _ask(benedikt, "Who does he work for?").text
    assert "Tidewell" in text and "Freja" not in text, text


def test_a_wrapped_line_that_goes_on_is_not_an_entry_of_its_own() -> None:
    text = (
        "CV > Certificates\n\n"
        "AWS Certified Solutions Architect – Associate (2023), Certified Kubernetes Administrator\n"
        "(2023), CDISC SDTM Implementation (2023). Full list with IDs in certificates.pdf."
    )
    found = [u.text for u in parse_units(text) if u.kind == "sentence"]
    assert found[0].endswith("Certified Kubernetes Administrator (2023), CDISC SDTM Implementation (2023)."), found
    # Lines that each carry a date are entries still.
    dated = "CV > Timeline\n\n2019 Joined Kapsel Health\n2021 Moved to Berlin"
    assert [u.text for u in parse_units(dated) if u.kind == "sentence"] == [
        "2019 Joined Kapsel Health",
        "2021 Moved to Berlin",
    ]


def test_a_line_under_a_denial_says_no_to_what_it_names(benedikt: Answerer) -> None:
    # "Do not contact about: roles requiring relocation outside the Nordics (including London, ...)".
    assert _ask(benedikt, "Would he move to London?").text.startswith("No — ")
    # ... and says nothing of relocating as such; his "ok" list says yes to Stockholm.
    assert not _ask(benedikt, "Would he relocate?").text.startswith(("Yes", "No"))
    assert _ask(benedikt, "Would he move to Stockholm?").text.startswith("Yes — ")


def test_a_thesis_asked_of_a_degree_is_its_thesis_field(tmp_path: Path, embedder: Embedder) -> None:
    """Was "Funding: ..." (the PhD record's first field) for the PhD, a course row "Master thesis"
    for the MSc, and "What grade did she get for her PhD thesis?" was answered with the thesis."""
    cv = (
        "# Curriculum Vitae — Ada Quill\n\n## Education\n\n"
        "### PhD, Computational Biology — University of Cambridge\n\n"
        "- **Funding:** Wellcome Trust PhD studentship (4-year programme)\n"
        "- **Dates:** Oct 2014 – Sep 2018\n"
        "- **Thesis:** *Deep generative models of single-cell chromatin accessibility*\n"
        "- **Supervisor:** Dr Helen Marsh\n\n"
        "### MSc Bioinformatics — University of Edinburgh\n\n"
        "- **Dissertation:** *Benchmarking variant callers on low-coverage ancient DNA*\n"
        "- **Dissertation mark:** 78\n\n"
        "#### Courses (MSc)\n\n| Course | Credits | Mark |\n| --- | --- | --- |\n"
        "| Master thesis project | 60 | 78 |\n| Statistics for genomics | 20 | 71 |\n"
    )
    publications = (
        "# Publications\n\n## Other\n\n"
        "- PhD thesis: Deep generative models of single-cell chromatin accessibility. University of "
        "Cambridge, 2019.\n- A PhD poster at ISMB 2017 on sparse counts.\n"
    )
    answerer = _answerer(tmp_path, embedder, {"cv.md": cv, "publications.md": publications})
    phd = _ask(answerer, "What was Ada's PhD thesis about?").text
    assert "chromatin accessibility" in phd and "Funding" not in phd, phd
    msc = _ask(answerer, "What was her MSc thesis about?").text
    assert "ancient DNA" in msc and "Master thesis project" not in msc, msc
    assert _ask(answerer, "What grade did she get for her PhD thesis?").text.startswith("I don't have that")


def test_certifications_are_picked_by_their_status_field(tmp_path: Path, embedder: Embedder) -> None:
    """certs.yaml, a list of records, was skipped; "Short courses (not certifications)" was taken
    for the certifications; every record has "Expires:", so "expired" told none apart."""
    certs = (
        "- name: Google Cloud Professional Machine Learning Engineer\n  status: active\n"
        "  issued: 2024-05-20\n  expires: 2026-05-20\n"
        "- name: Certified Kubernetes Application Developer (CKAD)\n  status: active\n"
        "  issued: 2024-11-08\n  expires: 2026-11-08\n"
        "- name: AWS Certified Machine Learning Specialty\n  status: expired\n"
        "  issued: 2021-03-15\n  expires: 2024-03-15\n"
        "- name: TensorFlow Developer Certificate\n  status: expired\n  issued: 2020-08-04\n  expires: 2023-08-04\n"
    )
    cv = (
        "# CV — Ada Quill\n\n## Education\n\nPhD, University of Cambridge, 2019.\n\n"
        "### Short courses (not certifications)\n\n- fast.ai Practical Deep Learning (2019)\n"
        "- NHS Digital Clinical Safety e-learning (2023)\n"
    )
    answerer = _answerer(tmp_path, embedder, {"certs.yaml": certs, "cv.md": cv})
    written = date(2025, 6, 1)  # when the statuses were true
    active = _ask(answerer, "Which of her certifications are currently active?", written).text
    assert "Google Cloud" in active and "CKAD" in active, active
    assert "AWS" not in active and "fast.ai" not in active, active
    expired = _ask(answerer, "Which certifications has she let expire?", written).text
    assert "AWS" in expired and "TensorFlow" in expired and "CKAD" not in expired, expired


def test_validity_is_judged_by_the_expiry_date_on_the_day_asked(tmp_path: Path, embedder: Embedder) -> None:
    """Records with dates and no status (one that never expires: "expires: null"), and a note
    gone stale: "Which are still valid?" and "Is it still valid?" depend on the day."""
    certs = (
        "# expires: null = doesn't expire\n"
        "Certified Kubernetes Administrator (CKA):\n  issuer: CNCF\n  issued: 2023-05-22\n  expires: 2026-05-22\n"
        "  notes: active\n"
        "HashiCorp Certified Terraform Associate (003):\n  issuer: HashiCorp\n  issued: 2025-06-12\n"
        "  expires: 2027-06-12\n"
        "ITIL 4 Foundation:\n  issuer: PeopleCert\n  issued: 2020-01-17\n  expires: null\n"
        "Cisco CCNA:\n  issuer: Cisco\n  issued: 2016-02-11\n  expires: 2019-02-11\n"
    )
    answerer = _answerer(tmp_path, embedder, {"certifications.yaml": certs})
    question = "Which of her certifications are still valid?"
    before, after = date(2026, 1, 10), date(2026, 12, 7)
    valid = _ask(answerer, question, before).text
    assert all(name in valid for name in ("CKA", "Terraform", "ITIL")) and "CCNA" not in valid, valid
    valid = _ask(answerer, question, after).text
    assert all(name in valid for name in ("Terraform", "ITIL")) and "CKA" not in valid, valid
    expired = _ask(answerer, "Which of her certifications have expired?", after).text
    assert "CKA" in expired and "CCNA" in expired and "Terraform" not in expired, expired
    cka = "Is her Certified Kubernetes Administrator certification still valid?"
    assert _ask(answerer, cka, before).text.startswith("Yes"), _ask(answerer, cka, before).text
    no = _ask(answerer, cka, after).text
    assert no.startswith("No") and "2026-05-22" in no, no
    itil = _ask(answerer, "Does her ITIL certification expire?", after).text
    assert itil.startswith("No") and "never" in itil, itil


def test_where_she_is_based_is_her_location_field(tmp_path: Path, embedder: Embedder) -> None:
    """Was her name's fields ("Full: Ada Quill"), her "Github: .../adaquill" (close in meaning to a
    question naming her), or "Hi, I'm Ada." (her name taken for a place)."""
    facts = (
        "name:\n  full: Ada Quill\n  preferred: Ada\nlinks:\n  github: https://github.com/adaquill\n"
        "location:\n  city: Lyon\n  country: France\n"
    )
    about = "# About\n\nHi, I'm Ada.\n\nI write firmware for infusion pumps.\n"
    cv = "# CV\n\n## Education\n\n### BSc Physics — Brackenford University\n\n- Location: Brackenford, UK\n"
    answerer = _answerer(tmp_path, embedder, {"facts.yaml": facts, "about.md": about, "cv.md": cv})
    for question in ("Where is Ada based?", "Where is she based?"):
        text = _ask(answerer, question).text
        assert "Lyon" in text and "France" in text, text
        assert not any(wrong in text for wrong in ("Github", "Brackenford", "Hi, I'm", "Full:")), text


def test_how_to_contact_her_is_the_channels_the_documents_give(tmp_path: Path, embedder: Embedder) -> None:
    """Was contact.yaml's name and pronouns, "CMake, GitLab CI" of a skills list, or, in documents
    without the word "contact", a line on contract work ("contact" mended to "contract")."""
    contact = (
        "name: Ada Quill\npronouns: she/her\nlocation: Cork, Ireland\n"
        "channels:\n  - type: email\n    address: ada@quill.example\n    note: best for anything new\n"
        "  - type: linkedin\n    url: https://www.linkedin.com/in/ada-quill\n"
        "  - type: phone\n    note: no unannounced calls\n"
        "do_not_contact_about:\n  - crypto projects\n  - unpaid take-home tasks\n"
    )
    (tmp_path / "a").mkdir()
    answerer = _answerer(tmp_path / "a", embedder, {"contact.yaml": contact})
    text = _ask(answerer, "How can I contact her?").text
    assert all(channel in text for channel in ("ada@quill.example", "linkedin.com/in/ada-quill", "phone")), text
    assert not any(wrong in text for wrong in ("she/her", "crypto", "Cork")), text
    assert "ada@quill.example" in _ask(answerer, "What's her email?").text
    cv = (
        "# Ada Quill\n\nTest Automation Engineer · Cork, Ireland · ada@quill.example · github.com/adaquill\n\n"
        "## Skills\n\n- CMake\n- GitLab CI\n\n## Education\n\n"
        "- Capstone: a test framework run in GitHub Actions\n- Looking for: permanent roles, no contract work\n"
    )
    (tmp_path / "b").mkdir()
    answerer = _answerer(tmp_path / "b", embedder, {"cv.md": cv})
    for question in ("How can I contact Ada?", "How do I get in touch with Ada?"):
        text = _ask(answerer, question).text
        assert "ada@quill.example" in text and "GitLab" not in text and "contract" not in text, text
    (tmp_path / "c").mkdir()
    answerer = _answerer(
        tmp_path / "c", embedder, {"cv.md": cv.replace(" · ada@quill.example · github.com/adaquill", "")}
    )
    assert _ask(answerer, "How can I contact Ada?").text.startswith("I don't have that")


def test_there_after_where_she_worked_is_the_place_answered(tmp_path: Path, embedder: Embedder) -> None:
    """Was the place the question named: "Where did she work before Kerlys?" "How long was she
    there?" gave her Kerlys dates."""
    resume = (
        "# Resume\n\n## Experience\n\n### Kerlys Medical — Lyon\n\n- Lead Firmware Engineer, Jan 2024 – present\n"
        "- Leads a team of nine engineers.\n\n### Solvane Mobility — Lyon\n\n"
        "- Senior Firmware Engineer, Sep 2019 – Feb 2022\n- One of a team of six firmware engineers.\n\n"
        "### Vantrel Automotive — Toulouse\n\n- Embedded Software Engineer, 2016 – 2019\n"
        "- Part of a team of 14 engineers.\n"
    )
    answerer = _answerer(tmp_path, embedder, {"resume.md": resume})
    before, there, team = _conversation(
        answerer, "Where did she work before Kerlys Medical?", "How long was she there?", "How big was the team there?"
    )
    assert "Solvane" in before.text, before.text
    assert "Sep 2019" in there.text and "Jan 2024" not in there.text, there.text
    assert "six" in team.text and "nine" not in team.text, team.text


def test_a_project_named_by_its_title_words_at_an_employer_is_that_project(tmp_path: Path, embedder: Embedder) -> None:
    """Was the first section whose heading names the employer: a side project's "Not a Kerlys
    project"; and "Which RTOS" was read as a list of RTOs."""
    occlusion = (
        "---\ntitle: Occlusion detection rework — KM-300 infusion pump\nemployer: Kerlys Medical\n---\n\n"
        "## Context\n\nThe KM-300 is an ambulatory infusion pump. An occlusion is a blockage downstream.\n\n"
        "## Tech stack\n\n- C11, Zephyr RTOS, nRF5340\n"
    )
    ringtrace = (
        "---\ntitle: ringtrace — a tiny trace logger (side project)\n---\n\n## What it is\n\nA Rust crate for logs.\n\n"
        "## Not a Kerlys project\n\nJust to be clear: this is a personal project written in my own time. At Kerlys "
        "the RTOS is chosen for us.\n\n## Tech stack\n\n- Rust, embassy\n"
    )
    (tmp_path / "projects").mkdir()
    (tmp_path / "projects" / "ringtrace.md").write_text(ringtrace, encoding="utf-8")
    answerer = _answerer(tmp_path, embedder, {"projects/occlusion.md": occlusion})
    about, rtos = _conversation(
        answerer, "Tell me about the occlusion detection project at Kerlys.", "Which RTOS did it run on?"
    )
    assert "ambulatory infusion pump" in about.text and "personal project" not in about.text, about.text
    # Its write-up names Kerlys only in its front matter: its lines are about it all the same.
    assert "Zephyr" in rtos.text and "chosen for us" not in rtos.text, rtos.text
    asked = analyse("Which RTOS did it run on?")
    assert asked.kind is not Kind.LIST and "rtos" in asked.terms, asked


def test_projects_under_labels_are_listed_by_name(tmp_path: Path, embedder: Embedder) -> None:
    """Was "Work: every model change is replayed ..." (a list inside one project) for the projects
    under "## Work": entries with records and prose of their own are listed by name."""
    projects = (
        "# Projects\n\n## Work\n\n### Triage Assistant\n\nStack: Python, FastAPI\nTeam size: 5\n\n"
        "Reads referral letters and suggests an urgency.\n\nThings I'm proud of:\n\n"
        "- every model change is replayed against 4,000 labelled letters\n- triage time fell to 6 hours\n\n"
        "### FoldServe\n\nStack: PyTorch, Triton\n\nServes protein embeddings to scientists.\n\n"
        "## Side projects\n\n### IgboTone\n\nStack: Kotlin\n\nA tone trainer for Igbo learners.\n"
    )
    skills = "# Skills\n\n## Languages\n\n### Systems\n\n- Rust\n- C\n\n### Scripting\n\n- Python\n- Bash\n"
    answerer = _answerer(tmp_path, embedder, {"projects.md": projects, "skills.md": skills})
    text = _ask(answerer, "What projects has she worked on?").text
    assert all(name in text for name in ("Triage Assistant", "FoldServe", "IgboTone")), text
    assert "replayed" not in text, text
    text = _ask(answerer, "What programming languages does she know?").text
    assert "Rust" in text and "Python" in text, text


def test_what_kind_of_work_is_every_item_of_its_list(tmp_path: Path, embedder: Embedder) -> None:
    """Was only the items that say "work": "kind of work" names what is listed, not which of it."""
    about = (
        "# About\n\n## What she is looking for\n\nSenior hands-on roles in health ML.\n\n"
        "### She is not interested in\n\n- advertising technology (ad-tech)\n- crypto / web3 anything\n"
        "- defence or weapons-related work\n- pure people-management roles with no hands-on work\n"
    )
    text = _asked_of(tmp_path, embedder, {"about.md": about}, "What kind of work is she not interested in?")
    assert all(item in text for item in ("ad-tech", "crypto", "defence", "people-management")), text


def test_how_good_she_is_at_a_language_is_its_level(tmp_path: Path, embedder: Embedder) -> None:
    """Was refused ("level" is no word of the documents) or a line with "good" in it."""
    profile = "name: Ada Quill\nlanguages:\n  French: native\n  Spanish: C1 (professional working proficiency)\n"
    cv = (
        "# CV\n\n## Human languages\n\n| Language | Level | Notes |\n| --- | --- | --- |\n"
        "| Igbo | Conversational (roughly A2) | family calls |\n| Swedish | Native | |\n\n"
        "## Hobbies\n\nBouldering, around V5 on a good day. My Igbo isn't good enough for the news.\n"
    )
    answerer = _answerer(tmp_path, embedder, {"profile.yaml": profile, "cv.md": cv})
    assert "C1" in _ask(answerer, "What level is her Spanish?").text
    igbo = _ask(answerer, "How good is her Igbo?").text
    assert "Conversational" in igbo and "V5" not in igbo, igbo
    assert _ask(answerer, "What level is her German?").text.startswith("I don't have that")


def test_case_studies_are_projects_and_a_title_that_says_something_is_no_topic(
    tmp_path: Path, embedder: Embedder
) -> None:
    """The clarifying question listed "verified in one sitting: rebuilding business verification",
    a case study's title, as a topic; case studies are projects."""
    study = (
        '---\ntitle: "Verified in one sitting: rebuilding business verification"\nclient: Banquise\n---\n\n'
        "## Outcome\n\nCompletion rose from 61% to 78% after it shipped.\n"
    )
    (tmp_path / "case-studies").mkdir()
    answerer = _answerer(
        tmp_path,
        embedder,
        {"case-studies/verification.md": study, "resume.md": "# Resume\n\n- Frontend Engineer, 2021\n"},
    )
    text = _ask(answerer, "Experience?").text
    assert "projects" in text and "verified" not in text.lower(), text


def test_a_move_she_made_says_nothing_of_one_she_would_make(tmp_path: Path, embedder: Embedder) -> None:
    """Was "Yes — In 2019 I moved to Nordlicht Digital, a Berlin agency ..." to "Is she open to
    relocating?"; the answer is her relocation section."""
    about = (
        "# About me\n\nIn 2019 I moved to Nordlicht Digital, a Berlin agency with a Montréal office.\n\n"
        "In my last year I moved into a design technologist role.\n"
    )
    profile = "work_preferences:\n  relocation:\n    open: true\n    only_to:\n      - Lisbon\n      - Mexico City\n"
    answerer = _answerer(tmp_path, embedder, {"about.md": about, "profile.yaml": profile})
    text = _ask(answerer, "Is she open to relocating?").text
    assert text.startswith("Yes — ") and "Lisbon" in text and "Nordlicht" not in text, text


def test_neither_says_no_and_a_name_with_its_initials_is_a_bare_heading(tmp_path: Path, embedder: Embedder) -> None:
    """ "A PhD or a master's?" "Neither." said nothing; "Certified Kubernetes Administrator (CKA)",
    a heading, was the whole answer to whether it is still valid."""
    faq = (
        "# FAQ\n\n### Does she have a PhD or a master's?\n\nNeither. She has a BSc in Computer Engineering "
        "from FEUP, finished in 2015.\n\nA part-time master's is something she is planning to apply for.\n"
    )
    certs = "Certified Kubernetes Administrator (CKA):\n  issuer: CNCF\n  issued: 2019-05-22\n  expires: 2022-05-22\n"
    answerer = _answerer(tmp_path, embedder, {"faq.md": faq, "certifications.yaml": certs})
    text = _ask(answerer, "Does she have a master's degree?").text
    assert text.startswith("No — ") and "BSc" in text, text
    valid = _ask(answerer, "Is her Certified Kubernetes Administrator certification still valid?").text
    assert valid.strip() != "From Ada's documents: Certified Kubernetes Administrator (CKA) [1]", valid


def test_when_she_could_start_is_her_earliest_start_not_her_notice(tmp_path: Path, embedder: Embedder) -> None:
    """Was refused: "notice" is a word for availability, so only "Notice period: 3 months" (no
    date) was taken for the asked field of the record, and "Earliest start" was not heard."""
    search = "availability:\n  notice_period: 3 months\n  earliest_start: 2026-03-01\n"
    answerer = _answerer(tmp_path, embedder, {"job_search.yaml": search})
    assert "2026-03-01" in _ask(answerer, "When could she start?").text
    both_parts = _ask(answerer, "What's her notice period and when could she start?").text
    assert "3 months" in both_parts and "2026-03-01" in both_parts, both_parts


def test_lettered_and_numbered_entries_are_items_and_listed_without_their_notes(
    tmp_path: Path, embedder: Embedder
) -> None:
    """ "a) ..." and "[2] ..." entries with hanging lines were sentences (a number wrapped onto a
    line, "1047732. NN/g ...", even made a list of its own); a list of publications gave their
    "Note:" lines and the page's "Last updated:" with them; "What has he published?" gave the one
    line that says "published"."""
    certs = (
        "CERTIFICATIONS\n--------------\n\n"
        "  a) Web Accessibility Specialist (WAS), IAAP. Earned 17 October 2023,\n     valid until 2026. ACTIVE.\n\n"
        "  b) Certified Professional in Accessibility (CPACC), IAAP. Expired June\n     2022; I let it lapse.\n\n"
        "  c) UX Certification (UXC), Nielsen Norman Group. Earned 2018, certificate number\n"
        "     1047732. NN/g certifications do not expire, so this one is ACTIVE.\n"
    )
    publications = (
        "PUBLICATIONS - Ada Quill\nLast updated: 2 October 2025\n\nJOURNAL ARTICLES\n\n"
        "[1] Quill A, Madsen K. Emergency department chief complaints as an early\n"
        "    signal of influenza activity. Scand J Public Health. 2014;42(6):571-579.\n"
        "    Note: first paper from my PhD.\n\n"
        "[2] Quill A, Holm P. Correcting for reporting delays: a Bayesian nowcasting\n"
        "    approach. Epidemiol Infect. 2016;144(9):1901-1910.\n"
        "    Note: CORRECTED. A correction was published in 2021.\n"
    )
    answerer = _answerer(tmp_path, embedder, {"education.txt": certs, "publications.txt": publications})
    active = _ask(answerer, "Which of her certifications are still active?").text
    assert "Web Accessibility Specialist" in active and "UX Certification" in active, active
    assert "CPACC" not in active, active
    published = _ask(answerer, "What has she published?").text
    assert "Emergency department chief complaints" in published and "Bayesian nowcasting" in published, published
    assert "Note:" not in published and "Last updated" not in published, published


def test_how_much_she_reduced_it_is_the_line_with_the_before_and_after(tmp_path: Path, embedder: Embedder) -> None:
    """Was the problem statement (its "below 100 µA" target and the 480 µA it drew), closer in
    meaning, over the outcome "95 µA (down from 480 µA)"."""
    project = (
        "# Low-power body control module\n\n**Problem:** the OEM's new platform asked for a BCM quiescent current "
        "below 100 µA with the vehicle parked. The existing BCM drew about 480 µA parked.\n\n## What changed\n\n"
        "**Outcome:** quiescent current of **95 µA** (down from 480 µA), inside the OEM spec.\n"
    )
    (tmp_path / "projects").mkdir()
    text = _asked_of(
        tmp_path,
        embedder,
        {"projects/bcm.md": project},
        "How much did she reduce the quiescent current of the body control module?",
    )
    first = text.removeprefix("From Ada's documents:").strip().split("\n")[0]
    assert "down from 480" in first, text


def test_a_json_resume_work_history_is_her_career(tmp_path: Path, embedder: Embedder) -> None:
    """Jobs kept as records (a JSON Resume's "work:") are her work history, each in one line with
    its role and dates; "her career path" is her career; "currently" is not a job that ended."""
    line = "      - Led migration number {} of the billing platform to the new ledger\n"
    highlights = "".join(line.format(n) for n in range(8))
    resume = (
        "basics:\n  name: Ada Quill\n  label: Director of Engineering\n"
        "work:\n"
        f"  - name: Kestrelpay\n    position: Director of Engineering\n    startDate: '2023-04'\n"
        f"    highlights:\n{highlights}"
        "  - name: Mintpost\n    position: Tech Lead\n    startDate: '2011-11'\n    endDate: '2014-06'\n"
        "    team: grew engineering from 3 to 14 engineers\n"
    )
    bio = "# About Ada\n\nSince April 2023 Ada has led an organisation of 46 engineers in six teams at Kestrelpay.\n"
    answerer = _answerer(tmp_path, embedder, {"resume.yaml": resume, "about.md": bio})
    career = _ask(answerer, "Summarise her career path.").text
    assert "Kestrelpay: Director of Engineering, since 2023-04" in career, career
    assert "Mintpost: Tech Lead, 2011-11 – 2014-06" in career, career
    lead = _ask(answerer, "How many engineers does she currently lead?").text
    assert "46" in lead and "14 engineers" not in lead, lead


def test_an_open_range_a_full_date_and_a_verb_apart_from_its_noun() -> None:
    from folio.answers.text import CURRENT, DATE

    # "2022-03 to date" is a job held now, as "since 2022" is.
    assert CURRENT.search("Principal SRE | PayFlow (Pty) Ltd | 2022-03 to date")
    assert not CURRENT.search("Senior SRE | TripNest Online (Pty) Ltd | 2019-07 to 2022-02")
    # A day, its month and year are one date, not a range of two.
    assert len(DATE.findall("All times SAST (UTC+2), 29 November 2024.")) == 1
    # "presented her work" says nothing of the present.
    assert stem("presented") != stem("present") == stem("current")


def test_what_was_achieved_is_what_was_done_and_a_tcc_is_a_thesis() -> None:
    achieved = analyse("what did she achieve at Tamarindo?", owner_words=frozenset())
    done = analyse("what did she do at Tamarindo?", owner_words=frozenset())
    assert (achieved.kind, achieved.terms) == (done.kind, done.terms)
    # A line naming a euphonium names an instrument.
    assert stem("instrument") in named_kinds("Euphonium, Lakeshore Concord Brass (Toronto), since fall 2021")
    # A Brazilian degree's final project, "TCC", is its thesis.
    assert stem("TCC") == stem("thesis") == stem("dissertation")
