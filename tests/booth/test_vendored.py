"""The vendored libsodium.js files are exactly the published ones (VENDORED.md's hashes), with
only the one documented import rewritten."""

from __future__ import annotations

import hashlib
import re

from hustings.web.templating import STATIC_DIR

VENDOR = STATIC_DIR / "js" / "vendor"
PATCHED = (b'import e from"./libsodium-sumo.mjs";', b'import e from"libsodium-sumo";')


def _table() -> dict[str, str]:
    text = (VENDOR / "VENDORED.md").read_text("utf-8")
    rows = re.findall(r"^\| `([^`]+\.mjs)` \| `[^`]+` \| `([0-9a-f]{128})` \|$", text, re.M)
    return dict(rows)


def test_every_vendored_file_is_listed_with_its_upstream_hash() -> None:
    table = _table()
    assert sorted(table) == sorted(p.name for p in VENDOR.glob("*.mjs")) == \
        ["libsodium-sumo.mjs", "libsodium-wrappers.mjs"]
    for name, expected in table.items():
        body = (VENDOR / name).read_bytes()
        if name == "libsodium-wrappers.mjs":
            assert body.startswith(PATCHED[0]) and body.count(b"libsodium-sumo") == 1
            body = PATCHED[1] + body[len(PATCHED[0]):]
        assert hashlib.sha512(body).hexdigest() == expected, name


def test_the_record_names_the_packages_their_integrity_and_licence() -> None:
    text = (VENDOR / "VENDORED.md").read_text("utf-8")
    for package in ("libsodium-sumo", "libsodium-wrappers-sumo"):
        assert re.search(rf"\| `{package}` \| 0\.8\.4 \| `sha512-[A-Za-z0-9+/]{{86}}==` \|", text)
    assert "ISC" in text
    assert "Permission to use, copy, modify" in (VENDOR / "LICENSE-libsodium.js.txt").read_text()


def test_the_test_only_axe_core_is_the_published_file() -> None:
    from pathlib import Path

    here = Path(__file__).parent / "vendor"
    text = (here / "VENDORED.md").read_text("utf-8")
    rows = dict(re.findall(r"^\| `([^`]+\.js)` \| `[^`]+` \| `([0-9a-f]{128})` \|$", text, re.M))
    assert list(rows) == ["axe.min.js"]
    assert hashlib.sha512((here / "axe.min.js").read_bytes()).hexdigest() == rows["axe.min.js"]
    assert "MPL-2.0" in text and "Mozilla Public License" in (
        here / "LICENSE-axe-core.txt").read_text("utf-8")
