"""kill -9 in the middle of a burst of reports, then a restart: nothing lost, nothing filed
twice, every reporter acknowledged and every report visible in its group. (Three moments here;
`make bench` runs twenty and prints the figures.)"""

from __future__ import annotations

import pytest

from tests.e2e.conftest import E2E
from tests.support.crash import add_contacts, crash_round

pytestmark = pytest.mark.e2e


async def test_kill_9_during_a_burst_loses_nothing_and_files_nothing_twice(e2e: E2E) -> None:
    contacts = await add_contacts(e2e.client, e2e.db_path, 10)
    # Rounds follow each other within a minute: the group's 20-a-minute limit (Telegram's, and
    # the bot's own pace under it) would make later rounds wait for earlier ones. That pace is
    # measured by `make bench`; here, crash safety.
    await e2e.client.configure(rate_limits={"group_per_minute": None})
    e2e.settings["LIAISONBOT_GROUP_POSTS_PER_MINUTE"] = "600"

    async def restart() -> None:
        await e2e.process.wait()
        await e2e.start()

    for round_no, kill_after in enumerate((0.05, 0.4, 1.2), start=1):
        result = await crash_round(
            e2e.client,
            e2e.db_path,
            contacts,
            round_no=round_no,
            reports=50,
            kill_after=kill_after,
            kill=e2e.process.kill,
            restart=restart,
        )
        assert (result.lost, result.filed_twice) == (0, 0), (result, e2e.log_tail())
        assert (result.unacknowledged, result.not_in_group) == (0, 0), (result, e2e.log_tail())
        # What may repeat is only what was in flight at the kill: one message per chat at most.
        assert result.acks_twice <= len(contacts) and result.cards_twice <= 1, result
        assert result.recovery_seconds < 60, result
