"""Rasa input channels (loaded by the Rasa engine env; imports nothing from the application env)."""
