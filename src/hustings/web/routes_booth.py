"""The voting booth page, `GET /elections/{slug}/vote`, and the public ballot board,
`GET /elections/{slug}/board[?tracker=T]`, where a voter finds their tracker.

The page encrypts, proves and signs the member's ballot in the browser with the booth's
JavaScript (static/js/booth/, libsodium.js vendored); the credential never leaves the browser,
only the signed ballot is sent to `POST /api/elections/{slug}/online/ballots`. The page itself
reads nothing from the database: the election comes from `GET .../online/election`.
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from hustings.services import online
from hustings.web import deps
from hustings.web.security import CONTENT_SECURITY_POLICY
from hustings.web.templating import render

#: The site's policy plus 'wasm-unsafe-eval': libsodium.js is WebAssembly (shipped with the
#: package, same origin). It permits compiling WebAssembly only, never JavaScript's eval.
BOOTH_CSP = CONTENT_SECURITY_POLICY.replace("script-src 'self'",
                                            "script-src 'self' 'wasm-unsafe-eval'")

router = APIRouter(include_in_schema=False)


def booth_urls(slug: str) -> dict[str, str]:
    """Where the page reads the election, sends the ballot and finds the board."""
    api = f"/api/elections/{quote(slug, safe='')}/online"
    return {"election": f"{api}/election", "ballots": f"{api}/ballots",
            "board_api": f"{api}/board",
            "board_page": f"/elections/{quote(slug, safe='')}/board"}


@router.get("/elections/{slug}/vote", response_class=HTMLResponse)
def booth(request: Request, slug: str) -> HTMLResponse:
    """The voting booth for an online poll."""
    response = render(request, "booth.html", {"slug": slug, "urls": booth_urls(slug)})
    response.headers["content-security-policy"] = BOOTH_CSP
    return response


BOARD_SHOWN = 100  # the newest entries listed on the page (the API lists them all)


@router.get("/elections/{slug}/board", response_class=HTMLResponse)
def board(request: Request, slug: str,
          tracker: str | None = Query(None, max_length=200)) -> HTMLResponse:
    """The public ballot board of an online poll: its head, its size, the newest entries, and
    where a tracker stands (a voter checks that their ballot is on the board)."""
    found = online.public_board(deps.uow(request), slug)
    entries = found["entries"]
    wanted = (tracker or "").strip()
    matches = [e for e in entries if e["tracker"] == wanted] if wanted else []
    return render(request, "board.html", {
        "slug": slug, "board": found, "count": len(entries),
        "newest": list(reversed(entries[-BOARD_SHOWN:])), "tracker": wanted,
        "matches": matches, "api": booth_urls(slug)["board_api"]})
