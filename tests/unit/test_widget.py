"""The widget's source (folio/data/widget.js) as a file: its size, and what it never calls."""

from __future__ import annotations

import gzip
import re
from importlib import resources

from folio.widget import widget_script

SOURCE = (resources.files("folio") / "data" / "widget.js").read_text(encoding="utf-8")
MAX_GZIPPED = 10 * 1024


def test_the_widget_is_at_most_10_kb_gzipped() -> None:
    size = len(gzip.compress(SOURCE.encode(), compresslevel=9))
    assert size <= MAX_GZIPPED, f"widget.js is {size} bytes gzipped"
    # Servers and CDNs often compress at a lower level: that fits as well.
    assert len(gzip.compress(SOURCE.encode(), compresslevel=5)) <= MAX_GZIPPED


def test_the_widget_parses_no_html_and_runs_no_strings() -> None:
    """Every node is made with createElement and text nodes: none of the sinks that parse markup or
    run code appears in the source, so nothing the server sends can become one."""
    sinks = ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "Function(", "srcdoc")
    assert [sink for sink in sinks if sink in SOURCE] == []
    assert not re.search(r"setTimeout\(\s*[\"'`]", SOURCE)
    assert not re.search(r"setAttribute\(\s*[\"']style", SOURCE), "a style attribute needs style-src 'unsafe-inline'"


def test_the_served_script_is_the_file_with_a_content_etag() -> None:
    script = widget_script()
    assert script.body.decode() == SOURCE
    assert script.etag.startswith('"') and len(script.etag) == 34
