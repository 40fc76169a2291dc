"""The ledger's tests again, on PostgreSQL (a fresh database of the throwaway cluster).

The tests are imported, not copied: pytest collects them here too and gives them this
module's ``ledger`` fixture.
"""

import pytest

from docpipe.ledger import Ledger
from tests.test_ledger import (  # noqa: F401  (collected by pytest)
    test_an_overwritten_key_is_a_new_original,
    test_concurrent_registrations_make_one_original,
    test_indexed_documents_are_found_by_lineage_keys,
    test_stage_deliveries_are_counted_and_states_reported,
    test_the_same_bytes_under_a_second_key_point_to_the_first,
    test_the_same_upload_announced_twice_is_one_original,
)


@pytest.fixture
def ledger(postgres_database):
    ledger = Ledger(postgres_database)
    assert ledger.engine.dialect.name == "postgresql"
    yield ledger
    ledger.engine.dispose()
