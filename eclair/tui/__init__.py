"""eclair.tui — the Textual app: describe and run a workflow, watch it live, review traces, follow improvement."""
