"""The typer application: one module per command under deigcli/commands."""

from __future__ import annotations

from typing import Annotated

import typer

from .commands.concept import concept_app
from .commands.convert import convert
from .commands.doctor import doctor
from .commands.download import download
from .commands.eval import eval_app
from .commands.plan import plan
from .commands.plugins import plugins
from .commands.poses import poses
from .commands.ref import ref_app
from .commands.render import render
from .commands.replay import replay
from .commands.schema import schema
from .commands.validate import validate

app = typer.Typer(
    name="deig",
    help="Words to pictures where every described thing keeps its own details.\n\n"
    "A planner turns your words into a scene (instances with boxes, poses and detail captions); "
    "a renderer draws it with instance-level control. stdout carries data (paths, scenes, JSON); "
    "messages go to stderr. Exit codes: 0 ok, 1 render failure, 2 invalid input, 3 planner failure, "
    "4 renderer unavailable, 130 interrupted.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        from .artifacts import deig_version

        print(f"deig {deig_version()}")
        raise typer.Exit()


@app.callback()
def root(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    """deig: instance-level control for diffusion images, planned from words."""


app.command()(plan)
app.command()(render)
app.command()(replay)
app.command()(validate)
app.command()(schema)
app.command()(poses)
app.command()(plugins)
app.command()(doctor)
app.command()(convert)
app.add_typer(eval_app, name="eval")
app.add_typer(concept_app, name="concept")
app.command()(download)
app.add_typer(ref_app, name="ref")
