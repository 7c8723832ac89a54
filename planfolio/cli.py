"""The command line: `planfolio [build|check|deploy|serve] [options]`, or `python build.py ...`.

Exit codes, for every command: 0 done, 1 problems (in the plans, the configuration, the
templates, or a failed deploy), 2 bad usage (an unknown option, a missing folder or file,
an output folder or zip that is refused), 130 interrupted (Ctrl+C), 143 a build stopped
by SIGTERM.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from . import __version__

# Each command loads only the modules it uses (`--help` none of them): a build needs no
# web server, a check no templates.
if TYPE_CHECKING:
    from .config import Config
    from .model import Problem
    from .pipeline import BuildResult

DONE, PROBLEMS, USAGE, INTERRUPTED, TERMINATED = 0, 1, 2, 130, 143
#: The plans folder when no --source is given (the very object, so that one given is told apart).
DEFAULT_SOURCE = Path("seeds")


def make_parser(prog: str | None = None) -> argparse.ArgumentParser:
    """Return the argument parser with every command."""
    parser = argparse.ArgumentParser(
        prog=prog or _program_name(),
        description="Build a static website from a folder of action learning plans.",
    )
    parser.add_argument("--version", action="version", version=f"planfolio {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_CommandParser)
    build_parser = commands.add_parser("build", help="build the site (the default command)")
    build_parser.description = "Build the site from a folder of plans into an output folder."
    _add_build_options(build_parser)
    build_parser.add_argument(
        "--zip",
        type=_path,
        default=None,
        metavar="FILE",
        help="also write the site as one zip, to read offline",
    )
    deploy_parser = commands.add_parser("deploy", help="build the site and publish it to a git branch")
    deploy_parser.description = (
        "Build the site, then publish the output folder as one new commit on a branch of a remote"
        " of the git repository you run it in (for GitHub Pages). Your working tree and current"
        " branch are not touched; a CNAME file on the branch is kept."
    )
    _add_build_options(deploy_parser)
    deploy_parser.add_argument("--remote", default="origin", help="git remote to push to (default: origin)")
    deploy_parser.add_argument(
        "--branch", default="gh-pages", help="branch to publish to (default: gh-pages)"
    )
    deploy_parser.add_argument(
        "--message", default="", help="commit message (default: names the source commit)"
    )
    check_parser = commands.add_parser("check", help="report every problem in the plans; write nothing")
    check_parser.description = (
        "Read every plan and the configuration without writing anything and print every problem,"
        " then a count by kind. Exit 0 when there is no error, 1 when there is one, 2 for bad usage."
    )
    _add_check_options(check_parser)
    serve_parser = commands.add_parser("serve", help="preview the site, rebuilt and reloaded on every save")
    serve_parser.description = (
        "Build the site into a temporary folder and serve it; on every save rebuild what changed"
        " and reload the pages open in the browser."
    )
    _add_serve_options(serve_parser)
    return parser


class _CommandParser(argparse.ArgumentParser):
    """The parser of one command, which reports what it does not accept with its own usage.

    argparse hands a command's unknown arguments back to the top-level parser, whose usage
    names the commands, not the options of the one given.
    """

    def parse_known_args(self, *args: Any, **kwargs: Any) -> Any:
        namespace, unknown = super().parse_known_args(*args, **kwargs)
        if unknown:
            self.error(f"unrecognized arguments: {' '.join(unknown)}")
        return namespace, unknown


def _add_build_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--source", type=_path, default=DEFAULT_SOURCE, help="folder of plan files (default: seeds)"
    )
    parser.add_argument(
        "--output", type=_path, default=Path("output"), help="folder to build into (default: output)"
    )
    parser.add_argument(
        "--config",
        type=_path,
        default=None,
        help="site configuration file (default: site.yml here, else in the plans folder)",
    )
    parser.add_argument(
        "--base-url",
        type=_base_url,
        default=None,
        metavar="URL",
        help="the site's public address (overrides site.yml)",
    )
    parser.add_argument("--strict", action="store_true", help="fail (exit 1) when any problem is found")
    parser.add_argument(
        "--no-cache",
        action="store_true",
        help="render every page again, without reading or writing the .planfolio-cache/ beside the output",
    )
    parser.add_argument(
        "--quiet", action="store_true", help="print only problems: no progress bar and no summary line"
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="build into an output folder planfolio did not make, replacing everything in it",
    )


def _add_source_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--source", type=_path, default=DEFAULT_SOURCE, help="folder of plan files (default: seeds)"
    )
    parser.add_argument(
        "--config",
        type=_path,
        default=None,
        help="site configuration file (default: site.yml here, else in the plans folder)",
    )


def _add_check_options(parser: argparse.ArgumentParser) -> None:
    _add_source_options(parser)
    parser.add_argument("--strict", action="store_true", help="fail (exit 1) on warnings too")


def _add_serve_options(parser: argparse.ArgumentParser) -> None:
    _add_source_options(parser)
    parser.add_argument("--port", type=_port, default=8000, help="port to listen on (default: 8000; 0: any)")
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this machine only)"
    )
    parser.add_argument("--open", action="store_true", help="open the site in the web browser")
    # The theme to build with (default: the project's): tests point these at copies.
    parser.add_argument("--templates", type=_path, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--assets", type=_path, default=None, help=argparse.SUPPRESS)


def _port(text: str) -> int:
    """Return a port number from 0 to 65535, or make argparse report a usage error."""
    try:
        port = int(text)
    except ValueError:
        port = -1
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number from 0 to 65535")
    return port


def _base_url(text: str) -> str:
    """Return a public address (or "", none), or make argparse report a usage error."""
    from .config import base_url_problem  # YAML's parser loads only when the option is given

    problem = base_url_problem(text) if text else None
    if problem is not None:
        raise argparse.ArgumentTypeError(problem)
    return text


def _program_name() -> str:
    """Return the name the command was started by: planfolio, build.py or python -m planfolio."""
    name = os.path.basename(sys.argv[0]) if sys.argv and sys.argv[0] else "planfolio"
    return "python -m planfolio" if name == "__main__.py" else name


def main(argv: list[str] | None = None, prog: str | None = None) -> int:
    """Run the command line; return the exit code (see the module's docstring)."""
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0].startswith("-") and argv[0] not in ("-h", "--help", "--version"):
        argv = ["build", *argv]
    parser = make_parser(prog)
    args = parser.parse_args(argv)
    commands = {"build": run_build, "deploy": run_deploy, "check": run_check, "serve": run_serve}
    if args.command not in commands:
        parser.print_help()
        return USAGE
    if getattr(args, "output", None) is not None and ".." in args.output.parts:
        # "site/x/.." names the folder "site", even where "x" does not exist, and the cache
        # beside it is beside "site"; the system would look for "x".
        args.output = Path(os.path.realpath(args.output))
    try:
        return commands[args.command](args)
    except KeyboardInterrupt:
        # A build stopped before its swap leaves the last site as it was, and no staging folder.
        print("Interrupted.", file=sys.stderr)
        return INTERRUPTED
    except BaseException as stop:
        from .parallel import Terminated  # (loaded already when a build is what SIGTERM stopped)

        if not isinstance(stop, Terminated):
            raise
        print("Terminated.", file=sys.stderr)  # as cleanly as by Ctrl+C
        return TERMINATED


