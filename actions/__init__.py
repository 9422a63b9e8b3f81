"""Rasa custom actions: thin adapters from tracker slots to the `bot` package."""
