"""eclair.demonstrations"""
