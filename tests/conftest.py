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


@pytest.fixture(scope="session")
def kamala_moved(tmp_path_factory):
    """The sample org's exports with Kamala Perez (SMB) now reporting to Arjun Osei (Mid-Market), not Sofia Jackson."""
    import shutil

    import pandas as pd

    from kpi.sources import sample
    folder = tmp_path_factory.mktemp("moved")
    shutil.copytree(sample.ensure(), folder, dirs_exist_ok=True)
    users = pd.read_csv(folder / "User.csv", dtype=str, keep_default_na=False)
    users.loc[users["Id"] == "0055g000000HCbFAAW", "ManagerId"] = "0055g000000HCb5AAG"
    users.to_csv(folder / "User.csv", index=False)
    return folder
