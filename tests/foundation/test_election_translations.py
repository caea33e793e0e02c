"""Names in more languages in an election definition (`translations.LANG` tables): parsed per
language, validated at the boundary with the bad key's path."""

from __future__ import annotations

from hustings.formats.election_toml import LocalNames, parse_election_toml
from tests.foundation.test_election_toml import METHODS, problems
from tests.foundation.test_election_toml import demo_text as demo_with_hebrew

HEBREW = """
[organisation.translations.he]
name = "מפלגת העבודה הישראלית"
"""


def demo_text() -> str:
    """labor-2002.toml without its Hebrew names."""
    return "\n".join(line for line in demo_with_hebrew().split("\n")
                     if not line.startswith("translations."))


def test_the_demo_gives_every_name_in_hebrew() -> None:
    for name in ("labor-2001.toml", "labor-2002.toml", "labor-2003.toml", "labor-2007.toml"):
        d = parse_election_toml(demo_with_hebrew(name), name)
        he = d.translations["he"]
        assert he.organisation == "מפלגת העבודה הישראלית" and he.title and he.office
        assert set(he.candidates) == {c.key for c in d.election.candidates}
        assert all(n and b for n, b in he.candidates.values())


def with_candidate_lines(text: str, lines: str) -> str:
    """`lines` added to the first [[candidates]] table."""
    head, sep, tail = text.partition("[[candidates]]\n")
    return head + sep + lines + "\n" + tail


def test_names_in_hebrew_are_read_per_language() -> None:
    text = with_candidate_lines(demo_text(), 'translations.he.name = "עמרם מצנע"\n'
                                'translations.he.biography = "ראש עיריית חיפה."')
    text = text.replace('title = "', 'translations.he.title = "הבחירות לראשות המפלגה"\ntitle = "',
                        1)
    d = parse_election_toml(text + HEBREW, "labor-2002.toml", METHODS)
    he = d.translations["he"]
    assert he.organisation == "מפלגת העבודה הישראלית" and he.title == "הבחירות לראשות המפלגה"
    assert he.candidates == {"mitzna": ("עמרם מצנע", "ראש עיריית חיפה.")}
    assert he.office == "" and he.body == ""  # not given: the page shows the original


def test_a_definition_without_translations_has_none() -> None:
    assert parse_election_toml(demo_text(), "x.toml", METHODS).translations == {}
    assert LocalNames().candidates == {}


def test_bad_translations_are_named_by_path() -> None:
    text = with_candidate_lines(demo_text(), 'translations.he.nickname = "x"\n'
                                'translations.he.name = ""\ntranslations.Hebrew.name = "x"')
    found = problems(text + '[office.translations]\nhe = "יו\\"ר"\n')
    assert ("candidates[0].translations.he.nickname", "unknown key") in found
    assert ("candidates[0].translations.he.name", "must be a non-empty string") in found
    assert ("candidates[0].translations.Hebrew",
            "'Hebrew' is not a language code (e.g. he, ar, pt_BR)") in found
    assert ("office.translations.he", "must be a table (name)") in found


def test_translations_must_be_a_table() -> None:
    text = demo_text().replace('title = "', 'translations = "he"\ntitle = "', 1)
    assert ("election.translations", "must be a table of languages (e.g. he)") in problems(text)


def test_the_documented_example_parses() -> None:
    from tests.foundation.test_docs import DOCS

    text = (DOCS / "election-definition.md").read_text("utf-8")
    section = text.split("## Names in other languages", 1)[1].split("\n## ", 1)[0]
    example = section.split("```toml\n", 1)[1].split("```", 1)[0]
    base = demo_text()
    kept = ""  # the demo's [election] keys the example leaves out (kind, method...)
    for header in ("[organisation]", "[election]"):  # the example's tables replace the demo's
        start = base.index(header)
        end = base.index("\n[", start + 1) + 1
        kept = "\n".join(line for line in base[start:end].split("\n")[1:]
                         if not line.startswith(("slug", "title")))
        base = base[:start] + base[end:]
    example = example.replace("[[candidates]]", kept + "\n[[candidates]]", 1)
    first = base.index("[[candidates]]")
    base = base[:first] + base[base.index("[[candidates]]", first + 1):]
    d = parse_election_toml(base + "\n" + example, "example.toml", METHODS)
    he = d.translations["he"]
    assert he.organisation == "מפלגת העבודה הישראלית"
    assert he.title == "הבחירות לראשות מפלגת העבודה, 2002"
    assert he.candidates["mitzna"] == ("עמרם מצנע", "ראש עיריית חיפה.")
