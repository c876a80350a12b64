"""Run the Rego version of the benchmark policies with regorus (opa-eval) or OPA.

``python benchmarks/rego_engines.py regorus|opa SNAPSHOT.json`` prints the violations as
JSON lines of ``[policy, setting id]``, sorted, like handloop.py.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
POLICY = HERE / "policies" / "bench.rego"


def region_data() -> dict[str, object]:
    regions = json.loads((HERE.parent / "src/consentrules/model/data/regions.json").read_text())
    eu = regions["groups"]["EU"]["members"]
    return {
        "groups": {
            "EU": eu,
            "EEA": [*eu, "IS", "LI", "NO"],
            "UK": ["GB"],
            "ALL": sorted(regions["countries"]),
            "US": ["US"],
        }
    }


def run_regorus(snapshot: str) -> dict[str, list[str]]:
    import opa_eval

    engine = opa_eval.OpaEval(
        str(POLICY), data_json=json.dumps(region_data()), query="data.bench.violations"
    )
    result: dict[str, list[str]] = engine.evaluate_parsed(Path(snapshot).read_text())
    return result


def run_opa(snapshot: str) -> dict[str, list[str]]:
    """OPA's Go library given the file as it is: the file's bytes go to Go, which parses the
    JSON itself, as ``opa eval --input FILE`` does (no Python decoding or re-encoding)."""
    from opa_bindings import engine as bindings

    encode = bindings._encode_input
    bindings._encode_input = lambda value: value if isinstance(value, bytes) else encode(value)
    engine = bindings.OpaEngine()
    engine.add_policy("bench.rego", POLICY.read_text())
    engine.add_data(region_data())
    result: dict[str, list[str]] = engine.eval_document(
        "bench.violations", Path(snapshot).read_bytes()
    )
    return result


def main(which: str, snapshot: str) -> None:
    result = run_regorus(snapshot) if which == "regorus" else run_opa(snapshot)
    for policy, ids in sorted(result.items()):
        for setting_id in sorted(ids):
            print(json.dumps([policy, setting_id]))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
