"""The counting engine: profiles, methods behind one registry, exact round-by-round outcomes."""

from hustings.counting.college import count_college, count_points
from hustings.counting.method import Method
from hustings.counting.options import OptionSpec
from hustings.counting.outcome import Outcome, Round, Tie
from hustings.counting.profile import Profile, compress
from hustings.counting.registry import all_methods, get_method

__all__ = [
    "Method", "OptionSpec", "Outcome", "Profile", "Round", "Tie", "all_methods", "compress",
    "count_college", "count_points", "get_method",
]
