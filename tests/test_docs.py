"""The repository's docs stay complete: every export section and column is described, and the README
points only at files a clone has."""

from __future__ import annotations

import re
from pathlib import Path

from backcoach.services import export
from backcoach.store.repository import Repository

REPO = Path(__file__).resolve().parents[1]


def _section(text: str, name: str) -> str:
    start = text.index(f"### `{name}`")
    end = text.find("\n### ", start + 1)
    return text[start : end if end != -1 else len(text)]


def test_every_export_section_and_column_is_described() -> None:
    text = (REPO / "docs" / "export.md").read_text(encoding="utf-8")
    for section, table in export.SECTIONS.items():
        assert f"### `{section}`" in text, f"docs/export.md does not describe the section {section}"
        body = _section(text, section)
        for column in Repository.table_columns(table):
            if column == "user_id":
                continue
            assert f"`{column}`" in body, f"docs/export.md: {section} does not describe the column {column}"


def test_the_readme_and_docs_link_only_to_files_in_the_repository() -> None:
    for doc in [REPO / "README.md", *(REPO / "docs").glob("*.md")]:
        text = doc.read_text(encoding="utf-8")
        assert "../shared/docs" not in text, f"{doc.name} points at development notes a clone does not have"
        for target in re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", text):
            if target.startswith(("http://", "https://", "mailto:")):
                continue
            assert (doc.parent / target).exists(), f"{doc.name} links to {target}, which is not there"
