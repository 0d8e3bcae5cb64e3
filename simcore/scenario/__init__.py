"""The scenario format: pydantic models, quantities, safe YAML, loading, overrides."""
