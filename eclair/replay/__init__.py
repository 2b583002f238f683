"""eclair.replay"""
