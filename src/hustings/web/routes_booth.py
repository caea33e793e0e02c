"""The voting booth page: `GET /elections/{slug}/vote`.

The page encrypts, proves and signs the member's ballot in the browser with the booth's
JavaScript (static/js/booth/, libsodium.js vendored); the credential never leaves the browser,
only the signed ballot is sent to `POST /api/elections/{slug}/online/ballots`. The page itself
reads nothing from the database: the election comes from `GET .../online/election`.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from hustings.web.security import CONTENT_SECURITY_POLICY
from hustings.web.templating import render

#: The site's policy plus 'wasm-unsafe-eval': libsodium.js is WebAssembly (shipped with the
#: package, same origin). It permits compiling WebAssembly only, never JavaScript's eval.
BOOTH_CSP = CONTENT_SECURITY_POLICY.replace("script-src 'self'",
                                            "script-src 'self' 'wasm-unsafe-eval'")

router = APIRouter()


@router.get("/elections/{slug}/vote", response_class=HTMLResponse)
def booth(request: Request, slug: str) -> HTMLResponse:
    """The voting booth for an online poll."""
    response = render(request, "booth.html", {"slug": slug})
    response.headers["content-security-policy"] = BOOTH_CSP
    response.headers["cache-control"] = "no-store"
    return response