def run(prog: str | None = None) -> NoReturn:
    """Run the command line as a program, and end the process with its exit code.

    The process ends without the interpreter's clean-up, which would free the site model
    object by object: 0.07 s of a cold build's 2.6 s and 0.03 s of a 0.47 s rebuild, run
    as whole processes (see bench/README.md). Nothing is left to it: a command has closed
    its files and ended its processes when it returns, and what it printed is flushed here.
    """
    if isinstance(sys.stdout, io.TextIOWrapper) and sys.stdout.errors == "strict":
        # A folder named on the command line may have a name that is not UTF-8: printed
        # with its bytes escaped (as on stderr), where a UTF-8 terminal would refuse it.
        sys.stdout.reconfigure(errors="backslashreplace")
    code = main(prog=prog)
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(BrokenPipeError, ValueError):  # a reader gone (| head), a stream closed
            stream.flush()
    os._exit(code)


def run_build(args: argparse.Namespace) -> int:
    """Build the site, and its zip when asked; print its problems and a summary line."""
    usage = _usage_error(args) or _zip_error(args)
    if usage is not None:
        print(f"error: {usage}", file=sys.stderr)
        return USAGE
    place = None
    if args.zip is not None:
        from .output import reserve_zip

        try:
            place = reserve_zip(args.zip)
        except OSError as error:
            print(f"error: cannot write the zip {args.zip}: {error.strerror or error}", file=sys.stderr)
            return USAGE
    try:
        result = _build(args)
        if isinstance(result, int) or place is None:
            return result if isinstance(result, int) else DONE
        return _zip(args, place.partial)
    finally:
        if place is not None and not args.zip.exists():  # not written: nothing of it is left
            place.give_back()
        elif place is not None:
            place.partial.unlink(missing_ok=True)


