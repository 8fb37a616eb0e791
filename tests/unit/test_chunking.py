from __future__ import annotations

from folio.chunking import chunk_document
from folio.documents import Document, Section


def _doc(*sections: Section, title: str = "Resume") -> Document:
    return Document(source="resume.md", title=title, doc_type="resume", sections=list(sections), sha256="x")


def test_every_chunk_starts_with_its_heading_path() -> None:
    doc = _doc(Section(("Work", "Acme"), "Built a feature store. " * 80))
    chunks = chunk_document(doc, max_chars=400, overlap=60)
    assert len(chunks) > 2
    assert all(c.text.startswith("Resume > Work > Acme\n\n") for c in chunks)
    assert all(len(c.text) <= 400 for c in chunks)


def test_long_sections_overlap_on_whole_sentences() -> None:
    sentences = [f"Sentence number {n} is here." for n in range(60)]
    chunks = chunk_document(_doc(Section(("Bio",), " ".join(sentences))), max_chars=300, overlap=80)
    first, second = chunks[0].text.split("\n\n", 1)[1], chunks[1].text.split("\n\n", 1)[1]
    last_of_first = first.rsplit(". ", 1)[-1]
    first_of_second = second.split(". ", 1)[0] + "."
    assert last_of_first in second, "the next chunk repeats the end of the previous one"
    assert first_of_second in first
    assert len(second.split(last_of_first)[0]) <= 80, "no more than the overlap is repeated"
    for chunk in chunks:
        body = chunk.text.split("\n\n", 1)[1]
        assert body.startswith("Sentence number") and body.endswith("is here.")


def test_table_rows_and_list_items_are_never_cut() -> None:
    header = "| Code | Course | Grade |\n|---|---|---|"
    rows = [f"| C{n:03d} | Course title number {n} with words | A- |" for n in range(40)]
    items = [f"- item {n}: a list entry that is long enough to matter" for n in range(30)]
    doc = _doc(Section(("Courses",), header + "\n" + "\n".join(rows)), Section(("Skills",), "\n".join(items)))
    chunks = chunk_document(doc, max_chars=500, overlap=100)
    table_chunks = [c for c in chunks if "Courses" in c.text.split("\n\n")[0]]
    assert len(table_chunks) > 1
    for chunk in table_chunks:
        body = chunk.text.split("\n\n", 1)[1]
        assert body.startswith("| Code | Course | Grade |"), "every slice repeats the table header"
    all_lines = [line for c in chunks for line in c.text.splitlines()]
    for line in rows + items:
        assert line in all_lines
    assert {line for line in all_lines if line.startswith(("| C0", "- item"))} == set(rows + items)


def test_a_list_of_wrapped_items_is_cut_between_items() -> None:
    # Each item wraps onto an indented line: the items, not their lines, are the list.
    items = [f"- **{2000 + n}** — joined company {n} as an engineer,\n  and shipped product {n}." for n in range(20)]
    chunks = chunk_document(_doc(Section(("Timeline",), "\n".join(items))), max_chars=400, overlap=80)
    assert len(chunks) > 1
    bodies = "\n".join(c.text.split("\n\n", 1)[1] for c in chunks)
    for item in items:
        assert item in bodies  # whole, with its line break, never glued to the next item


def test_a_long_section_of_fields_is_cut_between_lines_never_joined_into_prose() -> None:
    fields = "\n".join(f"Field number {n}: a value that is long enough to fill the chunk" for n in range(30))
    body = f"{fields}\nNot interested in:\n  - ad-tech\n  - online gambling"
    chunks = chunk_document(_doc(Section(("Job preferences",), body)), max_chars=400, overlap=60)
    assert len(chunks) > 1
    for chunk in chunks:
        lines = chunk.text.split("\n\n", 1)[1].splitlines()
        assert all(line.startswith(("Field number", "Not interested", "  - ")) for line in lines), chunk.text
    assert chunks[-1].text.endswith("Not interested in:\n  - ad-tech\n  - online gambling")


def test_short_sibling_sections_are_packed_together() -> None:
    doc = _doc(Section(("Problem",), "Slow."), Section(("Stack",), "Go."), Section(("Role",), "Lead."), title="P")
    [chunk] = chunk_document(doc)
    assert chunk.section == "Problem, Stack, Role"
    assert "## Stack\nGo." in chunk.text


def test_ids_are_content_addressed_so_editing_one_section_keeps_the_others() -> None:
    big = "x " * 500
    before = chunk_document(_doc(Section(("A",), "Alpha. " + big), Section(("B",), "Beta. " + big)))
    after = chunk_document(_doc(Section(("A",), "Alpha changed. " + big), Section(("B",), "Beta. " + big)))
    assert [c.id for c in before] == [
        c.id for c in chunk_document(_doc(*[Section(("A",), "Alpha. " + big), Section(("B",), "Beta. " + big)]))
    ]
    b_before = {c.id for c in before if c.section == "B"}
    b_after = {c.id for c in after if c.section == "B"}
    assert b_before and b_before == b_after
    assert {c.id for c in before if c.section == "A"}.isdisjoint(c.id for c in after if c.section == "A")


def test_each_of_several_dated_entries_is_a_chunk_of_its_own() -> None:
    """A talk a paragraph ("2022  "Fourteen Minutes" ... GDC 2022 ..."): found by what it alone says."""
    entries = [
        f'{2019 + n}  "Talk number {n}". Conference {n}, City {n}.\n      Co-presented with colleague {n}.'
        for n in range(4)
    ]
    chunks = chunk_document(_doc(Section(("Talks",), "\n\n".join(entries))), max_chars=800, overlap=120)
    bodies = [c.text.split("\n\n", 1)[1] for c in chunks]
    assert bodies == entries
    # Two are no list of them: packed as any paragraphs are.
    packed = chunk_document(_doc(Section(("Talks",), "\n\n".join(entries[:2]))), max_chars=800, overlap=120)
    assert len(packed) == 1


def test_a_paragraph_leading_into_a_list_goes_on_with_it() -> None:
    """Was the last line of one chunk, its list the next chunk: "* Bouldering" knew no hobby."""
    from folio.answers.units import parse_units

    fields = "\n".join(f"Field {n}: a value of some length for the record" for n in range(6))
    hobbies = "\n".join(f"* Hobby number {n}, done a few evenings a week at a gym in town." for n in range(9))
    body = f"{fields}\n\nHi! I write the code that runs on small things. Outside work:\n\n{hobbies}"
    chunks = chunk_document(_doc(Section(("About me",), body)), max_chars=800, overlap=120)
    listed = next(c for c in chunks if "Hobby number 0" in c.text)
    assert "Outside work:" in listed.text
    units = parse_units(listed.text)
    hobby = next(u for u in units if u.text.startswith("Hobby number 0"))
    assert hobby.path[-1] == "Outside work", hobby
    # A sentence that goes on into its list names none: "Day to day I:" > "* lead the team".
    said = [u for u in parse_units("Resume > About\n\nDay to day I:\n\n* lead the team\n") if u.kind == "item"]
    assert said[0].path == ("Resume", "About"), said
