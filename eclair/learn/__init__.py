"""eclair.learn"""
