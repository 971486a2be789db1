"""`python -m kingmaker.cli`: the same as the `kingmaker` command."""

from . import main

main()
