"""`GET /elections/{slug}/vote` on the real application: the booth page, its script and its
endpoints, under the site's headers with WebAssembly allowed (and nothing else loosened)."""

from __future__ import annotations

import re

from hustings.web.security import CONTENT_SECURITY_POLICY
from tests.web.conftest import make_client


def test_the_booth_page_is_served_by_the_application(container) -> None:
    with make_client(container) as client:
        r = client.get("/elections/branch%20online/vote")
    assert r.status_code == 200
    csp = r.headers["content-security-policy"]
    assert csp == CONTENT_SECURITY_POLICY.replace("script-src 'self'",
                                                  "script-src 'self' 'wasm-unsafe-eval'")
    assert r.headers["x-frame-options"] == "DENY"
    html = r.text
    assert 'data-ballots-url="/api/elections/branch%20online/online/ballots"' in html
    assert 'data-election-url="/api/elections/branch%20online/online/election"' in html
    assert re.search(r'<script type="module" src="/static/js/booth/page\.js\?v=[0-9a-f]{10}">',
                     html)
    assert "<script>" not in html  # no inline script (only the JSON data block)
    assert 'id="credential"' in html and 'name="credential"' not in html  # never submitted
    script = client.get("/static/js/booth/page.js")
    assert script.status_code == 200
    assert script.headers["content-type"].startswith("text/javascript")
    vendor = client.get("/static/js/vendor/libsodium-sumo.mjs")
    assert vendor.status_code == 200
    assert vendor.headers["content-type"].startswith("text/javascript")
