"""The command line's data commands: migrate, import and export, people and groups, backups, the
outbox, subscriptions. None talks to Telegram (those are in `liaisonbot/cli.py`)."""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

from liaisonbot.cli_support import CliError, region_arg, scope_text, with_db
from liaisonbot.clock import utcnow
from liaisonbot.config import Settings
from liaisonbot.domain.models import LiaisonGroup, RoleGrant
from liaisonbot.domain.vocabulary import Role
from liaisonbot.read.groups import open_reports_in
from liaisonbot.services import people
from liaisonbot.store import Database
from liaisonbot.store.migrations import current_version, migrate


def cmd_migrate(args: argparse.Namespace, settings: Settings) -> int:
    async def work() -> int:
        db = await Database(settings.db).open(run_migrations=False)
        try:
            applied = await migrate(db.conn)
            version = await current_version(db.conn)
        finally:
            await db.close()
        for name in applied:
            print(f"applied {name}")
        print(f"{settings.db}: schema version {version}")
        return 0

    return asyncio.run(work())


def cmd_bind_contact(args: argparse.Namespace, settings: Settings) -> int:
    async def work(db: Database) -> int:
        enterprise = await people.bind_contact(db, args.credit_code, args.user_id, utcnow())
        print(
            f"user {args.user_id} is now a contact of {enterprise.name} ({enterprise.credit_code})"
        )
        return 0

    return asyncio.run(with_db(settings, work))


def _grant(args: argparse.Namespace) -> RoleGrant:
    return RoleGrant(
        user_id=args.user_id,
        role=Role(args.role),
        region_prefix=region_arg(args.region),
        chain=(args.chain or "").strip(),
    )


def cmd_grant(args: argparse.Namespace, settings: Settings) -> int:
    grant = _grant(args)

    async def work(db: Database) -> int:
        added = await people.grant_role(db, grant, utcnow())
        scope = scope_text(grant.region_prefix, grant.chain)
        print(
            f"{'granted' if added else 'already had'} {grant.role.value} to {grant.user_id}{scope}"
        )
        return 0

    return asyncio.run(with_db(settings, work))


def cmd_revoke(args: argparse.Namespace, settings: Settings) -> int:
    grant = _grant(args)

    async def work(db: Database) -> int:
        if not await people.revoke_role(db, grant):
            raise CliError(f"user {grant.user_id} has no such {grant.role.value} grant")
        print(f"revoked {grant.role.value} from {grant.user_id}")
        return 0

    return asyncio.run(with_db(settings, work))


def cmd_group_bind(args: argparse.Namespace, settings: Settings) -> int:
    if args.chat_id >= 0:
        raise CliError("a group chat id is negative (e.g. -1001234567890)")
    if not args.escalation and not args.region:
        raise CliError("give --region CODE (and optionally --chain NAME), or --escalation")
    group = LiaisonGroup(
        chat_id=args.chat_id,
        title=args.title or "",
        region_prefix=region_arg(args.region),
        chain=(args.chain or "").strip(),
        is_escalation=args.escalation,
        kind=args.kind,
    )
    if args.escalation and args.kind == "open":
        raise CliError("an escalation group (task force) is a staff group; drop --kind open")

    async def work(db: Database) -> int:
        if args.kind == "open" and (busy := await open_reports_in(db, group.chat_id)):
            raise CliError(
                f"chat {group.chat_id} holds the cards of {busy} unfinished report(s);"
                " an open group never shows cards: bind another group for them first"
            )
        await people.bind_group(db, group, utcnow())
        kind = "escalation group" if group.is_escalation else f"{args.kind} liaison group"
        print(f"chat {group.chat_id} bound as {kind}{scope_text(group.region_prefix, group.chain)}")
        return 0

    return asyncio.run(with_db(settings, work))


def cmd_import(args: argparse.Namespace, settings: Settings) -> int:
    from liaisonbot.services.enterprise_import.importer import import_enterprises

    path = Path(args.file)
    if not path.is_file():
        raise CliError(f"no such file: {path}")

    async def work(db: Database) -> int:
        result = await import_enterprises(
            db, path, skip_invalid=args.skip_invalid, now=utcnow(), limits=settings.import_limits
        )
        print(result.render(settings.lang))
        return 0 if result.applied and (args.skip_invalid or not result.errors) else 1

    return asyncio.run(with_db(settings, work))