def _zip(args: argparse.Namespace, partial: Path) -> int:
    """Write the site just built as a zip, through the file reserved for it."""
    from . import urls
    from .output import OutputError, zip_folder

    try:
        # The 404 page is for web servers: its links use the public address.
        count = zip_folder(args.output, args.zip, frozenset({urls.NOT_FOUND}), partial)
    except OutputError as error:
        print(f"error: {error}", file=sys.stderr)
        return USAGE
    except OSError as error:
        print(f"error: cannot write the zip {args.zip}: {error.strerror or error}", file=sys.stderr)
        print(f"The site in {args.output} is built; the zip was not written.", file=sys.stderr)
        return PROBLEMS
    except KeyboardInterrupt:
        print(f"Interrupted: the site in {args.output} is built; the zip was not written.", file=sys.stderr)
        return INTERRUPTED
    if not args.quiet:
        print(f"{count} files zipped into {args.zip}")
    return DONE


def _loops(path: Path) -> bool:
    """Return whether a path's symbolic links lead round in a loop."""
    try:
        path.resolve()
    except (RuntimeError, OSError):  # RuntimeError up to Python 3.12, OSError (ELOOP) after
        return True
    return False


def _path(text: str) -> Path:
    """Return a path given on the command line; an empty one (a variable left unset) is refused,
    where Path would take it for the current folder."""
    if not text:
        raise argparse.ArgumentTypeError("empty: name a file or folder ('.' for this folder)")
    return Path(text)


def _usage_error(args: argparse.Namespace) -> str | None:
    """Return what is wrong with the paths given, if anything."""
    for option in ("source", "output", "zip", "config"):
        path = getattr(args, option, None)
        if path is not None and _loops(path):
            return f"--{option} {path}: its symbolic links make a loop"
    if args.source is DEFAULT_SOURCE and not args.source.exists():
        return _no_plans_folder(args)
    if args.source.is_file():
        return f"--source {args.source}: a file, not a folder of plans"
    if not args.source.is_dir():
        return f"--source {args.source}: no such folder"
    from .output import is_site

    if is_site(args.source):
        where = " (were --source and --output swapped?)" if "output" in vars(args) else ""
        return f"--source {args.source}: a site planfolio built, not a folder of plans{where}"
    if args.config is not None and args.config.is_dir():
        return f"--config {args.config}: a folder, not a file"
    if args.config is not None and not args.config.exists():
        return f"--config {args.config}: no such file"
    if args.config is not None and not args.config.is_file():
        return f"--config {args.config}: not a file that can be read as text"
    return None


def _no_plans_folder(args: argparse.Namespace) -> str:
    """Return what to do when no --source is given and the default folder is not here."""
    name = _program_name()
    command = f"{'python ' if name.endswith('.py') else ''}{name} {args.command}"
    missing = f"no plans folder given, and there is no {DEFAULT_SOURCE} folder here (the default)"
    if not any(Path.cwd().glob("*.md")):
        return f"{missing}: name the folder of your plans, as in: {command} --source PLANS"
    output = " --output ../site" if "output" in vars(args) else ""
    return f"{missing}; to build the plans in this folder, run: {command} --source .{output}"


