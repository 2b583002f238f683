"""eclair.browser"""
