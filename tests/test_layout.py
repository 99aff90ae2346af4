"""The code's shape: app dependencies point one way, files stay small, migrations are current."""

import ast
import re
from pathlib import Path

import pytest
from django.core.management import call_command

REPO_ROOT = Path(__file__).resolve().parents[1]
MAX_LINES = 400
SKIPPED_DIRS = {".venv", "migrations", "node_modules", "staticfiles", ".git", "__pycache__"}
IMPORT_FUNCTIONS = {"import_module", "__import__", "get_model", "get_app_config"}
# Bottom to top: each app may import, reverse and render only what its own layer or a
# lower one defines. The project package (config) sits above them all.
LAYERS = ["editorial", "trials", "evidence", "public"]


def python_files(root: Path) -> list[Path]:
    return sorted(
        path
        for path in root.rglob("*.py")
        if not SKIPPED_DIRS & set(path.relative_to(REPO_ROOT).parts)
    )


def names_app(module: str | None, app: str) -> bool:
    return bool(module) and (module == app or module.startswith(f"{app}."))


def app_imports(path: Path, apps, root: Path = REPO_ROOT) -> list[str]:
    """Every way the file reaches into one of ``apps``: import statements and dynamic imports."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names if any(names_app(a.name, x) for x in apps)]
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            found += [node.module] if any(names_app(node.module, x) for x in apps) else []
        elif isinstance(node, ast.Call) and node.args:
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            first = node.args[0]
            if (
                name in IMPORT_FUNCTIONS
                and isinstance(first, ast.Constant)
                and isinstance(first.value, str)
                and any(names_app(first.value, x) for x in apps)
            ):
                found.append(f"{name}({first.value!r})")
    return [f"{path.relative_to(root)}:{name}" for name in found]


def evidence_imports(path: Path, root: Path = REPO_ROOT) -> list[str]:
    return app_imports(path, ["evidence"], root)


@pytest.mark.parametrize("app", LAYERS[:-1])
def test_an_app_never_imports_a_higher_one(app):
    higher = LAYERS[LAYERS.index(app) + 1 :]
    offenders = []
    for path in python_files(REPO_ROOT / app):
        offenders += app_imports(path, higher)
    assert offenders == []


def test_import_scan_notices_each_way_of_importing_evidence(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import evidence.models\n"
        "from evidence import seeding\n"
        "def later():\n"
        "    from evidence.models import Publication\n"
        "    importlib.import_module('evidence.meta_analysis')\n"
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


# URL names and templates ---------------------------------------------------------

TEMPLATES_DIR = REPO_ROOT / "templates"
REVERSE_FUNCTIONS = {"reverse", "reverse_lazy", "redirect", "resolve_url"}
URL_NAME_KEYWORDS = {"url_name", "pattern_name"}
URL_TAG = re.compile(r"""{%\s*url\s+(['"])([^'"]+)\1""")
TEMPLATE_TAG = re.compile(r"""{%\s*(?:include|extends)\s+(['"])([^'"]+)\1""")
TEMPLATE_NAME = re.compile(r"^[\w./-]+\.(html|txt|svg|xml)$")


def layer(app: str) -> int:
    return [*LAYERS, "config"].index(app)


def above(owner: str, app: str) -> bool:
    """True when ``owner`` is an app in a higher layer than ``app``."""
    return bool(owner) and layer(owner) > layer(app)


def url_owner(name: str) -> str:
    """The app whose URLs define ``name``; "" for Django's own (admin index, login…)."""
    namespace, _, rest = name.partition(":")
    if not rest:
        return "config"  # un-namespaced names (sitemap, robots) live in config/urls.py
    if namespace == "admin":
        app = rest.split("_", 1)[0]
        return app if app in LAYERS else ""
    return namespace if namespace in LAYERS else "config"


def template_owner(template: str) -> str:
    """The app whose template directory holds ``template``; "" for the shared top level."""
    parts = template.split("/")
    if parts[0] == "admin" and len(parts) > 2:
        parts = parts[1:]
    return parts[0] if len(parts) > 1 and parts[0] in LAYERS else ""


def is_template_name(node) -> bool:
    return (
        isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and bool(TEMPLATE_NAME.match(node.value))
        and (TEMPLATES_DIR / node.value).is_file()
    )


def python_references(path: Path) -> tuple[list[str], list[str]]:
    """(URL names reversed, template paths named) by string literals in a Python file."""
    names, templates = [], []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Call):
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            args = node.args[:1] if called in REVERSE_FUNCTIONS else []
            args += [k.value for k in node.keywords if k.arg in URL_NAME_KEYWORDS]
            names += [
                a.value
                for a in args
                if isinstance(a, ast.Constant) and isinstance(a.value, str) and "/" not in a.value
            ]
        elif is_template_name(node):
            templates.append(node.value)
    return names, templates


def app_template_files(app: str) -> list[Path]:
    dirs = [TEMPLATES_DIR / app, TEMPLATES_DIR / "admin" / app]
    return sorted(p for d in dirs if d.is_dir() for p in d.rglob("*") if p.is_file())


def reaches_up(app: str) -> list[tuple[str, str]]:
    """(file, URL name or template) where ``app`` uses something a higher app defines."""
    found = []
    for path in python_files(REPO_ROOT / app):
        names, templates = python_references(path)
        where = str(path.relative_to(REPO_ROOT))
        found += [(where, n) for n in names if above(url_owner(n), app)]
        found += [(where, t) for t in templates if above(template_owner(t), app)]
    for path in app_template_files(app):
        where = str(path.relative_to(REPO_ROOT))
        text = path.read_text(encoding="utf-8")
        found += [(where, n) for _, n in URL_TAG.findall(text) if above(url_owner(n), app)]
        found += [
            (where, t) for _, t in TEMPLATE_TAG.findall(text) if above(template_owner(t), app)
        ]
    return found


@pytest.mark.parametrize("app", LAYERS[:-1])
def test_an_app_never_reverses_or_renders_what_a_higher_one_defines(app):
    assert reaches_up(app) == []


def test_the_scan_finds_urls_and_templates_of_higher_apps(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "reverse('evidence:trial')\n"
        "redirect('/elsewhere/')\n"
        "RedirectView.as_view(pattern_name='public:docs')\n"
        "render(request, 'public/trial_list.html')\n"
        "render(request, 'no/such/template.html')\n",
        encoding="utf-8",
    )
    names, templates = python_references(sample)
    assert sorted(names) == ["evidence:trial", "public:docs"]
    assert templates == ["public/trial_list.html"]
    assert url_owner("evidence:trial") == "evidence"
    assert url_owner("admin:trials_trial_change") == "trials"
    assert url_owner("admin:index") == ""
    assert url_owner("sitemap") == "config"
    assert template_owner("admin/editorial/withdraw.html") == "editorial"
    assert template_owner("public/trial_list.html") == "public"
    assert template_owner("evidence/_funnel.svg") == "evidence"
    assert template_owner("404.html") == ""
