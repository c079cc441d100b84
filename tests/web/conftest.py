"""Fixtures shared by the results pages' tests."""

import pytest

from tests.web.ranking_pages import ranked_group


@pytest.fixture
def group(make, province_set):
    """A finalised, ranked province group (see tests.web.ranking_pages.ranked_group)."""
    return ranked_group(make, province_set)
