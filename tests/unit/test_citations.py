from __future__ import annotations

from folio.citations import renumber


def test_cited_sources_are_renumbered_in_order_of_first_citation() -> None:
    text, cited = renumber("She works at Tidewell [3]. She studied at Vestmark [1][3].", 5)
    assert text == "She works at Tidewell [1]. She studied at Vestmark [2][1]."
    assert cited == [3, 1]


def test_grouped_and_unknown_markers() -> None:
    text, cited = renumber("Facts [2, 9] and more [7].", 3)
    assert text == "Facts [1] and more."
    assert cited == [2]


def test_no_citations() -> None:
    assert renumber("Nothing cited here.", 2) == ("Nothing cited here.", [])
