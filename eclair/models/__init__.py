"""eclair.models"""
