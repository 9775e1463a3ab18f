"""Browser tests share the Playwright fixtures of the root conftest (see tests/browsing.py)."""

from tests.browsing import SCREENSHOTS, screenshot

__all__ = ["SCREENSHOTS", "screenshot"]
