"""eclair.bench"""
