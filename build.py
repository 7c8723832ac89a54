#!/usr/bin/env python3
"""Build the planfolio site: `python build.py --help` lists the commands."""

from planfolio.cli import run

if __name__ == "__main__":
    run()
