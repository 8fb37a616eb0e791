"""Extractive answers read from records as CVs and transcripts write them: dated entries, grades,
awards, releases, a job's dates, an FAQ's opening line, a sentence of two figures (real model,
real index, no LLM)."""

from __future__ import annotations

import asyncio
from datetime import date
from typing import TYPE_CHECKING

import pytest

from folio.answering import Answerer
from folio.answers.conversation import follow_up
from folio.answers.question import analyse
from folio.answers.text import lasting, span_months
from folio.documents import DATED_ENTRY
from folio.index import Index
from folio.ingest import run_ingest
from folio.llm import LLMChain
from folio.retrieval import Retriever
from folio.sessions import Turn

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from folio.embeddings import Embedder

CV = """# Ada Quill: Curriculum Vitae

## Positions

**2024–present** Staff Engineer, Tiderow ApS, Copenhagen. Promoted January 2024.

**2020–2023** Research Engineer, Clachan Speech Ltd., Edinburgh (Feb 2020 – Dec 2023). Led text normalisation.

**2014–2019** Doctoral researcher, Department of Language Science and Technology, Saarland University.

## Education

**2014–2019** PhD in Computational Linguistics, Saarland University. Advisor: Prof. Ewan MacLeod. *Summa cum laude*.

**2012–2013** MSc in Speech Processing, University of Edinburgh. Awarded with Distinction; dissertation mark 79.

**2008–2012** BA in Linguistics, Universidad Autónoma de Madrid. Thesis: *Clitic climbing*. Final average 9.1/10.

## Awards

**2019** Best Paper Award, SIGMORPHON Workshop, for "Segmentation with weak supervision".
**2017** Outstanding Paper Award, EMNLP 2017, for "Segment, then translate?".

## Certifications

**2024** Certified Kubernetes Application Developer (CKAD). Issued 14 October 2024, valid until 14 October 2026. Active.
**2021** AWS Certified Machine Learning – Specialty. Issued 22 March 2021, expired 22 March 2024.

## Languages

Dutch: A2. I passed the inburgering A2 exams in 2021 and I am doing a B1 evening course this winter.

## Spoken languages

English (native), Scottish Gaelic (conversational), Norwegian (basic), te reo Māori (beginner).

## References

Prof. MacLeod writes: Ada has told me she wants to move into software engineering full time.
"""

TRANSCRIPT = """# Transcript of Records

## Examinations

- Functional Analysis (MAT/05): 26/30 - 6 ECTS - 2012-02-28
- Stochastic Processes (MAT/06): 30/30 - 9 ECTS - 2012-06-21
- Continuous Optimization (MAT/09): 27/30 - 9 ECTS - 2013-01-29

## In progress

| Course | Credits | Grade |
|---|---|---|
| Capstone Consulting Project | 40 | IP |
"""

PROJECTS = """# rebanada

A morphology-aware subword tokenizer with a Rust core.

## Releases

| Version | Date | Highlights |
|---|---|---|
| 2.0.0 | 2025-01-28 | Streaming API |
| 1.3.0 | 2023-05-22 | WASM build |
| 1.0.0 | 2022-03-15 | Stable API |

## Other things I maintain

- glosa: a text normaliser for Spanish and Danish, 430 stars.
- segmenta: my PhD code, archived in 2020.
"""

TALKS = """talks:
  - title: Semantic search without the smoke
    event: PyCon ES 2024 (keynote)
    city: Vigo
    audience: 420
  - title: Hybrid search is not dead
    event: Berlin Buzzwords 2024
    city: Berlin
    audience: 280
"""

FAQ = """# Things people ask me

### Would you relocate?

Open to relocating within the EU only. That rules out the UK and the US, sorry.

### Is there anything you won't work on?

Crypto and ad-tech. Logistics, energy or climate data would make me very happy.

### Are you looking for a new job?

What I'd like next is a staff data engineer role, as a permanent employee.

### Do you run?

On the road I've done one marathon, Rotterdam 2019 in 3:28:14, and my half marathon PB is 1:36:50.
"""

DOSE_RADAR = """---
title: Dose Radar
year: 2022
stack: [Python, Apache Airflow, dbt, PostgreSQL, Metabase]
---

# Dose Radar

An antimicrobial prescribing pipeline for four acute trusts.
"""

SUMMARY = """# Summary

Eight-plus years in the NHS, first on the wards, then building the pipelines pharmacy teams use.
A freelance iOS developer for almost four years before that. I became staff engineer in 2023.

## Talks

7 conference and meetup talks since 2017.

## Apps

| App | Year | Downloads |
|---|---|---|
| Ligature | 2017 | ~45k |

## Experience

### Severnside University Hospitals NHS Trust

**Specialist Pharmacist** · Oct 2017 – Feb 2019<br>
**Rotational Pharmacist** · Aug 2015 – Sep 2017<br>
"""

JOBS = """work:
  - name: Verskast
    position: Data Engineer
    startDate: '2020-06'
    endDate: '2022-08'
    summary: Online grocery delivery. Joined as Junior Data Engineer, promoted to Data Engineer in 2021.
"""


