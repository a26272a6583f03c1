import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def own_store(tmp_path_factory, monkeypatch):
    """Every test gets an empty local store of its own: the real data/store is never touched."""
    monkeypatch.setenv("KPI_STORE", str(tmp_path_factory.mktemp("store")))
