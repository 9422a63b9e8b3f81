"""Kompetanseveilederen: catalog, recommender and answers behind the Rasa actions."""
