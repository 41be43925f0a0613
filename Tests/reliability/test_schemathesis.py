"""The server against its own contract, `openapi.yaml`, with schemathesis.

Schemathesis generates valid and invalid requests for every operation from the spec (the
examples, coverage, fuzzing and stateful phases, ~50 cases per operation) and runs every check:
no 5xx; every answer's status, content type, headers and body as the spec documents; schema-valid
requests accepted and schema-violating ones rejected (so the spec says exactly what the server
enforces); 405 with `Allow`; and, statefully, that what a POST created can be read.

One check is left out, by name: `use_after_free` ("deleted resource still available"). It expects
that after `DELETE /v1/consents/{id}` the consent answers 404. That is not how consent works: a
withdrawal is a new state of the consent (method `withdraw`, Art. 7(3) GDPR, and the ledger keeps
the history as proof, Art. 7(1)), so `GET` answers 200 with that state. `openapi.yaml` says so at
the DELETE operation.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from conftest import OPENAPI, Server

MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "50"))
CHECKS = "all"
# DELETE /v1/consents/{id} records a withdrawal (a new state), it does not delete: see above.
EXCLUDED_CHECKS = "use_after_free"
# Runs the installed schemathesis CLI with this interpreter (no reliance on PATH).
CLI = [sys.executable, "-c",
       "import sys; from schemathesis.cli import schemathesis; sys.argv[0] = 'schemathesis'; sys.exit(schemathesis())"]


def test_openapi_conformance(server: Server, tmp_path):
    pytest.importorskip("schemathesis", reason="pip install -r Tests/reliability/requirements.txt")
    argv = [*CLI, "run", str(OPENAPI), "--url", server.url,
            "--checks", CHECKS,
            "--exclude-checks", EXCLUDED_CHECKS,
            "--phases", "examples,coverage,fuzzing,stateful",
            "--max-examples", str(MAX_EXAMPLES),
            "--workers", "1",  # 2 workers hit a CPython 3.11 ast.parse race inside hypothesis
            "--request-timeout", "10",
            "--suppress-health-check", "all",
            "--report", "junit", "--report-dir", str(tmp_path / "report")]
    env = {**os.environ, "NO_COLOR": "1", "SCHEMATHESIS_HOOKS": ""}
    result = subprocess.run(argv, capture_output=True, text=True, timeout=400, env=env, cwd=tmp_path)
    output = result.stdout + result.stderr
    print(output[-6000:])
    assert result.returncode == 0, f"schemathesis exited {result.returncode}:\n{output[-12000:]}"
    assert server.alive() and server.healthy(), server.log_tail()
