"""Rule options: their declared specs and their validation into normalised values."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from hustings.domain.errors import InvalidInput, Problem

UNLIMITED = "unlimited"


@dataclass(frozen=True)
class OptionSpec:
    """One documented rule option.

    `type` is one of: bool, int, count (int or "unlimited"), percent (0-100, exact), choice,
    str, int|None, names (ordered candidate names), seed, sections.
    """

    name: str
    type: str
    default: Any
    choices: tuple[str, ...] = ()
    help: str = ""


def fail(field: str, message: str) -> InvalidInput:
    """The InvalidInput for one bad option (raise it)."""
    return InvalidInput(Problem(message, field=field))


def _bool(spec: OptionSpec, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "yes", "1", "false", "no", "0"):
        return value.lower() in ("true", "yes", "1")
    raise fail(spec.name, f"{spec.name} must be true or false, not {value!r}")


def _int(spec: OptionSpec, value: Any) -> int:
    if isinstance(value, bool):
        raise fail(spec.name, f"{spec.name} must be a whole number, not {value!r}")
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and value.strip().lstrip("-").isdigit():
        number = int(value)
    else:
        raise fail(spec.name, f"{spec.name} must be a whole number, not {value!r}")
    if number < 0:
        raise fail(spec.name, f"{spec.name} must not be negative")
    return number


def _count(spec: OptionSpec, value: Any) -> int | str:
    if isinstance(value, str) and value.lower() == UNLIMITED:
        return UNLIMITED
    return _int(spec, value)


def _optional_int(spec: OptionSpec, value: Any) -> int | None:
    return None if value is None else _int(spec, value)


def _percent(spec: OptionSpec, value: Any) -> Fraction:
    if isinstance(value, bool):
        raise fail(spec.name, f"{spec.name} must be a percentage, not {value!r}")
    try:
        number = Fraction(str(value)) if isinstance(value, float) else Fraction(value)
    except (TypeError, ValueError, ZeroDivisionError):
        raise fail(spec.name, f"{spec.name} must be a percentage, not {value!r}") from None
    if not 0 <= number <= 100:
        raise fail(spec.name, f"{spec.name} must be between 0 and 100, not {value}")
    return number


def _fraction(spec: OptionSpec, value: Any) -> Fraction:
    if isinstance(value, bool):
        raise fail(spec.name, f"{spec.name} must be a number, not {value!r}")
    try:
        number = Fraction(str(value)) if isinstance(value, float) else Fraction(value)
    except (TypeError, ValueError, ZeroDivisionError):
        raise fail(spec.name, f"{spec.name} must be a number, not {value!r}") from None
    if number < 0:
        raise fail(spec.name, f"{spec.name} must not be negative")
    return number


def _choice(spec: OptionSpec, value: Any) -> str:
    if value not in spec.choices:
        raise fail(
            spec.name, f"{spec.name} must be one of {', '.join(spec.choices)}, not {value!r}"
        )
    return str(value)


def _str(spec: OptionSpec, value: Any) -> str:
    if not isinstance(value, str):
        raise fail(spec.name, f"{spec.name} must be text, not {value!r}")
    return value


def _names(spec: OptionSpec, value: Any) -> tuple[str, ...] | None:
    if value is None:
        return None
    if isinstance(value, str) or not isinstance(value, Sequence):
        raise fail(spec.name, f"{spec.name} must be a list of candidate names")
    if not all(isinstance(v, str) for v in value):
        raise fail(spec.name, f"{spec.name} must be a list of candidate names")
    if len(set(value)) != len(value):
        raise fail(spec.name, f"{spec.name} names a candidate twice")
    return tuple(value)


def _seed(spec: OptionSpec, value: Any) -> int:
    return _int(spec, value)


def _passthrough(spec: OptionSpec, value: Any) -> Any:
    return value


CONVERTERS: dict[str, Callable[[OptionSpec, Any], Any]] = {
    "bool": _bool,
    "int": _int,
    "count": _count,
    "int|None": _optional_int,
    "percent": _percent,
    "fraction": _fraction,
    "choice": _choice,
    "str": _str,
    "names": _names,
    "seed": _seed,
    "sections": _passthrough,
}


def normalise(specs: Sequence[OptionSpec], options: Mapping[str, Any] | None) -> dict[str, Any]:
    """Defaults filled in, values converted; unknown options and bad values raise InvalidInput."""
    given = dict(options or {})
    known = {s.name: s for s in specs}
    problems = [
        Problem(
            f"unknown option {name!r}; known options: {', '.join(sorted(known)) or 'none'}",
            field=name,
        )
        for name in given
        if name not in known
    ]
    out: dict[str, Any] = {}
    for spec in specs:
        value = given.get(spec.name, spec.default)
        if spec.name not in given or (value is None and spec.default is None):
            out[spec.name] = value
            continue
        try:
            out[spec.name] = CONVERTERS[spec.type](spec, value)
        except InvalidInput as error:
            problems.extend(error.problems)
    if problems:
        raise InvalidInput(problems)
    return out


def check_names(field: str, names: Sequence[str] | None, candidates: Sequence[str]) -> None:
    """Every name in an option must be a candidate of the profile."""
    if names is None:
        return
    unknown = [n for n in names if n not in candidates]
    if unknown:
        raise fail(field, f"{field} names unknown candidates: {', '.join(unknown)}")
