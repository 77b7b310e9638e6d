"""The soak script's short run: a minute of random faults, then an exact reconciliation."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

SOAK = Path(__file__).resolve().parents[2] / "scripts" / "soak.py"


@pytest.mark.timeout(600)
def test_a_one_minute_soak_with_random_faults_loses_and_duplicates_nothing() -> None:
    run = subprocess.run(
        [sys.executable, str(SOAK), "--minutes", "1", "--fault-every", "20",
         "--es-outage-seconds", "20", "--seed", "7"],
        capture_output=True, text=True, timeout=580,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "lost          0" in run.stdout and "duplicates    0" in run.stdout, run.stdout
    assert "faults injected" in run.stdout and " 0 faults" not in run.stdout, run.stdout
