"""The command line: the entry point and its typer-free fast path (entry, runs, output), the typer
app (app, options) and its commands by concern (estimates, pricing, clinic, gfe, templates,
batch_run)."""
