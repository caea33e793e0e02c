"""`python -m hustings_verify DIR`."""

from hustings_verify.cli import main

main()
