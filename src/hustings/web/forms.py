"""HTML forms: typed values back out of the form, and problems placed beside their fields."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from hustings.domain.errors import Problem


@dataclass
class FormState:
    """What a form page shows again after a refusal: the user's values and the problems."""

    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)  # field -> messages
    general: list[str] = field(default_factory=list)  # problems not tied to a field

    @classmethod
    def of(cls, values: Mapping[str, object], problems: Iterable[Problem],
           fields: Mapping[str, str]) -> FormState:
        """`fields` maps a problem's field (e.g. a column or candidate key) to a form field."""
        state = cls({k: v for k, v in values.items() if isinstance(v, str)})
        for p in problems:
            target = fields.get(p.field or "")
            message = p.message if target else str(p)
            if target:
                state.errors.setdefault(target, []).append(message)
            else:
                state.general.append(message)
        return state

    @property
    def invalid(self) -> bool:
        return bool(self.errors or self.general)

    def value(self, name: str, default: str = "") -> str:
        return self.values.get(name, default)


def whole_numbers(values: Mapping[str, object], names: Mapping[str, str],
                  source: str = "form") -> tuple[dict[str, int], list[Problem]]:
    """Parse form fields (form name -> problem field) as whole numbers; problems for the rest."""
    parsed: dict[str, int] = {}
    problems: list[Problem] = []
    for form_name, problem_field in names.items():
        raw = str(values.get(form_name, "")).strip().replace(",", "")
        if raw.lstrip("-").isdigit() and len(raw) <= 12:
            parsed[form_name] = int(raw)
        else:
            message = "required" if not raw else f"{raw!r} is not a whole number"
            problems.append(Problem(message, source, None, problem_field))
    return parsed, problems
