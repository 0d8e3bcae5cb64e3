"""The ``sim`` command line (typer). All printing and exit codes live here."""
