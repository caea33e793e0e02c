"""The booth page, operated with the keyboard only in headless Chromium against the harness
(tests/booth/harness.py): credential, choices (min/max respected), review, a Benaloh audit
(the audited ballot is not cast; a fresh encryption follows), cast, tracker on the board. The
harness admits the ballot with hustings.crypto; the test decrypts it with the election's key
and finds the voter's choices. The credential never leaves the browser."""

from __future__ import annotations

import pytest

from hustings.crypto import credentials as cr
from hustings.crypto.credentials import CredentialList
from hustings.crypto.election import Election, Question
from hustings.crypto.group import Point, Scalar, small_multiple
from tests.booth.harness import Poll

SLUG = "booth-page"
SK = Scalar.random()
ELECTION = Election("booth-page/online-1", Point.base(SK), (
    Question("chair", ("ada", "ben", "cleo"), 1, 1),
    Question("committee", ("dora", "eli", "fay", "gus"), 1, 2),
))


@pytest.fixture(scope="module")
def voter(polls) -> str:
    private, credentials = cr.generate(ELECTION.election_id, [1, 1])
    polls[SLUG] = Poll(SLUG, ELECTION, credentials)
    polls["other"] = Poll("other", ELECTION, CredentialList.of(ELECTION.election_id, []))
    return private[0]


@pytest.fixture
def page(browser, base_url):
    context = browser.new_context()
    page = context.new_page()
    sent: list[str] = []
    errors: list[str] = []
    page.on("request", lambda r: sent.append(f"{r.url}\n{r.post_data or ''}"))
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.sent = sent  # type: ignore[attr-defined]
    yield page
    context.close()
    assert not errors, errors


def focused(page) -> str:
    return page.evaluate("document.activeElement.id")


