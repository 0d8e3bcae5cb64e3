"""Outcomes: what a run measures per draw, defined once (:mod:`.registry`), and their
statistics (:mod:`.stats`)."""
