"""README.md and docs/ stay true to the tree: every file, module and page they name is
there, every link lands, and the README stays a short front door."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
PROJECT_FOLDERS = ("actions", "channels", "components", "helpdesk", "tools", "tests", "data")
_CODE = re.compile(r"`([^`\n]+)`")
_PATH = re.compile(rf"^(?:{'|'.join(PROJECT_FOLDERS)}|docs|monitoring|\.github|\.aws)/[\w./*-]*$")
_FILE_NAME = re.compile(r"^[\w-]+\.(?:py|yml|md)$")
_MODULE = re.compile(rf"python -m ((?:{'|'.join(PROJECT_FOLDERS)})(?:\.\w+)*)")
_LINK = re.compile(r"\]\(([^)#\s]*)(?:#([\w-]+))?\)")
README_LINES = 250


def named_paths(text: str) -> set[str]:
    words = {word.strip(".,;:()") for span in _CODE.findall(text) for word in span.split()}
    return {word for word in words if _PATH.match(word) or _FILE_NAME.match(word)}


def exists(name: str) -> bool:
    if "/" in name:
        return any(ROOT.glob(name.rstrip("/"))) if "*" in name else (ROOT / name).exists()
    return any(path for path in ROOT.rglob(name) if ".venv" not in path.parts)


def module_exists(module: str) -> bool:
    path = ROOT.joinpath(*module.split("."))
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def anchors(page: Path) -> set[str]:
    """GitHub's anchors for a page's headings."""
    headings = re.findall(r"^#+ (.+)$", page.read_text(), re.MULTILINE)
    return {re.sub(r"[^\w\- ]", "", h.lower()).replace(" ", "-") for h in headings}


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_every_file_and_module_a_page_names_is_there(page: Path) -> None:
    text = page.read_text()
    missing = sorted(name for name in named_paths(text) if not exists(name))
    missing += sorted(m for m in _MODULE.findall(text) if not module_exists(m))
    assert missing == []


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_every_link_of_a_page_lands(page: Path) -> None:
    broken = []
    for target, anchor in _LINK.findall(page.read_text()):
        if target.startswith(("http://", "https://")):
            continue
        linked = (page.parent / target).resolve() if target else page
        if not linked.exists() or (anchor and anchor not in anchors(linked)):
            broken.append(f"{target}#{anchor}" if anchor else target)
    assert broken == []


def test_the_readme_is_a_front_door_with_every_page_in_its_table() -> None:
    readme = (ROOT / "README.md").read_text()
    assert len(readme.splitlines()) < README_LINES
    listed = {target for target, _ in _LINK.findall(readme) if target.startswith("docs/")}
    assert listed == {f"docs/{page.name}" for page in PAGES[1:]}


def test_the_check_sees_a_missing_file_and_module(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text("See `tools/forget.py` and run `python -m tools.forget`.")
    assert named_paths(page.read_text()) == {"tools/forget.py"}
    assert not exists("tools/forget.py") and not module_exists("tools.forget")