def cmd_import_policies(args: argparse.Namespace, settings: Settings) -> int:
    from liaisonbot.services.policy_import import import_policies

    path = Path(args.file)
    if not path.is_file():
        raise CliError(f"no such file: {path}")

    async def work(db: Database) -> int:
        result = await import_policies(
            db, path, now=utcnow(), apply=not args.dry_run, limits=settings.import_limits
        )
        print(result.render(settings.lang))
        return 0 if result.ok else 1

    return asyncio.run(with_db(settings, work))


def cmd_export_policies(args: argparse.Namespace, settings: Settings) -> int:
    from liaisonbot.files.policy_writer import EXPORT_SUFFIXES, write_policies
    from liaisonbot.services import policies

    path = Path(args.file)
    if path.suffix.lower() not in EXPORT_SUFFIXES:
        raise CliError("the policy file must end in .xlsx, .csv or .yaml")

    async def work(db: Database) -> int:
        write_policies(path, await policies.library(db), settings.lang)
        print(f"wrote {path}")
        return 0

    return asyncio.run(with_db(settings, work))


def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    from liaisonbot import files as export

    if args.what == "policies":
        return cmd_export_policies(args, settings)

    path = Path(args.file)
    if path.suffix.lower() not in (".xlsx", ".csv"):
        raise CliError("the export file must end in .xlsx or .csv")
    region = region_arg(args.region) or None

    async def work(db: Database) -> int:
        if args.what == "ledger":
            written = await export.export_ledger(
                db,
                path,
                region=region,
                chain=args.chain,
                date_from=args.date_from,
                date_to=args.date_to,
                tz=settings.zone,
            )
        elif args.what == "checkins":
            from liaisonbot.files.checkin_sheet import export_checkins

            written = await export_checkins(
                db,
                path,
                region=region,
                chain=args.chain,
                date_from=args.date_from,
                date_to=args.date_to,
                tz=settings.zone,
            )
        else:
            written = await export.export_enterprises(
                db, path, region=region, chain=args.chain, tz=settings.zone
            )
        for file in written:  # a CSV export writes one file per table
            print(f"wrote {file}")
        return 0

    return asyncio.run(with_db(settings, work))


def cmd_backup(args: argparse.Namespace, settings: Settings) -> int:
    """A consistent copy while the bot runs; restore by stopping the bot and copying it back."""
    from liaisonbot.store.backup import BackupFailed, backup_to

    async def work(db: Database) -> int:
        try:
            made = await backup_to(db, Path(args.file))
        except BackupFailed as exc:
            raise CliError(f"the copy failed its integrity check ({exc}); nothing kept") from None
        except OSError as exc:
            raise CliError(f"could not write {args.file}: {exc.strerror or exc}") from None
        print(f"backup written to {made.path} ({made.size:,} bytes, integrity ok)")
        return 0

    return asyncio.run(with_db(settings, work))


def cmd_outbox(args: argparse.Namespace, settings: Settings) -> int:
    """What the bot owes people and could not send: given up, or still being retried."""
    from liaisonbot.services import outbox

    async def work(db: Database) -> int:
        counts = await outbox.counts(db)
        print("outbox: " + ", ".join(f"{state} {n}" for state, n in sorted(counts.items())))
        for owed in await outbox.unfinished(db):
            what = "acknowledgement" if owed.kind.value == "ack" else "group card"
            print(
                f"report {owed.report_id}: {what}, {owed.attempts} failed attempt(s),"
                f" last error: {owed.last_error or '-'}"
            )
        return 0

    return asyncio.run(with_db(settings, work))


def cmd_subscribe(args: argparse.Namespace, settings: Settings) -> int:
    from liaisonbot.read.digest.scope import DigestScope
    from liaisonbot.services import subscriptions

    scope = DigestScope(region_arg(args.region), tuple(c.strip() for c in args.chain or []))

    async def work(db: Database) -> int:
        await subscriptions.check_chains(db, scope.chains, tuple(settings.chains))
        sub = await subscriptions.subscribe(
            db,
            chat_id=args.user_id,
            owner_id=args.user_id,
            scope=scope,
            now=utcnow(),
            at_time=args.at or settings.digest_time,
            skip_empty=args.skip_empty,
            skip_non_working=args.skip_non_working,
        )
        chains = ", ".join(sub.scope.chains)
        print(
            f"subscription {sub.id}: user {sub.chat_id} gets the digest at {sub.at_time}"
            f" {settings.tz}{scope_text(sub.scope.region_prefix, chains)}"
        )
        return 0

    return asyncio.run(with_db(settings, work))
