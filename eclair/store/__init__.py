"""eclair.store"""
