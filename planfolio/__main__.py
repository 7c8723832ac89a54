"""Run the command line as `python -m planfolio`."""

from planfolio.cli import run

if __name__ == "__main__":
    run(prog="python -m planfolio")
