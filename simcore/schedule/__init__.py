"""Launch schedules: the plan, the SimPy model of record, the vectorised engine."""
