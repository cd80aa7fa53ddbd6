"""The load test's client is a client: it imports nothing of bird.ai's code.

A student points it at any deployment, from any machine, with only locust and Pillow
installed (.venv-loadtest). The stack side (stack.py and what it uses) may run the app.
"""

import ast
from pathlib import Path

LOADTEST = Path(__file__).resolve().parents[2] / "loadtest"
CLIENT = ["locustfile.py", "visitor.py", "api_client.py", "helpers.py", "photos.py", "check.py"]
APP = {"birdai", "accounts", "submissions", "workers", "map", "gossip", "classifier", "envreader"}
ALLOWED = {"locust", "PIL", "api_client", "helpers", "photos", "visitor"}


def imported(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_the_client_imports_only_the_standard_library_locust_and_pillow():
    import sys

    for name in CLIENT:
        found = imported(LOADTEST / name)
        assert found, name
        assert not found & APP, f"{name} imports the app: {found & APP}"
        unknown = found - ALLOWED - set(sys.stdlib_module_names)
        assert not unknown, f"{name} imports {unknown}"
