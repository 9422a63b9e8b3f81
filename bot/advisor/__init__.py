"""The guided advisor: slot table, reading of answers, recommendation replies."""
