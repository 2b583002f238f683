"""eclair.security"""
