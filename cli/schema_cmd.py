"""``sim schema``: the JSON Schema of scenario files, for editors."""

from __future__ import annotations

from cli.common import guarded, print_json


@guarded
def schema() -> None:
    """Print the JSON Schema of a scenario file (point your editor's YAML plugin at it)."""
    from simcore.scenario.model import Scenario

    data = Scenario.model_json_schema()
    data["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    data["title"] = "sim scenario"
    print_json(data)