def _zip_error(args: argparse.Namespace) -> str | None:
    """Return why the --zip file cannot be written, if it cannot: checked before building."""
    if args.zip is None:
        return None
    from .output import OutputError, check_zip_target

    try:
        check_zip_target(args.zip, args.output, args.source)
    except OutputError as error:
        return str(error)
    return None


def run_deploy(args: argparse.Namespace) -> int:
    """Build the site and publish it to a branch of a git remote."""
    from .deploy import DeployError, check_remote, check_repository, deploy  # only this command needs git

    usage = _usage_error(args)
    if usage is not None:
        print(f"error: {usage}", file=sys.stderr)
        return USAGE
    try:  # before the build, which takes a while
        check_repository(Path.cwd())
        check_remote(Path.cwd(), args.remote, args.branch)
    except DeployError as error:
        print(f"error: {error}", file=sys.stderr)
        return PROBLEMS
    result = _build(args)
    if isinstance(result, int):
        return result
    try:
        published = deploy(args.output, Path.cwd(), args.remote, args.branch, args.message, args.source)
    except DeployError as error:
        print(f"error: {error}", file=sys.stderr)
        return PROBLEMS
    kept = f" (kept {', '.join(published.kept)})" if published.kept else ""
    print(
        f"published {published.files} files to {args.branch} on {args.remote}{kept}:"
        f" commit {published.commit[:12]}"
    )
    return 0


def load_site_config(args: argparse.Namespace) -> tuple[Config, tuple[Problem, ...]]:
    """Return the config from --config (or site.yml, see config_path) and --base-url, and
    the warnings it gives, printed."""
    from .config import config_path, config_warnings, load_config, with_overrides

    path, unread = config_path(args.config, args.source)
    config = load_config(path, required=args.config is not None)
    if args.base_url is not None:
        config = with_overrides(config, "--base-url", base_url=args.base_url)
    warnings = unread + config_warnings(str(path), config)
    for problem in warnings:
        print(problem, file=sys.stderr)
    return config, warnings


def _check_cache_folder(cache: Path) -> None:
    """Refuse a cache folder that a file stands in the way of (planfolio never replaces one)."""
    from .output import OutputError

    for folder in (cache.parent, cache):
        if folder.exists() and not folder.is_dir():
            raise OutputError(
                f"{folder} is a file, not the cache folder planfolio keeps beside the output:"
                " move it, or build with --no-cache"
            )


def _system_failure(error: Exception) -> bool:
    """Return whether an error is the system's refusal in another process (a full disk...)."""
    from .parallel import WorkerError

    return isinstance(error, WorkerError) and error.system


def _build(args: argparse.Namespace) -> BuildResult | int:
    """Build the site and print what was found; return the exit code when it was not built.

    A build that is refused or aborted leaves the output folder as it was.
    """
    from .cache import cache_folder
    from .config import ConfigError
    from .model import counted, counted_documents
    from .output import OutputError
    from .pipeline import TEMPLATES, BuildAborted, build
    from .progress import terminal_bar

    try:
        cache = None if args.no_cache else cache_folder(args.output)
        if cache is not None:
            _check_cache_folder(cache)
        config, warnings = load_site_config(args)
        if args.strict and warnings:  # told before any plan is read: nothing is built
            print(
                f"Aborted: {counted(len(warnings), 'warning')} in the configuration in strict mode;"
                " nothing was changed",
                file=sys.stderr,
            )
            return PROBLEMS
        with terminal_bar(not args.quiet) as progress:
            result = build(
                args.source, args.output, config, cache,
                progress=progress, force=args.force, strict=args.strict, require_plans=True,
            )  # fmt: skip
    except ConfigError as error:
        print_problems(error.as_problems(), error.source)
        print(f"error: {error.source} must be corrected first; nothing was changed", file=sys.stderr)
        return PROBLEMS
    except OutputError as error:
        print(f"error: {error}", file=sys.stderr)
        return USAGE
    except BuildAborted as aborted:
        if aborted.left_out and not args.quiet:
            print(aborted.left_out)
        print_problems(aborted.problems, counted_documents(aborted.plans_read, dict(aborted.types_read)))
        print(aborted.reason, file=sys.stderr)
        return PROBLEMS
    except OSError as error:  # a folder that cannot be written: full, read-only, not ours
        from .model import system_refusal

        print(f"error: {system_refusal(error)}", file=sys.stderr)
        return PROBLEMS
    except Exception as error:
        if _system_failure(error):
            print(f"error: {error}", file=sys.stderr)
            return PROBLEMS
        from .pipeline import explain_failure

        problems = explain_failure(error, TEMPLATES)
        if problems[0].path == "the build":
            raise  # not a mistake in the input: a fault of planfolio, with its traceback
        print_problems(problems, "the templates")
        print("error: the templates must be corrected first; nothing was changed", file=sys.stderr)
        return PROBLEMS
    print_problems(result.problems, counted_documents(result.plans_read, dict(result.types_read)))
    sys.stderr.flush()
    if not args.quiet:
        if result.left_out:
            print(result.left_out)
        print(result.summary(args.output))
    return result


