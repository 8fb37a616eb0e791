"""What reaches a client is plain text: markup an answer never uses is removed, text is kept."""

from __future__ import annotations

import pytest

from folio.markup import plain_text, safe_url


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("<script>alert(1)</script>An A- [1].", "An A- [1]."),
        ("<SCRIPT type=module>\nfetch('/x')\n</SCRIPT >ok", "ok"),
        ("An A- [1]. <script>never closed", "An A- [1]. "),
        ("<img src=x onerror=alert(1)>An A- [1].", "An A- [1]."),
        ("<img src=x onerror=alert(1)", ""),
        ('<a href="javascript:alert(1)" onclick="x()">her thesis</a> [2]', "her thesis [2]"),
        ("[her thesis](javascript:alert(1)) [1]", "her thesis [1]"),
        ("![x](https://evil.example/track.gif)seen [1]", "xseen [1]"),
        ("[1](javascript:alert(document.cookie))", "[1]"),
        ("[a](javascript:alert((1)))", "a"),
        ("JavaScript:alert(1) and java\tscript:alert(2)", "alert(1) and alert(2)"),
        ("data:text/html,<b>x</b>", ",x"),
        ("<!-- hidden --><iframe src=//evil></iframe>done", "done"),
        ("<scr<script>ipt>alert(1)</script>", ""),
        ("bell\x07 and\x1b[31m red\x00", "bell and[31m red"),
        ("right\u202eto left\u2066isolated\u2069", "rightto leftisolated"),
    ],
)
def test_markup_and_control_characters_are_removed(raw: str, clean: str) -> None:
    assert plain_text(raw) == clean


@pytest.mark.parametrize(
    "text",
    [
        "p99 latency < 20 ms, and 3 > 2 [1]",
        "She rates C++ & Rust highly [1][2].",
        "- Kafka [1]\n- Flink [2]\n\tindented",
        "**Based in:** Gothenburg [1] <3",
        "Family: 👩‍👩‍👧 [1]",  # zero-width joiners are not controls
        "I don't have that in my documents.",
        "[1] (see the transcript)",
    ],
)
def test_plain_text_is_kept_as_it_is(text: str) -> None:
    assert plain_text(text) == text


@pytest.mark.parametrize(
    ("url", "kept"),
    [
        ("https://maya.example.dev/about", "https://maya.example.dev/about"),
        ("HTTP://maya.example.dev", "HTTP://maya.example.dev"),
        ("mailto:maya@example.dev", "mailto:maya@example.dev"),
        ("/projects/riptide", "/projects/riptide"),
        ("javascript:alert(1)", ""),
        (" JaVaScRiPt:alert(1)", ""),
        ("java\nscript:alert(1)", ""),
        ("data:text/html;base64,PHNjcmlwdD4=", ""),
        ("//evil.example/x", ""),
        ("vbscript:msgbox", ""),
        ("", ""),
    ],
)
def test_only_web_links_survive_as_urls(url: str, kept: str) -> None:
    assert safe_url(url) == kept