def tab_to(page, element_id: str, limit: int = 25) -> None:
    """Press Tab until `element_id` has the focus (keyboard only; fails if unreachable)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if focused(page) == element_id:
            return
    raise AssertionError(f"#{element_id} not reachable with Tab (focus on {focused(page)!r})")


def status(page) -> str:
    return page.text_content("#booth-status") or ""


def decrypt(ballot: dict, q: int) -> list[int]:
    marks = []
    for choice in ballot["answers"][q]["choices"]:
        alpha = Point(bytes.fromhex(choice["alpha"]))
        beta = Point(bytes.fromhex(choice["beta"]))
        m = beta - alpha * SK
        marks.append(next(v for v in (0, 1) if small_multiple(v) == m))
    return marks


def test_keyboard_only_vote_with_an_audit(page, base_url, polls, voter) -> None:
    page.goto(f"{base_url}/elections/{SLUG}/vote")
    page.wait_for_selector("#step-credential:not([hidden])")
    assert focused(page) == "h-credential"
    assert page.get_attribute("#booth-status", "role") == "status"
    # a mistyped credential: named, marked invalid, focus back on the field
    tab_to(page, "credential")
    page.keyboard.type("not-a-credential")
    page.keyboard.press("Enter")
    assert page.get_attribute("#credential", "aria-invalid") == "true"
    assert focused(page) == "credential"
    assert "26 letters" in page.text_content("#credential-error")
    page.keyboard.press("Control+A")
    page.keyboard.type(voter.upper()[:13] + "-" + voter.upper()[13:])
    page.keyboard.press("Enter")
    page.wait_for_selector("#step-choose:not([hidden])")
    assert focused(page) == "h-choose"
    assert page.input_value("#credential") == ""
    # nothing chosen: the error summary gets the focus and names both questions
    tab_to(page, "choose-submit")
    page.keyboard.press("Enter")
    assert focused(page) == "choose-errors"
    summary = page.text_content("#choose-errors")
    assert "chair: choose at least 1" in summary and "committee: choose at least 1" in summary
    # chair: ben (arrow keys in the radio group); committee: dora and fay (space)
    tab_to(page, "q0c0")
    page.keyboard.press("ArrowDown")
    assert page.is_checked("#q0c1")
    tab_to(page, "q1c0")
    page.keyboard.press("Space")
    tab_to(page, "q1c2")
    page.keyboard.press("Space")
    tab_to(page, "q1c3")
    page.keyboard.press("Space")  # three marks: more than the maximum of 2
    tab_to(page, "choose-submit")
    page.keyboard.press("Enter")
    assert focused(page) == "choose-errors"
    assert "committee: choose at most 2" in page.text_content("#choose-errors")
    tab_to(page, "q1c3")
    page.keyboard.press("Space")
    tab_to(page, "choose-submit")
    page.keyboard.press("Enter")
    page.wait_for_selector("#step-review:not([hidden])")
    assert focused(page) == "h-review"
    assert "ben" in page.text_content("#review-list")
    assert "dora, fay" in page.text_content("#review-list")
    audited_tracker = page.text_content("#review-tracker")
    # audit: the randomness is shown and checks; the audited ballot is not cast
    tab_to(page, "audit")
    page.keyboard.press("Enter")
    page.wait_for_selector("#step-audit:not([hidden])")
    assert "audit passed" in page.text_content("#audit-verdict")
    assert "audit passed" in status(page)
    assert polls[SLUG].board == ()
    assert page.locator("#audit-rows tr").count() == 7
    tab_to(page, "audit-back")
    page.keyboard.press("Enter")
    page.wait_for_selector("#step-review:not([hidden])")
    fresh_tracker = page.text_content("#review-tracker")
    assert fresh_tracker != audited_tracker
    tab_to(page, "cast")
    page.keyboard.press("Enter")
    page.wait_for_selector("#step-done:not([hidden])")
    assert focused(page) == "h-done"
    board = polls[SLUG].board
    assert len(board) == 1 and board[0].tracker == fresh_tracker
    assert page.text_content("#done-tracker") == fresh_tracker
    assert fresh_tracker in status(page)
    assert audited_tracker not in {e.tracker for e in board}
    assert page.get_attribute("#board-link", "href").endswith(f"?tracker={fresh_tracker}")
    page.wait_for_selector("#board-check:not(:empty)")
    assert "is on the public board" in page.text_content("#board-check")
    # the harness verified it; decrypting with the election's key finds the choices
    ballot = board[0].ballot.to_json()
    assert decrypt(ballot, 0) == [0, 1, 0]
    assert decrypt(ballot, 1) == [1, 0, 1, 0]
    # the credential and its signing key never left the browser
    secret = cr.credential_secret(ELECTION.election_id, voter).hex()
    for request in page.sent:  # type: ignore[attr-defined]
        assert voter not in request.lower().replace("-", "") and secret not in request


def test_a_credential_not_on_the_list_is_refused_by_the_server(page, base_url, polls,
                                                               voter, tmp_path) -> None:
    page.goto(f"{base_url}/elections/other/vote")
    page.wait_for_selector("#step-credential:not([hidden])")
    # the credential read from the file the member was sent (grouped, upper case)
    letter = tmp_path / "credential.txt"
    letter.write_text("-".join(voter[k:k + 4] for k in range(0, 26, 4)).upper() + "\n")
    page.set_input_files("#credential-file", str(letter))
    page.wait_for_selector("#booth-status:has-text('read from the file')")
    tab_to(page, "credential")
    page.keyboard.press("Enter")
    page.wait_for_selector("#step-choose:not([hidden])")
    tab_to(page, "q0c0")
    page.keyboard.press("Space")
    tab_to(page, "q1c0")
    page.keyboard.press("Space")
    tab_to(page, "choose-submit")
    page.keyboard.press("Enter")
    page.wait_for_selector("#step-review:not([hidden])")
    tab_to(page, "cast")
    page.keyboard.press("Enter")
    page.wait_for_selector("#booth-status:has-text('refused')")
    assert "may not vote" in status(page)
    assert polls["other"].board == ()
    assert page.is_visible("#step-review") and page.is_enabled("#cast")


def test_the_page_loads_nothing_from_other_origins(page, base_url, voter) -> None:
    page.goto(f"{base_url}/elections/{SLUG}/vote")
    page.wait_for_selector("#step-credential:not([hidden])")
    assert all(r.startswith(base_url) for r in page.sent)  # type: ignore[attr-defined]
    response = page.request.get(f"{base_url}/elections/{SLUG}/vote")
    csp = response.headers["content-security-policy"]
    assert "script-src 'self' 'wasm-unsafe-eval'" in csp and "unsafe-inline" not in csp
