"""Run the command line as `python -m planfolio`."""

import sys

from planfolio.cli import main

if __name__ == "__main__":
    sys.exit(main(prog="python -m planfolio"))
