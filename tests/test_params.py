"""Query parameters are range-checked before they reach any engine (issue 18, F7/item 10).

``-p limit=99999999999999999999`` used to raise ``OverflowError`` inside the Neo4j driver and
SPARQL ``limit=-1`` returned all rows but one; every engine now gets the same clear refusal.
"""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from evgraph.cli import main
from evgraph.query import QueryError, get_query, library
from evgraph.query.library import INT_MAX, INT_MIN, parse_query

BAD = [("99999999999999999999", "out of range"), (str(INT_MAX + 1), "out of range"), ("-1", "must be 0 or more"),
       ("1e400", "invalid"), ("nan", "invalid"), ("2.5", "invalid"), ("ten", "invalid")]


@pytest.mark.parametrize("value,message", BAD)
def test_bad_limits_are_refused_by_every_library_query(value, message):
    with_limit = [q for q in library().values() if any(p.name == "limit" for p in q.params)]
    assert with_limit
    for q in with_limit:
        with pytest.raises(QueryError, match=message):
            q.bind({"limit": value})


def test_limits_in_range_pass():
    q = get_query("top_cargo")
    assert q.bind({"limit": str(INT_MAX)})["limit"] == INT_MAX and q.bind({"limit": "0"})["limit"] == 0


def test_int_and_float_parameters_are_range_checked():
    q = parse_query("// name: t\n// description: d\n// param: n: int = 1 -- n\n// param: x: float = 1.0 -- x\n"
                    "// columns: a\nMATCH (a) WHERE a.n > $n AND a.x > $x RETURN a.id AS a\n")
    assert q.bind({"n": str(INT_MIN), "x": "-1e300"}) == {"n": INT_MIN, "x": -1e300}
    for name, value in (("n", str(INT_MIN - 1)), ("x", "inf"), ("x", "nan"), ("x", "1e400")):
        with pytest.raises(QueryError, match=f"parameter '{name}'"):
            q.bind({name: value})


def test_any_parameter_used_as_limit_or_skip_must_not_be_negative():
    q = parse_query("// name: t\n// description: d\n// param: n: int = 1 -- n\n// param: k: int = 0 -- k\n"
                    "// columns: a\nMATCH (a) RETURN a.id AS a SKIP $k LIMIT $n\n")
    for name in ("n", "k"):
        with pytest.raises(QueryError, match="must be 0 or more"):
            q.bind({name: "-3"})


@pytest.mark.parametrize("command", [["query", "top_cargo"], ["sparql", "top_cargo"]])
@pytest.mark.parametrize("value", ["99999999999999999999", "-1"])
def test_cli_refuses_with_one_line(command, value):
    res = CliRunner().invoke(main, [*command, "--param", f"limit={value}"], catch_exceptions=False)
    assert res.exit_code == 1
    lines = res.stderr.strip().splitlines()
    assert lines[-1].startswith("evgraph: error: query top_cargo: parameter 'limit'") and "Traceback" not in res.output
    assert not res.stdout


def test_neo4j_gets_no_overflowing_parameter():
    """The overflow used to happen inside the driver; now the refusal comes before any connection:
    the URI names a port where no server listens, so reaching the driver would fail differently."""
    uri = "bolt://127.0.0.1:1"
    res = CliRunner().invoke(main, ["query", "top_cargo", "-p", "limit=99999999999999999999", "--neo4j", uri],
                             catch_exceptions=False)
    assert res.exit_code == 1 and "out of range" in res.stderr and "OverflowError" not in res.output
