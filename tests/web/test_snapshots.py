"""Snapshots of what people read: the main pages' HTML and the API's JSON.

Compared exactly (asset version hashes and recording times aside) with the reviewed files in
snapshots/; both databases must give the same bytes. `UPDATE_SNAPSHOTS=1` rewrites them:
review the diff.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from tests.web.conftest import Web
from tests.web.seed import SLUG

SNAPSHOTS = Path(__file__).parent / "snapshots"
PAGES = {"home.html": "/", "election.html": f"/elections/{SLUG}",
         "live.html": f"/elections/{SLUG}/live"}
API = {"elections.json": "/api/elections", "election.json": f"/api/elections/{SLUG}",
       "results.json": f"/api/elections/{SLUG}/results"}


STAMP = re.compile(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?")


def _compare(name: str, text: str) -> None:
    """Times of day (when a result version was recorded) are replaced by TIMESTAMP."""
    text = STAMP.sub("TIMESTAMP", text)
    path = SNAPSHOTS / name
    if os.environ.get("UPDATE_SNAPSHOTS") == "1":
        SNAPSHOTS.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return
    if not path.exists():
        pytest.fail(f"no snapshot {path}: run with UPDATE_SNAPSHOTS=1 and review it")
    assert text == path.read_text(encoding="utf-8"), f"{name} differs from its snapshot"


@pytest.mark.parametrize("name", sorted(PAGES))
def test_page_snapshot(web: Web, name: str) -> None:
    html = web.client.get(PAGES[name]).text
    _compare(name, re.sub(r"\?v=[0-9a-f]{10}", "?v=HASH", html))


@pytest.mark.parametrize("name", sorted(API))
def test_api_snapshot(web: Web, name: str) -> None:
    body = web.client.get(API[name]).json()
    _compare(name, json.dumps(body, indent=2, ensure_ascii=False) + "\n")
