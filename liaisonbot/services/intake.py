"""Filing a difficulty report: the report, its first event and what it is owed, in one unit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from liaisonbot.domain.access import covers
from liaisonbot.domain.errors import NotAllowed, NotBound
from liaisonbot.domain.models import LiaisonGroup, ReportContent, ReportEvent
from liaisonbot.domain.vocabulary import ReportState, Role
from liaisonbot.domain.workflow import Action
from liaisonbot.services import policies
from liaisonbot.store import Database, UnitOfWork
from liaisonbot.store.outbox import Owed

HANDLER_GRACE = timedelta(seconds=15)
POLICY_ZONE = ZoneInfo("Asia/Shanghai")  # a policy's dates are days in China


@dataclass(frozen=True)
class Filed:
    report_id: int
    created: bool  # False: this source_key had already filed the report


def choose_group(
    groups: list[LiaisonGroup], region_code: str, chain: str, preferred: int | None
) -> int | None:
    """The group the report came from if it covers the enterprise, else the most specific one."""
    covering = [g for g in groups if g.covers(region_code, chain)]
    for group in covering:
        if group.chat_id == preferred:
            return group.chat_id
    if not covering:
        return None
    return max(covering, key=lambda g: g.specificity).chat_id


async def submit_report(
    db: Database,
    *,
    reporter_id: int,
    content: ReportContent,
    source_key: str,
    now: datetime,
    origin_chat_id: int | None = None,
    origin_message_id: int | None = None,
    preferred_group_id: int | None = None,
    draft_user_id: int | None = None,
    for_enterprise_id: int | None = None,
) -> Filed:
    """Store the report and its first event in one transaction.

    `source_key` names the Telegram action that filed it (a message, a confirm button), so the
    same update handled twice files one report. A finished dialog's draft is removed in the same
    transaction.

    With `for_enterprise_id`, an officer files for that enterprise (what was heard on a call or a
    visit: `content.channel`); their roles must cover it. The acknowledgement goes to the
    officer's chat, and the enterprise's contacts are owed a notice.
    """
    async with UnitOfWork(db) as uow:
        existing = await uow.reports.id_by_source_key(source_key)
        if existing is not None:
            return Filed(existing, created=False)
        if for_enterprise_id is not None:
            enterprise_id: int | None = for_enterprise_id
            found = await uow.enterprises.get(for_enterprise_id)
            grants = await uow.people.roles_of(reporter_id)
            if found is None or not covers(grants, found, Role.OFFICER):
                raise NotAllowed()
        else:
            enterprise_id = await uow.people.contact_enterprise_id(reporter_id)
        if enterprise_id is None:
            raise NotBound()
        enterprise = await uow.enterprises.get(enterprise_id)
        assert enterprise is not None
        group_id = choose_group(
            await uow.people.liaison_groups(),
            enterprise.region_code,
            enterprise.chain,
            preferred_group_id,
        )
        report_id = await uow.reports.add(
            enterprise_id=enterprise_id,
            reporter_id=reporter_id,
            content=content,
            source_key=source_key,
            origin_chat_id=origin_chat_id,
            origin_message_id=origin_message_id,
            group_chat_id=group_id,
            assignee_id=enterprise.liaison_officer_id,
            now=now,
            filed_by=reporter_id if for_enterprise_id is not None else None,
        )
        await uow.reports.add_event(
            ReportEvent(
                report_id=report_id,
                actor_id=reporter_id,
                at=now,
                action=Action.SUBMIT.value,
                from_state=None,
                to_state=ReportState.SUBMITTED,
            )
        )
        await policies.match_filed_report(
            uow, report_id, enterprise, content.category, now.astimezone(POLICY_ZONE).date(), now
        )
        # What the report is owed, in the same transaction: the reporter's acknowledgement and
        # the group's card (one message when the report was filed in that group: the card is
        # the reply). Sent after the commit; a crash in between leaves them owed, not lost.
        # The filing handler sends the acknowledgement itself; the outbox job takes it over only
        # if the handler did not (HANDLER_GRACE), so the two never send it both.
        taken_over = now + HANDLER_GRACE
        if origin_chat_id is not None and origin_chat_id != group_id:
            await uow.outbox.owe(Owed.ACK, report_id, now, taken_over)
        if group_id is not None:
            card_is_reply = origin_chat_id == group_id
            await uow.outbox.owe(Owed.CARD, report_id, now, taken_over if card_is_reply else now)
        if for_enterprise_id is not None:
            await uow.outbox.owe(Owed.NOTICE, report_id, now)
        if draft_user_id is not None:
            await uow.drafts.delete(draft_user_id)
        return Filed(report_id, created=True)
