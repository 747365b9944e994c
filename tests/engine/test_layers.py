"""The one-way rule: rnnviz.engine never imports Qt or the UI (DESIGN.md)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_import_linter_contracts_hold():
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint)], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "broken" not in result.stdout.lower().replace("0 broken", "")


def test_engine_imports_with_qt_unavailable():
    # Every engine module imports in a process where importing PySide6/pyqtgraph fails.
    code = (
        "import sys, pkgutil, importlib\n"
        "for name in ('PySide6', 'pyqtgraph', 'shiboken6', 'superqt', 'rnnviz.ui'):\n"
        "    sys.modules[name] = None\n"
        "import rnnviz.engine as e\n"
        "for m in pkgutil.walk_packages(e.__path__, 'rnnviz.engine.'):\n"
        "    importlib.import_module(m.name)\n"
        "print('ok')\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert result.stdout.strip() == "ok", result.stderr
