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


LISTED_PACKAGES = ("actions", "channels", "components", "helpdesk")


def layout_tree() -> set[str]:
    """The paths docs/layout.md's tree names under the shipped packages and tools/."""
    block = (ROOT / "docs" / "layout.md").read_text().split("```")[1]
    folders: list[str] = []
    named: set[str] = set()
    for line in block.splitlines():
        if not line.strip() or line.startswith(" " * 25):
            continue  # a description carried on to the next line
        depth = (len(line) - len(line.lstrip())) // 2
        names = re.split(r"\s{2,}", line.strip())[0].split()
        folders = folders[:depth]
        for name in names:
            path = "/".join([*folders, name.rstrip("/")])
            if path.split("/")[0] in (*LISTED_PACKAGES, "tools"):
                named.add(path)
        if names and names[0].endswith("/"):
            folders.append(names[0].rstrip("/"))
    return named


def test_the_layout_names_every_shipped_module_and_nothing_that_is_not_there() -> None:
    named = layout_tree()
    assert sorted(path for path in named if not any(ROOT.glob(path))) == []
    modules = {
        str(path.relative_to(ROOT))
        for package in LISTED_PACKAGES
        for path in (ROOT / package).rglob("*.py")
        if path.name != "__init__.py" or path.parent.name == "incidents"
    }
    covered = {m for m in modules if any(Path(m).match(pattern) for pattern in named)}
    assert sorted(modules - covered) == []
