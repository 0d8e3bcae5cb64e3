"""The ``sim`` application: one module per command, joined here."""

from __future__ import annotations

import typer

from cli import (
    compare_cmd,
    facts_cmd,
    outcomes_cmd,
    report_cmd,
    run_cmd,
    schema_cmd,
    sweep_cmd,
    trace_cmd,
    validate_cmd,
)
from cli.common import STATE
from cli.usage import OneLineUsage

app = typer.Typer(
    name="sim",
    cls=OneLineUsage,
    help="Strategic scenario simulator: Monte Carlo cash and launch schedules per option.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _root(debug: bool = typer.Option(False, "--debug", help="show tracebacks of errors")
          ) -> None:
    STATE["debug"] = debug


app.command("run")(run_cmd.run)
app.command("compare")(compare_cmd.compare_cmd)
app.command("sweep")(sweep_cmd.sweep)
app.command("report")(report_cmd.report)
app.command("validate")(validate_cmd.validate)
app.command("trace")(trace_cmd.trace)
app.command("facts")(facts_cmd.facts)
app.command("outcomes")(outcomes_cmd.outcomes)
app.command("schema")(schema_cmd.schema)


def main() -> None:
    app()
