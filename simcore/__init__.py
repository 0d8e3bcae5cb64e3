"""simcore: Monte Carlo cash and launch-schedule projections under partnership options.

Import the pieces from their modules: ``simcore.scenario.loader.load_scenario``,
``simcore.experiments.runner.run``, ``simcore.analysis.summary.summarise``;
:mod:`simcore.api` joins them.
"""

__version__ = "0.1.0"
