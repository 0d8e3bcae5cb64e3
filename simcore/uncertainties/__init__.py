"""uncertainties."""
