"""Uncertain inputs: distributions, a scenario's inputs, name-keyed sampling."""
