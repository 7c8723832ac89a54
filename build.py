#!/usr/bin/env python3
"""Build the planfolio site: `python build.py --help` lists the commands."""

import sys

from planfolio.cli import main

if __name__ == "__main__":
    sys.exit(main())
