"""Analysis of runs: the summary, the launch table, compare, sweeps, tornado, break-even, Sobol."""
