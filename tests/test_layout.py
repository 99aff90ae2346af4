"""The code's shape: app dependencies point one way, files stay small, migrations are current."""

import ast
from pathlib import Path

import pytest
from django.core.management import call_command

REPO_ROOT = Path(__file__).resolve().parents[1]
MAX_LINES = 400
SKIPPED_DIRS = {".venv", "migrations", "node_modules", "staticfiles", ".git", "__pycache__"}
IMPORT_FUNCTIONS = {"import_module", "__import__", "get_model", "get_app_config"}


def python_files(root: Path) -> list[Path]:
    return sorted(
        path
        for path in root.rglob("*.py")
        if not SKIPPED_DIRS & set(path.relative_to(REPO_ROOT).parts)
    )


def names_evidence(module: str | None) -> bool:
    return bool(module) and (module == "evidence" or module.startswith("evidence."))


def evidence_imports(path: Path, root: Path = REPO_ROOT) -> list[str]:
    """Every way the file reaches into `evidence`: import statements and dynamic imports."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names if names_evidence(alias.name)]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and names_evidence(node.module):
            found.append(node.module)
        elif isinstance(node, ast.Call) and node.args:
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            first = node.args[0]
            if (
                name in IMPORT_FUNCTIONS
                and isinstance(first, ast.Constant)
                and isinstance(first.value, str)
                and names_evidence(first.value)
            ):
                found.append(f"{name}({first.value!r})")
    return [f"{path.relative_to(root)}:{name}" for name in found]


def test_trials_never_imports_evidence():
    offenders = []
    for path in python_files(REPO_ROOT / "trials"):
        offenders += evidence_imports(path)
    assert offenders == []


def test_import_scan_notices_each_way_of_importing_evidence(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import evidence.models\n"
        "from evidence import seeding\n"
        "def later():\n"
        "    from evidence.models import Publication\n"
        "    importlib.import_module('evidence.synthesis')\n"
        "    apps.get_model('evidence', 'Publication')\n"
        "    reverse('evidence:trial')\n"
        "import evidenced\n",
        encoding="utf-8",
    )
    assert len(evidence_imports(sample, root=tmp_path)) == 5


def test_no_python_file_is_over_400_lines():
    too_long = {
        str(path.relative_to(REPO_ROOT)): count
        for path in python_files(REPO_ROOT)
        if (count := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert too_long == {}, f"split these files by feature: {too_long}"


@pytest.mark.django_db
def test_models_and_migrations_agree():
    # SystemExit here means a model changed without its migration.
    call_command("makemigrations", check=True, dry_run=True, verbosity=0)


def names_public(module: str | None) -> bool:
    return bool(module) and (module == "public" or module.startswith("public."))


def public_imports(path: Path) -> list[str]:
    """Import statements in `path` that reach into the `public` app (the top layer)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names if names_public(alias.name)]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and names_public(node.module):
            found.append(node.module)
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in IMPORT_FUNCTIONS and names_public(str(node.args[0].value)):
                found.append(f"{name}({node.args[0].value!r})")
    return [f"{path.relative_to(REPO_ROOT)}:{name}" for name in found]


def test_trials_and_evidence_never_import_public():
    offenders = []
    for app in ("trials", "evidence"):
        for path in python_files(REPO_ROOT / app):
            offenders += public_imports(path)
    assert offenders == []
