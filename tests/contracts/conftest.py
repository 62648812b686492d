"""Every contracts test seals with a throwaway test certificate (tests/contracts/factories)."""

from __future__ import annotations

import pytest

from tests.contracts.factories import seal_for_tests


@pytest.fixture(autouse=True)
def contracts_test_seal():
    with seal_for_tests():
        yield
