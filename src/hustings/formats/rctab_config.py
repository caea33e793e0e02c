"""RCTab contest configurations (`<case>_config.json`): their CVR sources and rules, mapped.

The config's `cvrFileSources` are read (NIST CDF JSON, ES&S xlsx, candidate-column CSV) into one
profile over the config's candidates (aliases merged, excluded candidates removed); its `rules`
become the options of our `irv` or `stv` method. Any rule we cannot honour exactly is an
InvalidInput naming the option, never a silent approximation.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

from hustings.counting.javarandom import java_shuffle
from hustings.counting.profile import Profile
from hustings.domain.errors import InvalidInput, Problem
from hustings.formats.cvr_clearballot import read_clear_ballot
from hustings.formats.cvr_common import (
    WRITE_IN,
    BallotFile,
    concat_profiles,
    drop_candidates,
    fail,
    map_candidates,
    read_text,
)
from hustings.formats.cvr_csv_wide import read_wide_csv
from hustings.formats.cvr_dominion import read_dominion
from hustings.formats.cvr_ess import read_ess_xlsx
from hustings.formats.cvr_hart import read_hart
from hustings.formats.cvr_nist import read_nist_cvr
from hustings.formats.cvr_nist_xml import read_nist_xml_cvr

OVERVOTE_RULES = {
    "exhaustImmediately": "exhaust-immediately",
    "alwaysSkipToNextRank": "always-skip-to-next",
    "exhaustIfMultipleContinuing": "exhaust-if-multiple",
}
MODES = {
    "singleWinnerMajority": "irv",
    "multiWinnerAllowMultipleWinnersPerRound": "stv",
    "multiWinnerAllowOnlyOneWinnerPerRound": "stv",
    "bottomsUp": "bottoms-up",
    "multiPassIrv": "sequential-irv",
    "bottomsUpUsingPercentageThreshold": "bottoms-up",
}
TIEBREAKS = {
    "random": "random",
    "useCandidateOrder": "permutation",
    "previousRoundCountsThenRandom": "previous-round-counts",
    "generatePermutation": "permutation",  # the config's candidates shuffled by the seed
    "stopCountingAndAsk": "ask",  # refused only if a tie needs breaking
}


@dataclass(frozen=True)
class RctabContest:
    """A contest as an RCTab config defines it, ready to count."""

    ballots: BallotFile
    method: str
    seats: int
    options: dict[str, Any]
    contest: str
    config: dict[str, Any]


def read_rctab_config(path: Path | str) -> RctabContest:
    """Read an RCTab config and the CVR files it names (paths relative to the config)."""
    path = Path(path)
    source = str(path)
    text = read_text(path)
    try:
        config = json.loads(text)
    except json.JSONDecodeError as exc:
        fail(f"not JSON: {exc.msg}", source, exc.lineno)
    if not isinstance(config, dict):
        fail("an RCTab config is a JSON object", source, 1)
    rules = config.get("rules")
    if not isinstance(rules, dict):
        fail("no 'rules' object", source, None, "rules")
    method, seats, options = map_rules(rules, source)
    names, lookup, excluded = _candidates(config, source)
    options = _with_order(options, names, excluded)
    profiles = []
    sources = config.get("cvrFileSources") or []
    if not sources:
        fail("no cvrFileSources", source, None, "cvrFileSources")
    write_in_line: list[bool] = []
    for i, spec in enumerate(sources):
        profiles.append(_read_source(path.parent, spec, names, lookup, source, i,
                                     options.get("max_rankings"), write_in_line))
    if method in ("irv", "sequential-irv") and any(write_in_line):
        options["uwi_on_ballot"] = True  # RCTab counts the contest's write-in line as UWI
    profile = concat_profiles(profiles)
    profile = drop_candidates(profile, [names.index(n) for n in excluded])
    settings = config.get("outputSettings") or {}
    contest = str(settings.get("contestName") or path.stem.removesuffix("_config"))
    return RctabContest(
        BallotFile(profile, source, title=contest, seats=seats, withdrawn=tuple(excluded)),
        method,
        seats,
        options,
        contest,
        config,
    )


def map_rules(rules: dict[str, Any], source: str = "<rctab>") -> tuple[str, int, dict[str, Any]]:
    """RCTab `rules` as (method name, seats, our options); unsupported rules are errors."""
    problems: list[Problem] = []

    def unsupported(key: str, why: str) -> None:
        problems.append(Problem(f"unsupported RCTab rule: {why}", source, None, f"rules.{key}"))

    mode = rules.get("winnerElectionMode", "")
    method = MODES.get(mode, "")
    if not method:
        unsupported("winnerElectionMode", f"{mode!r} (supported: {', '.join(MODES)})")
    if mode == "bottomsUpUsingPercentageThreshold":
        seats = 1  # everyone above the percentage is elected: the number of seats plays no part
    else:
        seats = _int(rules.get("numberOfWinners", "1"), "numberOfWinners", source, problems)
    options: dict[str, Any] = {}
    overvote = rules.get("overvoteRule", "")
    if overvote in OVERVOTE_RULES:
        options["overvote_rule"] = OVERVOTE_RULES[overvote]
    else:
        unsupported("overvoteRule", f"{overvote!r}")
    skipped = str(rules.get("maxSkippedRanksAllowed", "unlimited")).strip()
    options["max_skipped_ranks"] = (
        "unlimited" if skipped.lower() == "unlimited"
        else _int(skipped, "maxSkippedRanksAllowed", source, problems)
    )
    ranks = str(rules.get("maxRankingsAllowed", "max")).strip()
    if ranks.lower() != "max":
        options["max_rankings"] = _int(ranks, "maxRankingsAllowed", source, problems, low=1)
    options["duplicates"] = "exhaust" if _flag(rules, "exhaustOnDuplicateCandidate") else "skip"
    tiebreak = rules.get("tiebreakMode", "")
    if tiebreak in TIEBREAKS:
        options["tiebreak"] = TIEBREAKS[tiebreak]
        seed = str(rules.get("randomSeed", "")).strip()
        if tiebreak in ("random", "previousRoundCountsThenRandom", "generatePermutation"):
            options["lot"] = "java"  # RCTab draws its lots from java.util.Random(seed)
            if seed:
                options["seed"] = _int(seed, "randomSeed", source, problems)
        if tiebreak == "generatePermutation":
            options["generated_permutation"] = True  # an order made by _with_order
            del options["lot"]
    else:
        unsupported("tiebreakMode", f"{tiebreak!r} (supported: {', '.join(TIEBREAKS)})")
    if method in ("irv", "sequential-irv"):
        options["batch_elimination"] = _flag(rules, "batchElimination")
        options["continue_until_two"] = _flag(rules, "continueUntilTwoCandidatesRemain")
        options["round_structure"] = "rctab"
    elif method == "stv":
        options["variant"] = "rctab"
        options["write_ins"] = "eliminate-first"
        if mode == "multiWinnerAllowOnlyOneWinnerPerRound":
            options["one_winner_per_round"] = True
        options["quota"] = "hare" if _flag(rules, "hareQuota") else "droop"
        options["quota_rounding"] = (
            "fractional" if _flag(rules, "nonIntegerWinningThreshold") else "whole"
        )
        places = str(rules.get("decimalPlacesForVoteArithmetic", "4")).strip()
        options["decimals"] = _int(places, "decimalPlacesForVoteArithmetic", source, problems)
        for key in ("batchElimination", "continueUntilTwoCandidatesRemain"):
            if _flag(rules, key):
                unsupported(key, f"{key} with multi-winner STV")
    elif method == "bottoms-up":
        options["batch_elimination"] = _flag(rules, "batchElimination")
        if mode == "bottomsUpUsingPercentageThreshold":
            percent = str(rules.get("multiSeatBottomsUpPercentageThreshold", "")).strip()
            try:
                options["threshold_percent"] = Fraction(percent)
            except (ValueError, ZeroDivisionError):
                problems.append(Problem(f"a percentage is needed, not {percent!r}", source, None,
                                        "rules.multiSeatBottomsUpPercentageThreshold"))
            options["cutoff_elimination"] = _flag(rules, "cutoffElimination")
            if _flag(rules, "doesFirstRoundDetermineThreshold"):
                options["threshold_round"] = "first"
        if _flag(rules, "continueUntilTwoCandidatesRemain"):
            unsupported("continueUntilTwoCandidatesRemain", "continue until two, bottoms-up")
    minimum = str(rules.get("minimumVoteThreshold", "") or "0").strip()
    if minimum != "0" and method:
        options["minimum_votes"] = _int(minimum, "minimumVoteThreshold", source, problems)
    stop = str(rules.get("stopTabulationEarlyAfterRound", "")).strip()
    if stop and method:
        options["stop_after_round"] = _int(stop, "stopTabulationEarlyAfterRound", source,
                                           problems, low=1)
    if _flag(rules, "doesFirstRoundDetermineThreshold") and method in ("irv", "sequential-irv"):
        options["threshold_round"] = "first"
    elif _flag(rules, "doesFirstRoundDetermineThreshold") and method != "bottoms-up":
        unsupported("doesFirstRoundDetermineThreshold", "a threshold fixed at the first round "
                    "of a multi-winner count: RCTab refuses it too (a multi-seat threshold is "
                    "always fixed at round 1, as variant=rctab fixes it)")
    if (str(rules.get("multiSeatBottomsUpPercentageThreshold", "")).strip()
            and mode != "bottomsUpUsingPercentageThreshold"):
        unsupported("multiSeatBottomsUpPercentageThreshold",
                    "a percentage threshold outside bottomsUpUsingPercentageThreshold")
    if _flag(rules, "cutoffElimination") and mode != "bottomsUpUsingPercentageThreshold":
        unsupported("cutoffElimination", "cutoff elimination outside "
                    "bottomsUpUsingPercentageThreshold")
    if problems:
        raise InvalidInput(problems)
    return method, seats, options


def _flag(rules: dict[str, Any], key: str) -> bool:
    value = rules.get(key, False)
    return value is True or str(value).strip().lower() == "true"


def _int(
    value: Any, key: str, source: str, problems: list[Problem], low: int = 0
) -> int:
    text = str(value).strip()
    if not text.lstrip("-").isdigit() or int(text) < low:
        problems.append(Problem(f"{key} must be a whole number of at least {low}, not {value!r}",
                                source, None, f"rules.{key}"))
        return low
    return int(text)


def _candidates(
    config: dict[str, Any], source: str
) -> tuple[list[str], dict[str, int], list[str]]:
    names: list[str] = []
    lookup: dict[str, int] = {}
    excluded: list[str] = []
    for i, entry in enumerate(config.get("candidates") or []):
        name = str(entry.get("name", "")).strip()
        if not name:
            fail("a candidate without a name", source, None, f"candidates[{i}].name")
        if name in lookup:
            fail(f"candidate {name!r} is listed twice", source, None, f"candidates[{i}]")
        lookup[name] = len(names)
        for alias in entry.get("aliases") or []:
            lookup.setdefault(str(alias).strip(), len(names))
        code = str(entry.get("code") or "").strip()
        if code:
            lookup.setdefault(code, len(names))
        names.append(name)
        if _flag(entry, "excluded"):
            excluded.append(name)
    if not names:
        fail("no candidates", source, None, "candidates")
    return names, lookup, excluded


def _with_order(options: dict[str, Any], names: list[str], excluded: list[str]) -> dict[str, Any]:
    """RCTab's useCandidateOrder: ties go against the candidate listed later in the config;
    generatePermutation: the same with the config's names in the order RCTab's seeded shuffle
    gives (counting/javarandom.java_shuffle)."""
    if options.get("generated_permutation"):
        options = {k: v for k, v in options.items() if k != "generated_permutation"}
        shuffled = java_shuffle(names, int(options.pop("seed", 0)))
        return {**options, "order": [n for n in shuffled if n not in excluded]}
    if options.get("tiebreak") == "permutation":
        options = {**options, "order": [n for n in names if n not in excluded]}
    return options


def _read_source(
    folder: Path,
    spec: dict[str, Any],
    names: list[str],
    lookup: dict[str, int],
    source: str,
    i: int,
    max_rankings: int | None,
    write_in_line: list[bool],
) -> Profile:
    where = f"cvrFileSources[{i}]"
    provider = spec.get("provider", "")
    file = folder / str(spec.get("filePath", ""))
    if provider in FOLDER_PROVIDERS:
        return _read_folder_source(file, spec, names, lookup, source, where, max_rankings,
                                   write_in_line)
    if not file.is_file():
        fail(f"CVR file {spec.get('filePath')!r} not found", source, None, f"{where}.filePath")
    first_column = _index(spec, "firstVoteColumnIndex", 2, source, where)
    first_row = _index(spec, "firstVoteRowIndex", 2, source, where)
    if _flag(spec, "treatBlankAsUndeclaredWriteIn") and provider != "ess":
        fail("treatBlankAsUndeclaredWriteIn is supported for ES&S files only", source, None,
             f"{where}.treatBlankAsUndeclaredWriteIn")
    if provider == "cdf":
        contest = str(spec.get("contestId") or "") or None
        if file.suffix.lower() == ".xml":
            read = read_nist_xml_cvr(file, contest)
        else:
            read = read_nist_cvr(file, contest)
        uwi = str(spec.get("undeclaredWriteInLabel") or "")
        write_in_line.append(bool(uwi))  # RCTab's CDF reader adds UWI whenever labelled
        return _onto(read, names, lookup, uwi, source, where)
    if provider == "ess":
        return read_ess_xlsx(
            file,
            candidates=lookup,
            names=names,
            first_column=first_column,
            first_row=first_row,
            overvote_label=str(spec.get("overvoteLabel") or "overvote"),
            skipped_label=str(spec.get("skippedRankLabel") or "undervote"),
            write_in_label=str(spec.get("undeclaredWriteInLabel") or ""),
            overvote_delimiter=str(spec.get("overvoteDelimiter") or ""),
            blank_is_write_in=_flag(spec, "treatBlankAsUndeclaredWriteIn"),
            ranks=max_rankings or len(names),
        ).profile
    if provider == "clearBallot":
        contest = str(spec.get("contestId") or "") or None
        uwi = str(spec.get("undeclaredWriteInLabel") or "")
        read = read_clear_ballot(file, contest, write_in_label=uwi, max_rankings=max_rankings)
        write_in_line.append(False)
        return _onto(read, names, lookup, "", source, where)
    if provider == "genericCsv":
        return read_wide_csv(
            file,
            candidates=lookup,
            names=names,
            first_column=first_column,
            first_row=first_row,
            write_in_label=str(spec.get("undeclaredWriteInLabel") or ""),
            max_rank=max_rankings,
        ).profile
    fail(f"unsupported CVR provider {provider!r} (supported: cdf, clearBallot, dominion, ess, "
         "genericCsv, hart)", source, None, f"{where}.provider")


FOLDER_PROVIDERS = ("dominion", "hart")  # sources that are a folder of files


def _read_folder_source(
    file: Path,
    spec: dict[str, Any],
    names: list[str],
    lookup: dict[str, int],
    source: str,
    where: str,
    max_rankings: int | None,
    write_in_line: list[bool],
) -> Profile:
    """A Dominion export or a Hart folder: candidates are named by their vendor ids (the
    config's aliases or codes map them onto its candidates)."""
    provider = spec.get("provider", "")
    if not file.is_dir():
        fail(f"CVR folder {spec.get('filePath')!r} not found", source, None, f"{where}.filePath")
    contest = str(spec.get("contestId") or "").strip()
    if not contest:
        fail(f"a {provider} source needs its contestId", source, None, f"{where}.contestId")
    uwi = str(spec.get("undeclaredWriteInLabel") or "").strip()
    if provider == "dominion":
        read = read_dominion(file, contest, write_in_id=uwi or None, by_id=True,
                             max_rankings=max_rankings)
    else:
        read = read_hart(file, contest, write_in_id=uwi or None, max_rankings=max_rankings)
    write_in_line.append(False)
    return _onto(read, names, lookup, "", source, where)


def _index(spec: dict[str, Any], key: str, default: int, source: str, where: str) -> int:
    text = str(spec.get(key, "") or "").strip()
    if not text:
        return default
    if not text.isdigit() or int(text) < 1:
        fail(f"{key} must be a whole number from 1, not {text!r}", source, None, f"{where}.{key}")
    return int(text)


def _onto(
    read: BallotFile, names: list[str], lookup: dict[str, int], uwi: str, source: str, where: str
) -> Profile:
    """Map a file's own candidate names onto the config's candidates (aliases merged)."""
    profile = read.profile
    mapping = []
    extra: list[str] = []
    for name in profile.candidates:
        if name in lookup:
            mapping.append(lookup[name])
        elif uwi and name == uwi:
            mapping.append(WRITE_IN)
        else:
            extra.append(name)
    if extra:
        fail(f"candidates not in the config: {', '.join(map(repr, extra))}", source, None,
             f"{where}.filePath")
    return map_candidates(profile, names, mapping)
