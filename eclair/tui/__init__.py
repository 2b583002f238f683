"""eclair.tui"""
