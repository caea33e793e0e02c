"""The certificate of result: the certified figures, the rule, who certified and when, and the
fingerprints tying it to the signed log and the stored result version."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from typing import Any

from hustings.services import lifecycle
from tests.cli_runner import run_cli
from tests.elections.builders import committee, import_twice, open_election, toml
from tests.elections.test_ballots import BALLOTS, CANDIDATES, PRECINCTS, cvr
from tests.web.conftest import make_client


def certified_irv(factory: Any) -> str:
    slug = open_election(factory, toml("pres-irv", "irv", CANDIDATES, PRECINCTS),
                         {"N": 120, "S": 120})
    import_twice(factory, slug, cvr(BALLOTS))
    return slug


def test_a_certificate_names_the_rule_the_figures_and_the_log_entry(
        container: Any, capsys: Any) -> None:
    factory = container.uow_factory
    slug = certified_irv(factory)
    url = container.settings.database_url
    container.engine.dispose()
    code, _, err = run_cli(capsys, "--db", url, "results", slug, "--format", "certificate")
    assert code == 5 and "not certified" in err  # provisional: no certificate yet
    lifecycle.certify(factory, slug, committee(factory), on=date(2024, 3, 2))
    container.engine.dispose()
    code, text, err = run_cli(capsys, "--db", url, "results", slug, "--format", "certificate")
    assert code == 0, err
    assert "CERTIFICATE OF RESULT" in text and "Rule:        irv, 1 seat; seed = 1" in text
    assert "Elected:     Bob Baker" in text
    assert "Final round of the count" in text and "Bob Baker" in text.split("Final round")[1]
    assert "Certified on 2024-03-02 by test-admin" in text
    with factory() as uow:
        entries = list(uow.audit.entries())
        versions = uow.versions.all(slug)
    [certify] = [e for e in entries if e.command == "election.advance"
                 and json.loads(e.payload)["to"] == "certified"]
    assert f"log entry {certify.seq} at" in text and certify.hash in text
    number, _, _, stored = versions[-1]
    digest = hashlib.sha256(json.dumps(stored, sort_keys=True, separators=(",", ":"),
                                       ensure_ascii=False).encode()).hexdigest()
    assert f"result version:        {number}" in text and digest in text
    code, out, _ = run_cli(capsys, "--db", url, "results", slug, "--format", "json")
    assert json.loads(out)["sha256"] == digest  # the published version carries the same


def test_the_page_offers_the_certificate_once_certified(container: Any) -> None:
    factory = container.uow_factory
    slug = certified_irv(factory)
    client = make_client(container)
    assert "certificate.txt" not in client.get(f"/elections/{slug}").text
    assert client.get(f"/elections/{slug}/certificate.txt").status_code == 409
    lifecycle.certify(factory, slug, committee(factory), on=date(2024, 3, 2))
    client = make_client(container)  # a fresh page cache (another worker's, say)
    assert "certificate.txt" in client.get(f"/elections/{slug}").text
    answer = client.get(f"/elections/{slug}/certificate.txt")
    assert answer.status_code == 200 and "Elected:     Bob Baker" in answer.text