@pytest.fixture(scope="module")
def ada(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> Answerer:
    root = tmp_path_factory.mktemp("ada")
    files = {
        "cv.md": CV,
        "transcript.md": TRANSCRIPT,
        "rebanada.md": PROJECTS,
        "talks.yaml": TALKS,
        "faq.md": FAQ,
        "jobs.yaml": JOBS,
        "dose-radar.md": DOSE_RADAR,
        "summary.md": SUMMARY,
    }
    for name, text in files.items():
        (root / name).write_text(text, encoding="utf-8")
    index = Index(str(root / ".index"))
    run_ingest(root, index, embedder)
    return Answerer(Retriever(index, embedder), LLMChain([]), owner="Ada Quill")


def _text(answerer: Answerer, question: str, history: tuple[str, ...] = ()) -> str:
    async def asked() -> str:
        turns: list[Turn] = []
        for earlier in history:
            answer = await answerer.answer(earlier, today=date(2025, 6, 1))
            turns.append(Turn(earlier, answer.text))
        return (await answerer.answer(question, history=turns, today=date(2025, 6, 1))).text

    return asyncio.run(asked())


@pytest.mark.parametrize(
    ("line", "entry"),
    [
        ("**2024** Certified Kubernetes Application Developer", True),
        ("**2020–2023** Research Engineer, Clachan", True),
        ("**2019–present** Lead maintainer", True),
        ("2017-09  left teaching", True),
        ("2019 was a good year", False),
        ("**Acme** 2019", False),
    ],
)
def test_a_bold_date_opens_a_dated_entry(line: str, entry: bool) -> None:
    assert bool(DATED_ENTRY.match(line)) is entry


def test_a_length_of_months_in_words() -> None:
    assert span_months("Start date: 2020-06 End date: 2022-08") == 26
    assert lasting(26) == "2 years and 2 months"
    assert lasting(12) == "1 year"
    assert lasting(5) == "5 months"


def test_dated_paragraph_entries_are_records_with_their_status(ada: Answerer) -> None:
    """Lines each opened by a bold year are entries; "still valid" reads each whole entry's dates."""
    valid = _text(ada, "Which of her certifications are still valid?")
    assert "Certified Kubernetes Application Developer" in valid, valid
    assert "AWS" not in valid and "Issued 14 October" not in valid, valid


@pytest.mark.parametrize(
    ("question", "expected", "unexpected"),
    [
        # A grade in the sentence naming what was graded.
        ("What mark did she get in Functional Analysis?", "26/30", "27/30"),
        ("What grade did she get for her BA?", "9.1/10", "summa cum laude"),
        # An award asked by what won it.
        ("Which of her papers won an Outstanding Paper Award?", "Segment, then translate", "weak supervision"),
        # An audience counts people.
        ("How many people were in the audience for her PyCon ES keynote?", "420", "280"),
        # A version the documents write longer.
        ("When did rebanada reach 1.0?", "2022-03-15", "2023-05-22"),
        # A bound on where she would move answers for a place never named.
        ("Would she consider relocating to London for a job?", "within the EU only", "Yes"),
        # An FAQ's opening line answers its question.
        ("Which industries won't she work in?", "Crypto and ad-tech", "would make me very happy"),
        # What she would like is not what she had.
        ("What kind of roles is she open to?", "staff data engineer role", "Research Engineer"),
        # The role she joined as, not the one she ended with.
        ("What position did she start with at Verskast?", "Junior Data Engineer", "Staff Engineer"),
        # Of two figures in one sentence, the clause that says the asked one.
        ("What's her half marathon personal best?", "1:36:50", "3:28:14"),
        # A front matter's list of words is one line, and PostgreSQL is a database.
        ("What database did Dose Radar use?", "PostgreSQL", "Oct 2017"),
        ("What was the tech stack for Dose Radar?", "Stack: Python, Apache Airflow, dbt", "Oct 2017"),
        # A length stated outright, before the dates of the jobs it took in.
        ("How long did she spend working in the NHS?", "Eight-plus years", "Rotational"),
        # A count of talks "given": the talks counted.
        ("How many talks has she given?", "7 conference and meetup talks", "Crypto"),
        # "freelancer" is written "freelance"; "became" is "become".
        ("How long was she a freelancer?", "almost four years", "Crypto"),
        ("When did she become a staff engineer?", "I became staff engineer in 2023", "2014"),
        # A list of the owner's things by her name, as by her pronoun.
        ("Which of Ada's certifications are still valid?", "Certified Kubernetes Application Developer", "AWS"),
        # A list of languages written in one line.
        ("What languages does Ada speak?", "Scottish Gaelic (conversational), Norwegian", "Go, Python"),
        # Moving into a field is no move of home: the bound on relocating answers.
        ("Would she relocate for the right job?", "within the EU only", "software engineering"),
        # A verdict on validity in words.
        ("Is her AWS certification still valid?", "No, it has expired", "CKAD"),
        # A summary of the jobs a field names says what each did.
        ("Summarise her work in speech technology.", "text normalisation", "Saarland"),
    ],
)
def test_records_answer_what_is_asked(ada: Answerer, question: str, expected: str, unexpected: str) -> None:
    text = _text(ada, question)
    assert expected in text and unexpected not in text, text


def test_how_long_she_was_somewhere_is_counted_from_its_dates(ada: Answerer) -> None:
    text = _text(ada, "How long was she at Verskast?")
    assert text.startswith("2 years and 2 months"), text


@pytest.mark.parametrize(
    "question",
    [
        # No grade for it: the thesis's title, or the degree's grade beside it, is no answer.
        "What grade did her BA thesis on clitic climbing receive?",
        # Another level than the one she passed.
        "What result did she get in her Dutch B1 exam?",
        # A thing named in lower case that has no such number.
        "How many downloads does glosa have on PyPI?",
        # All time is not the year asked.
        "How many downloads did Ligature get in 2025 alone?",
        # The noun asked for is nowhere in the documents ("What is the weather ...").
        "What's the weather like in Copenhagen this week?",
        "What is Ada's h-index?",
        # "IP" under "Grade" is no grade yet.
        "What grade did she get for the Capstone Consulting Project?",
    ],
)
def test_near_misses_of_records_are_refused(ada: Answerer, question: str) -> None:
    text = _text(ada, question)
    assert text.startswith("I don't have that"), text


def test_a_pronoun_of_someone_else_leans_on_the_turn_before() -> None:
    """ "his thesis with her": she is the advisor just named, so the question is a follow-up."""
    history = [Turn("Who was his PhD advisor?", "Advisor: Prof. Dr. Henrike Albrecht.")]
    question = "What was his thesis with her about?"
    turn = follow_up(question, analyse(question), history, analyse)
    assert turn.search == f"Who was his PhD advisor? {question}" and turn.topic == ("phd",)
    alone = "What was his thesis about?"
    assert follow_up(alone, analyse(alone), history, analyse).search == alone


def test_a_follow_up_on_one_degree_is_not_answered_by_another_s_entry(ada: Answerer) -> None:
    """The PhD's entry says no "dissertation"; the MSc's does, but it is the MSc's."""
    text = _text(ada, "How was her dissertation with him graded?", history=("Who was her PhD advisor?",))
    assert "79" not in text and "Distinction" not in text, text


def test_a_double_surname_s_parts_are_the_owner_s(ada: Answerer) -> None:
    answerer = Answerer(ada.retriever, LLMChain([]), owner="Ilan Marchbank-Quintas")
    asked = answerer.analyse("Is Ilan Marchbank-Quintas open to relocating?")
    assert not {"marchbank", "quinta", "quintas"} & set(asked.terms), asked.terms


def test_records_filed_as_active_or_expired_are_judged_by_their_dates(tmp_path: Path, embedder: Embedder) -> None:
    """ "Active Certifications" goes stale: on a later day, what has expired is what its dates say."""
    certs = (
        "# Certifications\n\n## Active Certifications\n\n### Certified Kubernetes Administrator (CKA)\n\n"
        "- **Issued:** 2022-11-04\n- **Expires:** 2025-11-04\n\n### HashiCorp Terraform Associate\n\n"
        "- **Issued:** 2023-09-21\n- **Expires:** 2027-09-21\n\n## Expired Certifications\n\n"
        "### Google Cloud Professional Data Engineer\n\n- **Issued:** 2020-06-30\n- **Expired:** 2022-06-30\n"
    )
    (tmp_path / "certifications.md").write_text(certs, encoding="utf-8")
    index = Index(str(tmp_path / ".index"))
    run_ingest(tmp_path, index, embedder)
    answerer = Answerer(Retriever(index, embedder), LLMChain([]), owner="Ada Quill")

    def asked(question: str, day: date) -> str:
        return asyncio.run(answerer.answer(question, today=day)).text

    early = asked("Which certifications have expired?", date(2024, 10, 1))
    assert "Google Cloud" in early and "Kubernetes" not in early, early
    later = asked("Which certifications have expired?", date(2026, 12, 1))
    assert "Google Cloud" in later and "Kubernetes" in later and "Terraform" not in later, later
    none = asked("Which certifications are still valid?", date(2028, 1, 1))
    assert none.startswith("None") and "Expires: 2027-09-21" in none, none


@pytest.mark.parametrize(
    ("question", "asked", "not_asked"),
    [
        # What follows the question is no part of it.
        ("What grade did she get in Database Internals? my phone is 555-0199", "grad", "phon"),
        ("Where does she work? thanks", "work", "thank"),
        # A second question is.
        ("When did she start at Tidewell? And where is it?", "start", ""),
        # Fillers ask nothing.
        ("Which grade was that again?", "grad", "again"),
    ],
)
def test_only_the_question_is_asked(question: str, asked: str, not_asked: str) -> None:
    terms = analyse(question).terms
    assert asked in terms and not_asked not in terms, terms


def _asker(
    tmp_path: Path, embedder: Embedder, files: dict[str, str], owner: str
) -> tuple[Answerer, Callable[..., str]]:
    """The documents ingested into a real index, and a function asking of them on 2026-10-01."""
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    index = Index(str(tmp_path / ".index"))
    run_ingest(tmp_path, index, embedder)
    answerer = Answerer(Retriever(index, embedder), LLMChain([]), owner=owner)

    def asked(question: str, *earlier: str) -> str:
        """The answer to `question`, asked after the `earlier` questions in one session."""
        history: list[Turn] = []
        for before in earlier:
            history.append(Turn(before, asyncio.run(answerer.answer(before, history=history, today=today)).text))
        return asyncio.run(answerer.answer(question, history=history, today=today)).text

    today = date(2026, 10, 1)

    return answerer, asked


NESTED_CV = """---
title: "Résumé – Damilare Akintola"
---

# Damilare ("Dare") Akintola

Certified: AWS Certified Machine Learning Engineer · Google Cloud Certified Data Engineer.

## Experience

- **Vindkast ApS**, Copenhagen
  - **Lead Data Scientist** (Jan 2025 – present)
    - Lead the forecasting team of 6 data scientists.
  - **Senior Data Scientist** (Mar 2023 – Dec 2024)
    - Built a Playwright + TypeScript test framework.

## Certifications

- **AWS Certified Machine Learning Engineer** — Amazon Web Services
  - Expires: 12 Nov 2027
- **Databricks Certified ML Professional** — Databricks
  - Expires: 20 Feb 2027
- **Google Cloud Certified Data Engineer** — Google Cloud
  - ~~Expires: 14 Apr 2023~~ — **EXPIRED**

## Publications

Papers I wrote, with the journals that published them:

- Year: 2022; Title: A convolutional emulator for katabatic winds; Venue: JAMES
- Year: 2021; Title: Stability-dependent ramp statistics over the North Sea; Venue: Geophysical Research Letters

## Teaching

| Term | Students |
|---|---|
| Spring 2025 | 20 |
| Autumn 2026 | enrolment open, starts 7 Nov 2026 |
"""

MSC_TRANSCRIPT = """# MSc Transcript

Credit-weighted average mark: 68.5

Final classification: Master of Science in Software Engineering with Merit
"""


def test_records_in_nested_lists_are_read_as_records(tmp_path: Path, embedder: Embedder) -> None:
    files = {"resume.md": NESTED_CV, "transcript.md": MSC_TRANSCRIPT}
    answerer, asked = _asker(tmp_path, embedder, files, "Damilare Akintola")

    # What the documents also call him is his name, not a thing asked about.
    assert "dare" not in answerer.analyse("When did Dare start at Vindkast?").terms
    started = asked("When did Dare start at Vindkast?")
    assert "Mar 2023" in started, started
    # An item over items is a record: its status is in the items under it (a summary naming it
    # says nothing of that).
    google = asked("Is his Google Cloud data engineer cert still valid?")
    assert google.startswith("No, it has expired") and "14 Apr 2023" in google, google
    counted = asked("How many of his certifications are currently valid?")
    assert counted.startswith("2 —") and "Google" not in counted, counted
    # A count under its column's name, not a date in it.
    assert "20" in asked("How many students were in his Spring 2025 class?")
    assert asked("How many students have signed up for the Autumn 2026 class?").startswith("I don't have that")
    # A year names which one: "the 2021 paper", not a line on papers of no year.
    venue = asked("Where was his 2021 paper published?")
    assert "Geophysical Research Letters" in venue and "JAMES" not in venue, venue
    result = asked("What was his overall result for the MSc?")
    assert "Merit" in result and "68.5" in result, result


def test_what_the_documents_call_her_and_what_they_only_seem_to_say(tmp_path: Path, embedder: Embedder) -> None:
    faq = (
        "# FAQ\n\nQ: What should I call her?\nA: Her full name is Ines Carvalho, but almost everyone calls her "
        '"Nesh".\n\nQ: How does she pronounce her surname?\nA: "Car-VAL-yo". The hyphen stays in.\n\n'
        "Q: Where is she based?\nA: Lisbon, Portugal.\n\n"
        "Q: How is the MSc going?\nA: Her highest mark to date is in Distributed Systems (81%).\n"
    )
    postmortem = (
        "# Postmortem: dispatch-api latency\n\n**Incident:** INC-2025-0917\n**Severity:** SEV-2\n\n## Impact\n\n"
        "Label printing stopped for 40 minutes.\n\n## Root cause\n\nThe pool size had been tuned for average "
        "load, not for the 14:00 batch. Nothing in the change was wrong on its own; the combination was.\n"
    )
    resume = (
        "# Ines Carvalho\n\n## Experience\n\n### Rotalis — SRE Manager\n\n*Jul 2023 – present · Lisbon*\n\n"
        "- The team is seven SREs today.\n\n### Bytewave — SRE\n\n*Apr 2018 – Feb 2021 · Porto*\n\n"
        "- First SRE hire; the team was 4 people by the time I left.\n\n## Side projects\n\n"
        "- **squawk** — a Slack bot that routes alerts. Go, MIT licence, about 1,200 stars on GitHub.\n"
        "- **holdpattern** — a small Go library for adaptive load shedding.\n"
    )
    about = "# About\n\n**Do you have a PhD? Are you planning one?**\nNo PhD, and no plans for one. "
    about += "My highest degree is an MSc.\n"
    certs = "# Certifications\n\nI hold the ISTQB CTFL and the Certified ScrumMaster.\n\n"
    certs += "| Name | Issued | Expires |\n|---|---|---|\n| Certified ScrumMaster (CSM) | 2022-06-15 | 2026-06-15 |\n"
    skills = "INES CARVALHO\n\nSKILLS\n\nCode ........ Python, Go\n"
    skills += "Spoken ...... English (native), Swahili (native), French (B1)\n"
    files = {"faq.md": faq, "postmortem.md": postmortem, "resume.md": resume, "about.md": about}
    files |= {"certifications.md": certs, "resume.txt": skills}
    _, asked = _asker(tmp_path, embedder, files, "Ines Carvalho")

    assert "Nesh" in asked("What's Ines's nickname?")
    # A field of the languages she speaks lists them all.
    spoken = asked("Which languages does she speak?")
    assert all(name in spoken for name in ("English", "Swahili", "French")), spoken
    # The code a document goes by names all of it; the section headed by what is asked opens with it.
    assert "pool size" in asked("What was the root cause of INC-2025-0917?")
    assert "81%" in asked("What grade did she get in Distributed Systems?")
    # A line naming it with no dates says nothing of its validity; its record does.
    scrum = asked("Is her Certified ScrumMaster certification still current?")
    assert scrum.startswith("No, it has expired"), scrum
    # A bold question says nothing; the answer after it does.
    phd = asked("Does she have a PhD?")
    assert phd.startswith("No") and "MSc" in phd, phd
    # Asked in the present: the team of the job that has not ended, its people by their role.
    team = asked("How many people are on her team?")
    assert "seven SREs" in team and "4 people" not in team, team
    # A thing named in lower case and defined ("holdpattern — a small Go library") is a name: the
    # stars of the project beside it are not its stars.
    assert "1,200" in asked("How many GitHub stars does squawk have?")
    assert asked("How many GitHub stars does holdpattern have?").startswith("I don't have that")
    # "car" only as a part of "Car-VAL-yo"; a neighbourhood the documents never name.
    assert asked("What car does she drive?").startswith("I don't have that")
    assert asked("Which neighbourhood of Lisbon does she live in?").startswith("I don't have that")


def test_records_kept_as_fields_under_their_name(tmp_path: Path, embedder: Embedder) -> None:
    cv = (
        "TOM OYELARAN\nSenior ML Engineer | Stockholm\n\nEXPERIENCE\n\n"
        "Company: Tonvag AB (music streaming)\nTitle: Senior Machine Learning Engineer, Audio\n"
        "Dates: Feb 2024 - present\nTeam: 7 (4 ML engineers, 2 data engineers, 1 product manager)\n\n"
        "Company: Korvid Studio S.A.\nTitle: Senior Gameplay Programmer\nDates: Apr 2018 - Aug 2022\n"
        "Team: a strike team of 4\n\nEDUCATION\n\nInstitution: The Open University\n"
        "Qualification: Certificate of Higher Education in Mathematics\n"
        "Status: NOT COMPLETED - withdrew after 60 of 120 credits.\n\n"
        "LANGUAGES\n\nPolish      native (bilingual household)\n"
        "Yoruba      conversational\nSwedish     A2 (CEFR)\n"
    )
    about = (
        "# About me\n\n## Short bio\n\nHe has been a member of the Audio Engineering Society since 2024. "
        "He likes long walks.\n"
    )
    modules = "".join(f"    - Module number {n} of the programme, with a long title\n" for n in range(6))
    education = (
        "- degree: MSc Software Engineering\n  institution: Calderbrook University\n  mode: online, part-time\n"
        f"  modules:\n{modules}"
        "- degree: B.Eng. Electrical Engineering\n  institution: Obafemi Awolowo University, Ile-Ife, Nigeria\n"
        "  mode: full-time\n"
    )
    transcript = (
        "# BEng transcript\n\nProgramme: Bachelor of Engineering in Electrical Engineering\n\n"
        "Marking scale: 70% and above First Class Honours; 60-69% Second Class Honours Grade I\n\n"
        "Overall mark: 71.8%\n\nFinal classification: First Class Honours\n"
    )
    talks = (
        "talks:\n  - title: From Hitboxes to Spectrograms\n    event: Audio Developer Conference 2025\n"
        "    city: Bristol, UK\n    date: 2025-11-12\n  - title: Beat-Aligned Everything\n"
        "    event: Stockholm Audio Tech Day 2026\n    city: Stockholm, Sweden\n    date: 2026-10-08\n"
    )
    files = {"cv.txt": cv, "about.md": about, "education.yaml": education, "transcript.md": transcript}
    files |= {"talks.yaml": talks, "onsetta.md": "# onsetta\n\nAn onset detection library.\n\nLicense: MIT\n"}
    _, asked = _asker(tmp_path, embedder, files, "Tom Oyelaran")

    # A job's record by its name, role and dates; a membership "since 2024" is no job.
    now = asked("Where does Tom work now and what's his role?")
    assert "Tonvag AB (music streaming): Senior Machine Learning Engineer, Audio, Feb 2024 - present" in now, now
    assert "Feb 2024" in asked("When did he join Tonvag?")
    team = asked("How big is his team at Tonvag?")
    assert "7 (4 ML engineers" in team and "strike team" not in team, team
    spoken = asked("Which languages does Tom speak?")
    assert all(name in spoken for name in ("Polish", "Yoruba", "Swedish")), spoken
    # The degree's own field; its mode the record's, not the other degree's.
    assert "MSc Software Engineering" in asked("What did he study for his master's?")
    mode = asked("Was it full-time?", "What did he study for his master's?")
    assert mode.startswith("No") and "part-time" in mode, mode
    # A scale of grades is none of his: the transcript's programme makes its lines the BEng's.
    grade = asked("What grade did he get in his BEng?")
    assert "First Class Honours" in grade and "71.8" in grade and "60-69%" not in grade, grade
    # "Did he finish it?" of a record that says it was not completed.
    finished = asked("Did Tom finish the Open University maths course?")
    assert "NOT COMPLETED" in finished, finished
    # A driving licence is not the library's "License: MIT".
    assert asked("Does Tom have a driving licence?").startswith("I don't have that")
    # Where the talk just named was held: its city, not the other talk's.
    held = asked("Where was that held?", "When did he speak at the Audio Developer Conference?")
    assert "Bristol" in held and "Stockholm" not in held, held


def test_an_interview_s_answer_is_under_its_question(tmp_path: Path, embedder: Embedder) -> None:
    faq = (
        "# FAQ\n\n**Q:** Who are you, in one line?\n**A:** Peter Njoroge — most people call me PK. "
        "I'm a Staff Data Engineer at Anga Climate Analytics.\n\n**Q:** Where are you based?\n"
        "**A:** Nairobi, Kenya (Kilimani), on East Africa Time.\n\n**Q:** Do you do consulting?\n"
        "**A:** No, not while I'm at Anga.\n"
    )
    resume = "PETER NJOROGE\nStaff Data Engineer\n\nEXPERIENCE\n\n"
    resume += "Lead Data Engineer, Jamii Bank (Mombasa) .... 2020 – 2023\n"
    answerer, asked = _asker(tmp_path, embedder, {"faq.md": faq, "resume.txt": resume}, "Peter Njoroge")

    # Initials are a name the documents call him by: "PK" is the owner, not a thing asked about.
    assert "pk" not in answerer.analyse("Where is PK based?").terms
    based = asked("Where is PK based?")
    assert "Nairobi" in based and "Mombasa" not in based, based
    assert asked("Does PK do consulting?").startswith("No")


def test_an_entry_s_list_is_the_entry_s(tmp_path: Path, embedder: Embedder) -> None:
    cv = (
        "# Catalina Fuentes, Dr.-Ing.\n\n## Education\n\n**10/2014 – 09/2016** — **M.Sc. Robotics**\n"
        "Technical University of Munich (TUM), Munich, Germany\n- Final grade: 1.4 (German scale, 1.0 = best)\n\n"
        "**03/2008 – 08/2014** — **Ingeniería Civil Electrónica**\n"
        "Universidad Técnica Federico Santa María (UTFSM), Valparaíso, Chile\n- Final grade: 6.1 / 7.0\n\n"
        "**Diploma of Graphic Design** — Collingwood School of Design, 2016–2017\n"
        "Final project: a wayfinding system for Footscray Market.\n\n"
        "## Positions\n\n**since 02/2025** — **Tech Lead, Perception**\nFeldwerk Robotics GmbH, Munich\n"
        "- Leads a team of 7 engineers\n\n**07/2022 – 01/2025** — **Senior Engineer**\nKessler Automation, Augsburg\n"
    )
    talks = (
        'TALKS\n\n2025 | FOSDEM, Brussels, Belgium\n  "ringlog at five"\n'
        "  Notes: February 2025. Five years of bug reports, ports and mistakes.\n"
    )
    _, asked = _asker(tmp_path, embedder, {"cv.md": cv, "talks.txt": talks}, "Catalina Fuentes")

    # A field of a list under an entry's lines is that entry's: the UTFSM grade, not TUM's.
    utfsm = asked("What was her final grade at UTFSM?")
    assert "6.1" in utfsm and "1.4" not in utfsm, utfsm
    # "since 02/2025" is now.
    now = asked("What does Catalina do now?")
    assert "Feldwerk" in now and "Kessler" not in now, now
    # A "Market" is no mark; "bug reports" are no people.
    assert asked("What grade did she get for the graphic design final project?").startswith("I don't have that")
    assert asked("How many people attended her FOSDEM 2025 talk?").startswith("I don't have that")


def test_what_is_still_to_come_and_words_that_are_no_typos(tmp_path: Path, embedder: Embedder) -> None:
    talks = (
        "TALKS & WORKSHOPS\nlast updated 2026-09-20\n\n"
        "2025-05-21  Design Tokens for Everyone — Design Systems Week AU, Brisbane\n"
        "2026-03-11  Workshop: Screen Reader Testing for Developers — Frontend Melbourne, Melbourne\n"
        "2026-12-04  Accessible Charts in Healthcare Dashboards — Web Directions Summit, Sydney\n"
    )
    profile = "# Profile\n\n## Music\n\n- Ensemble: Merri Community Orchestra (viola)\n"
    thesis = "# PhD\n\n- Dissertation: Grasp Planning under Shape Uncertainty\n- Oral examination: 14.07.2020\n"
    files = {"talks.txt": talks, "profile.md": profile, "phd.md": thesis}
    _, asked = _asker(tmp_path, embedder, files, "Ari Pham")

    # The first entry after today (2026-10-01), not the list's "last updated" line.
    upcoming = asked("When is their next talk?")
    assert "2026-12-04" in upcoming and "2026-03-11" not in upcoming, upcoming
    # "married" is a word of its own, not a typo of the "Merri" orchestra.
    assert asked("Is Ari married?").startswith("I don't have that")
    # A thesis defended is examined.
    assert "14.07.2020" in asked("When was their PhD defense?")


def test_a_plain_text_resume_s_employers_header_and_open_ranges(tmp_path: Path, embedder: Embedder) -> None:
    resume = (
        "Jacobus (Kobus) van Wyk\nPrincipal SRE  |  Cape Town\nkobus@vanwyk.example  ·  github.com/kobusvw\n\n"
        "SUMMARY\n\nSite reliability engineer for card payments. Ten years of on-call, and counting.\n\n"
        "EXPERIENCE\n\nPAYFLOW (Pty) Ltd - Cape Town\n\n"
        "  Principal SRE                                 2022-03 to date\n"
        "  - Lead the Reliability team (6 SREs)\n\n"
        "TRIPNEST ONLINE - Cape Town\n\n"
        "  Senior SRE                                    2019-07 to 2022-02\n"
        "  - Replaced Nagios with Prometheus\n\n"
        "OUTSIDE WORK\n\n"
        "  Chess: I coach juniors at the False Bay Junior Chess Club, since 2015.\n"
    )
    contact = "# Contact\n\n- Notice period: two calendar months\n- Earliest start date: 1 February 2027\n"
    manager = "# How I work\n\n### 1:1s\n- Weekly, 30 min, your agenda first\n\n### Feedback\n- Early and often\n"
    files = {"resume.txt": resume, "contact.md": contact, "how-i-work.md": manager}
    _, asked = _asker(tmp_path, embedder, files, "Jacobus Petrus van Wyk")

    # "2022-03 to date" is the job now, told with its employer; the chess club is no job.
    now = asked("Where does Kobus work now?")
    assert "PAYFLOW" in now and "Principal SRE" in now and "Chess" not in now, now
    # "Kobus" is what the documents call Jacobus: no unknown name to refuse on.
    assert "2019-07" in asked("When did Kobus start as a Senior SRE?")
    # A start date asked as such: the field of that name.
    assert "1 February 2027" in asked("When could he start?", "What is his notice period?")
    # A heading names a topic: the answer is what it says.
    one_to_one = asked("How does he run 1:1s?")
    assert "Weekly, 30 min" in one_to_one, one_to_one
    # A summary of his background opens with prose, not the page's header lines.
    summary = asked("Give me a quick summary of his background")
    assert "Site reliability engineer for card payments" in summary and "github.com" not in summary, summary


def test_credentials_told_apart_by_their_names_and_a_score_by_its_shape(tmp_path: Path, embedder: Embedder) -> None:
    certs = (
        "certifications:\n"
        "  - name: Certified ScrumMaster (CSM)\n    issuer: Scrum Alliance\n    issued: 2019-08-22\n"
        "    expires: 2025-08-22\n"
        "  - name: AWS Certified Cloud Practitioner\n    issuer: Amazon Web Services\n    issued: 2021-06-15\n"
        "    expires: 2024-06-15\n    notes: not renewed, went for the Developer one instead\n"
        "  - name: AWS Certified Developer – Associate\n    issuer: Amazon Web Services\n    issued: 2024-02-10\n"
        "    expires: 2027-02-10\n"
        "language_tests:\n"
        "  - test: IELTS Academic\n    date: 2024-03-09\n    overall: 7.5\n"
        "  - test: JLPT N3\n    date: 2022-12-04\n    result: pass\n"
    )
    _, asked = _asker(tmp_path, embedder, {"certs.yaml": certs}, "Luana Takeda Ferraz")

    # Named by the question's words, not by another record's notes ("went for the Developer one").
    developer = asked("Is the AWS developer certification still valid?")
    assert developer.startswith("Yes") and "2027-02-10" in developer, developer
    # A scrum master is no master's degree.
    assert asked("is her scrum master cert still valid?").startswith("No, it has expired")
    # Named by its name alone when the question's other words name it nowhere ("language").
    assert asked("is the CSM language cert still valid?").startswith("No, it has expired")
    # "Any ...?" is answered yes when every line listed is one.
    assert asked("any AWS certs?").startswith("Yes")
    # A score is a value of its own shape ("Overall: 7.5"), typed without its apostrophe.
    assert "7.5" in asked("whats her IELTS score")
    assert asked("what was her JLPT N3 score?").startswith("I don't have that")


def test_a_list_written_in_one_line_and_words_a_visitor_shortens(tmp_path: Path, embedder: Embedder) -> None:
    resume = (
        "# Thijmen Roelofsma\n\n## Languages\n\n"
        "Dutch (native) · West Frisian (native) · English (C2) · French (B2) · German (A2, mostly reading)\n\n"
        "## Experience\n\n### University of Kestrel Bay | Postdoctoral Fellow | 2019–2021\n"
        "*Halifax, NS · Apr 2019 – Jun 2021*\n\n- Few-shot dialect identification\n\n"
        "### Tonalis B.V. | Research Intern | Jun–Sep 2017\n\n- Prototyped speaker-turn detection\n\n"
        "## Certifications\n\n| Certification | Issued | Expires |\n| --- | --- | --- |\n"
        "| AWS Certified Machine Learning – Specialty | 08/2022 | 08/2025 |\n"
        "| Google Cloud Professional Machine Learning Engineer | 03/2025 | 03/2027 |\n\n"
        "## Outside work\n\nTeaching\n\nSince January 2023 I have taught CSP 214 in the evenings.\n"
    )
    _, asked = _asker(tmp_path, embedder, {"resume.md": resume}, "Thijmen Roelofsma")

    # Each language an item of its own, not one line of all of them.
    languages = asked("which languages does he speak?")
    assert "- French (B2)" in languages and "- Dutch (native)" in languages, languages
    # A postdoc is a postdoctoral fellowship (and no doctorate).
    assert "Kestrel Bay" in asked("where did he do his postdoc?")
    # "stil" is "still".
    assert asked("is his aws cert stil valid?").startswith("No, it has expired")
    # "Any ...?": yes, with the lines that are (not the Google one); a summer's job by its entry.
    aws = asked("any aws certs?")
    assert aws.startswith("Yes") and "Google" not in aws, aws
    internships = asked("did he do any internships?")
    assert internships.startswith("Yes") and "Tonalis B.V. | Research Intern" in internships, internships
    # A label standing as a line is no answer; the line under it is.
    assert "CSP 214" in asked("does he teach?")


def test_a_degree_in_progress_is_not_finished(tmp_path: Path, embedder: Embedder) -> None:
    resume = (
        "Luana Ferraz\n\nEDUCATION\n\nHarcastle University (UK) - online, part-time\n"
        "  MSc Software Engineering                     Oct 2024 - Sep 2027 (expected)\n"
        "  - In progress. 4 of 8 taught modules completed; dissertation in the final year\n\n"
        "Universidade Federal do Planalto (UFPP) - Curitiba\n"
        "  BSc Computer Science                         Mar 2010 - Dec 2014\n"
        "  - Final project: offline sync for iOS apps\n"
    )
    _, asked = _asker(tmp_path, embedder, {"resume.txt": resume}, "Luana Ferraz")

    finished = asked("did she finish her masters?")
    assert finished.startswith("No") and "Sep 2027 (expected)" in finished and "BSc" not in finished, finished


def test_where_someone_is_from_and_a_birthday_not_given(tmp_path: Path, embedder: Embedder) -> None:
    about = (
        "# About me\n\nI was born in Nairobi in 1991 and grew up in Kahawa West.\n\n"
        "## The short version\n\n- Born and raised in Nairobi, based in Berlin since August 2020\n"
    )
    _, asked = _asker(tmp_path, embedder, {"about.md": about}, "Amani Njeri Mwangi")

    assert "Nairobi" in asked("where is Amani from originally?")
    # A year of birth is no birthday; nor is the year she moved said beside "born".
    assert asked("when is her birthday?").startswith("I don't have that")
    assert "1991" in asked("when was she born?")


def test_how_long_at_an_employer_spans_every_job_there(tmp_path: Path, embedder: Embedder) -> None:
    resume = (
        "# Thijmen Roelofsma\n\n## Experience\n\n"
        "### Murmurline Inc. | Staff Research Engineer | 2024–present\n\n- Tech lead of the calibration group\n\n"
        "### Murmurline Inc. | Senior NLP Research Engineer | 2021–2024\n\n- Built the accent benchmark\n\n"
        "### University of Kestrel Bay | Postdoctoral Fellow | 2019–2021\n\n- Dialect identification\n\n"
        "## Outside work\n\n- Euphonium, Lakeshore Concord Brass, since 2021\n"
    )
    _, asked = _asker(tmp_path, embedder, {"resume.md": resume}, "Thijmen Roelofsma")

    # From the first job there to now (a promotion is no new employer), with both jobs' lines.
    tenure = asked("how long has he been at murmurline?")
    now = date.today()  # ("present" is this month)
    assert tenure.startswith(lasting(now.year * 12 + now.month - 1 - 2021 * 12)), tenure
    assert "2021–2024" in tenure and "2024–present" in tenure, tenure
    # A hobby kept "since 2021" under "Outside work" is no job.
    assert "Euphonium" not in asked("Where does Thijmen work now?")