def run_check(args: argparse.Namespace) -> int:
    """Print every problem of the plans and the configuration, and a count by kind."""
    from .check import check_plans
    from .doctypes import left_out_line, other_types_hint
    from .model import counted_documents

    usage = _usage_error(args)
    if usage is not None:
        print(f"error: {usage}", file=sys.stderr)
        return USAGE
    config, problems = _config_and_problems(args.config, args.source)
    site, found = check_plans(args.source, config)
    problems += found
    for problem in problems:
        print(problem)
    if site.left_out:
        print(left_out_line(site.left_out))
    if site.plans or problems:  # of no plans and no problem, the error below says all
        print_counts(problems, counted_documents(len(site.plans), site.type_counts))
    if not site.plans:
        hint = other_types_hint(site.left_out, config.types)
        print(f"error: no plans found in {args.source}{hint}", file=sys.stderr)
        return PROBLEMS
    errors = any(problem.severity == "error" for problem in problems)
    return PROBLEMS if errors or (args.strict and problems) else DONE


def _config_and_problems(given: Path | None, source: Path) -> tuple[Config, tuple[Problem, ...]]:
    """Read the configuration; when it is wrong, check the plans with the defaults."""
    from .config import Config, ConfigError, config_path, config_warnings, load_config

    path, unread = config_path(given, source)
    try:
        config = load_config(path)
        return config, unread + config_warnings(str(path), config)
    except ConfigError as error:
        return Config(), unread + error.as_problems()


def print_counts(problems: tuple[Problem, ...], documents: str) -> None:
    """Print how many problems there are in the documents ("3 plans"), then how many of each kind."""
    from .check import count_by_kind
    from .model import counted

    if not problems:
        print(f"no problems in {documents}")
        return
    errors = sum(problem.severity == "error" for problem in problems)
    severities = f"{counted(errors, 'error')}, {counted(len(problems) - errors, 'warning')}"
    print(f"{counted(len(problems), 'problem')} in {documents}: {severities}")
    for kind, severity, count in count_by_kind(problems):
        print(f"  {kind:<18} {counted(count, severity)}")


def run_serve(args: argparse.Namespace) -> int:
    """Serve the site and rebuild it on every change, until interrupted."""
    # The server's modules (tornado among them) load only for this command.
    from .config import config_path
    from .pipeline import ASSETS, TEMPLATES
    from .preview import Inputs
    from .serve import ServeOptions, serve

    usage = _usage_error(args)
    if usage is not None:
        print(f"error: {usage}", file=sys.stderr)
        return USAGE
    templates, assets = args.templates or TEMPLATES, args.assets or ASSETS
    config, unread = config_path(args.config, args.source)
    for problem in unread:
        print(problem, file=sys.stderr)
    inputs = Inputs(args.source, config, templates, assets)
    return serve(ServeOptions(inputs, args.host, args.port, args.open))


def print_problems(problems: tuple[Problem, ...], documents: str) -> None:
    """Print the numbered list of problems in the documents ("3 plans"), one per line."""
    from .model import counted

    if not problems:
        return
    print(f"{counted(len(problems), 'problem')} in {documents}:", file=sys.stderr)
    for number, problem in enumerate(problems, 1):
        print(f"{number}. {problem}", file=sys.stderr)
