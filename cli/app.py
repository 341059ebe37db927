"""The ``stanceframe`` command: wires the command modules into one Typer app."""

from __future__ import annotations

import os

import typer

from stanceframe import __version__
from stanceframe.cli import benchmark_cmd, data_cmd, eval_cmd, model_cmd, score_cmd
from stanceframe.cli.common import setup_logging

app = typer.Typer(
    name="stanceframe",
    help=(
        "Stance toward targets and framing devices (attribution, accusation, "
        "humanitarian appeal) in news text.\n\n"
        "Typical use: `stanceframe score article.txt --target Armenia` scores an "
        "article on the bundled default model (built on first use)."
    ),
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.add_typer(data_cmd.app, name="data")
for module in (model_cmd, eval_cmd, score_cmd, benchmark_cmd):
    module.register(app)


def _version(value: bool) -> None:
    if value:
        print(__version__)
        raise typer.Exit()


@app.callback()
def _root(
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Log more to stderr."),
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version."
    ),
) -> None:
    setup_logging(verbose)


def main() -> None:
    # No model hub at run time: everything loads from local directories.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
    app()


if __name__ == "__main__":
    main()
