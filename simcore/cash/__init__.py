"""The monthly cash model, vectorised over draws, and its ramp and window profiles."""
