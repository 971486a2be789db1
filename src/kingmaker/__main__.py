"""`python -m kingmaker`: the same as the `kingmaker` command."""

from .cli import main

main()
