"""The "About back pain" pages: their addresses, titles and one-line summaries.

The text itself is in ``templates/about/<slug>.html``, written in our own words for a person
in pain. It explains; it never diagnoses.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["ABOUT_PAGES", "AboutPage", "about_page"]


@dataclass(frozen=True)
class AboutPage:
    slug: str
    title: str
    summary: str


ABOUT_PAGES: tuple[AboutPage, ...] = (
    AboutPage(
        "core", "What core exercises are", "The muscles around your middle, and gentle ways to wake them up."
    ),
    AboutPage(
        "trunk",
        "Why a stronger trunk helps your back",
        "How the muscles around your spine share the load, so your back does not carry it alone.",
    ),
    AboutPage(
        "causes",
        "What commonly causes lower back pain",
        "Most back pain comes from everyday strain, not damage, and most of it gets better.",
    ),
    AboutPage(
        "clinician",
        "When to see a clinician",
        "The warning signs that mean: stop, and get it checked, some of them the same day.",
    ),
)


def about_page(slug: str) -> AboutPage | None:
    return next((p for p in ABOUT_PAGES if p.slug == slug), None)
