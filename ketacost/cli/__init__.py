"""The command line: the entry point and its typer-free fast path, the typer app, the runs."""
