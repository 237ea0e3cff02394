"""Summarises schemathesis' JSON report for CI and decides the step.

The step fails on server errors (ST101/ST102), response-schema violations (ST108) and bodies
that do not decode as their media type says (ST109/ST110), and on any operation schemathesis
could not test (an unresolvable $ref, a body it cannot serialise): "all operations" means all of
them. The other response checks the run makes — an undocumented status code (ST103), an
undocumented Content-Type (ST104–ST106), a required response header missing (ST107) — are
listed as advisory: the document should say them too, but they do not fail the step.
It also prints how many operations the run reached with a request the server accepted — a
measure of depth, not a gate.

Usage: python schemathesis_summary.py schemathesis.json
"""

import json
import sys

SERVER_ERRORS = {"ST101", "ST102"}
SCHEMA = {"ST108", "ST109", "ST110"}
ADVISORY = {"ST103", "ST104", "ST105", "ST106", "ST107"}


def main(path: str) -> int:
    try:
        with open(path) as f:
            report = json.load(f)
    except (OSError, ValueError) as e:
        print(f"no schemathesis report ({e})")
        return 1
    ops = report["operations"]
    cases = report["test_cases"]
    print(f"schemathesis {report['schemathesis_version']}: {ops['tested']}/{ops['selected']} operations tested, "
          f"{cases['generated']} test cases in {report['running_time']:.0f} s ({report['stop_reason']}), seed {report['seed']}")
    for name, phase in report["phases"].items():
        print(f"  phase {name}: {phase['status']}{' (' + phase['skip_reason'] + ')' if phase.get('skip_reason') else ''}")

    server_errors = schema_violations = other = advisory = 0
    for failure in report["failures"]:
        code, count = failure["code"], failure["count"]
        if code in SERVER_ERRORS:
            server_errors += count
        elif code in SCHEMA:
            schema_violations += count
        elif code in ADVISORY:
            advisory += count
        else:
            other += count
        note = " (advisory)" if code in ADVISORY else ""
        print(f"  {code} {failure['title']}{note}: {count} — {', '.join(failure['operations'])}")
    for error in report["errors"]:
        print(f"  error: {json.dumps(error, ensure_ascii=False)[:300]}")

    rates = report.get("valid_rates") or {}
    reached = [op for op, phases in rates.items() if any(p.get("accepted", 0) for p in phases.values())]
    never = sorted(set(rates) - set(reached))
    print(f"  operations with at least one accepted (2xx) request: {len(reached)}/{len(rates)} of those with generated bodies or parameters")
    if never:
        print(f"  never accepted: {', '.join(never)}")
    auth = report.get("auth") or {}
    if auth.get("reauth_count"):
        print(f"  signed in again {auth['reauth_count']} times (after 401s, e.g. its own logout)")

    untested = ops["selected"] - ops["tested"]
    print(f"server errors: {server_errors}, schema violations: {schema_violations}, other failures: {other}, "
          f"operations not tested: {untested}, errors: {len(report['errors'])}; advisory: {advisory}")
    return 1 if server_errors or schema_violations or other or untested or report["errors"] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
