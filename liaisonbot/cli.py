"""The admin's command line: `liaisonbot run | start | migrate | import | export | bind-contact |
grant | revoke | group bind | sandbox`. Bad input exits non-zero with one line saying why."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from liaisonbot.cli_admin import (
    cmd_backup,
    cmd_bind_contact,
    cmd_export,
    cmd_grant,
    cmd_group_bind,
    cmd_import,
    cmd_import_policies,
    cmd_migrate,
    cmd_outbox,
    cmd_revoke,
    cmd_subscribe,
)
from liaisonbot.cli_support import CliError, date_arg, load_settings, region_arg, with_db
from liaisonbot.clock import utcnow
from liaisonbot.config import Settings
from liaisonbot.domain.codes import InvalidCode
from liaisonbot.domain.errors import DomainError
from liaisonbot.domain.vocabulary import Role
from liaisonbot.i18n import t, template
from liaisonbot.logsafe import hide_secrets, secrets_of_token
from liaisonbot.store import Database

# Failures explained in one line (`telegram_problem`): their traceback only with --debug.
EXPLAINED_FAILURES = frozenset({"InvalidToken", "NetworkError", "TimedOut"})


class ShortFailures(logging.Filter):
    """Libraries log an explained failure with its traceback (python-telegram-bot's retry loop):
    keep the line, drop the ~200 lines below it unless --debug asked for them."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if exc is not None and type(exc).__name__ in EXPLAINED_FAILURES:
            record.msg = f"{record.getMessage()} ({type(exc).__name__}: {exc})"
            record.args = None
            record.exc_info = None
            record.exc_text = None
        return True


def _telegram_call(settings: Settings, call: Callable[[], int]) -> int:
    """Run `call`; a refused token or an unreachable Bot API becomes one line (CliError)."""
    from handlers.app import telegram_problem

    try:
        return call()
    except Exception as exc:
        reason = telegram_problem(exc, settings)
        if reason is None:
            raise
        raise CliError(reason) from exc


# --- commands -------------------------------------------------------------------------------


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    if settings.token is None:
        raise CliError(
            "no bot token: set LIAISONBOT_TOKEN (or token in liaisonbot.toml); "
            "`liaisonbot sandbox` runs without one"
        )
    from handlers.app import run_polling

    def run() -> int:
        run_polling(settings)
        return 0

    return _telegram_call(settings, run)


def cmd_start(args: argparse.Namespace, settings: Settings) -> int:
    """`make run`: the bot when a token is configured, else the local sandbox."""
    if settings.token is not None:
        return cmd_run(args, settings)
    print("No LIAISONBOT_TOKEN configured: starting the local sandbox instead.")
    return cmd_sandbox(args, settings)


def cmd_sandbox(args: argparse.Namespace, settings: Settings) -> int:
    try:
        from liaisonbot.sandbox.launcher import main as sandbox_main
    except ImportError as exc:
        raise CliError(f"the sandbox is not available: {exc}") from None
    return sandbox_main(getattr(args, "port", 0) or 0, settings)


def cmd_digest(args: argparse.Namespace, settings: Settings) -> int:
    if args.send:
        return _digest_send(settings)
    return _digest_dry_run(args, settings)


DIGEST_OUTCOMES = {
    "sent": "sent",
    "skipped": "skipped (empty or non-working day)",
    "already": "sent before",
    "busy": "being sent by another running process",
    "blocked": "unreachable (subscription made inactive)",
    "failed": "failed (the next run tries again)",
}


def _digest_send(settings: Settings) -> int:
    if settings.token is None:
        raise CliError("no bot token: set LIAISONBOT_TOKEN (or token in liaisonbot.toml)")
    from handlers.digest.jobs import send_now
    from liaisonbot.services.digest_delivery import Outcome

    async def work(db: Database) -> int:
        report = await send_now(db, settings)
        print(", ".join(f"{DIGEST_OUTCOMES[o]} {report.count(o)}" for o in Outcome))
        unsent = [sid for sid, o in report.outcomes.items() if o in (Outcome.BUSY, Outcome.FAILED)]
        for sid in unsent:
            why = DIGEST_OUTCOMES[report.outcomes[sid]]
            print(f"not sent: subscription {sid} ({why})")
        return 1 if unsent else 0

    return _telegram_call(settings, lambda: asyncio.run(with_db(settings, work)))


def _digest_dry_run(args: argparse.Namespace, settings: Settings) -> int:
    import html
    import re

    from handlers.digest.render import render_digest
    from liaisonbot.files.ledger import ledger_xlsx
    from liaisonbot.read.digest import DigestScope, build_digest
    from liaisonbot.services import digest_delivery, subscriptions

    zone = settings.zone
    now = utcnow()
    day = args.date or now.astimezone(zone).date()

    async def work(db: Database) -> int:
        subs: list[subscriptions.Subscription] = []
        if args.user is not None:
            subs = await subscriptions.for_chat(db, args.user)
            if not subs:
                scopes = subscriptions.scopes_of(await subscriptions.grants_of(db, args.user))
                if not scopes:
                    raise CliError(f"user {args.user} is no official and has no subscription")
                subs = [subscriptions.Subscription(0, args.user, args.user, scopes[0])]
        else:
            subs = [subscriptions.Subscription(0, 0, None, DigestScope())]
        for sub in subs:
            period = digest_delivery.period_for(sub, day, zone)
            digest = await build_digest(db, sub.scope, period, now=now, zone=zone)
            text = render_digest(digest, settings.lang, zone, "bot")
            print(html.unescape(re.sub(r"<[^>]+>", "", text)))
            print()
            if args.ledger:
                target = _ledger_path(Path(args.ledger), sub.id, several=len(subs) > 1)
                data = await ledger_xlsx(db, digest, zone)
                await asyncio.to_thread(target.write_bytes, data)
                print(f"wrote {target} ({len(digest.rows)} rows)")
        return 0

    return asyncio.run(with_db(settings, work))


def _ledger_path(asked: Path, subscription_id: int, *, several: bool) -> Path:
    """One ledger per subscription: with several, `X.xlsx` becomes `X-<id>.xlsx` for each."""
    if not several:
        return asked
    return asked.with_name(f"{asked.stem}-{subscription_id}{asked.suffix or '.xlsx'}")


def cmd_checkin(args: argparse.Namespace, settings: Settings) -> int:
    from handlers.checkins.admin import checkin_send, checkin_status
    from liaisonbot.cli_checkins import checkin_schedule

    region, chain = region_arg(args.region), (args.chain or "").strip()
    if args.schedule:
        return asyncio.run(with_db(settings, lambda db: checkin_schedule(db, args, region, chain)))
    if args.status:
        return asyncio.run(
            with_db(settings, lambda db: checkin_status(db, settings, args.date, region, chain))
        )
    if args.send and settings.token is None:
        raise CliError("no bot token: set LIAISONBOT_TOKEN to send check-ins")
    return asyncio.run(
        with_db(settings, lambda db: checkin_send(db, settings, args.dry_run, region, chain))
    )


# --- parser ---------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="liaisonbot", description=__doc__)
    parser.add_argument(
        "--debug", action="store_true", help="log everything and show the traceback of a failure"
    )
    sub = parser.add_subparsers(dest="command", required=True)

    sub.add_parser("run", help="run the bot (needs LIAISONBOT_TOKEN)").set_defaults(func=cmd_run)
    start = sub.add_parser("start", help="run the bot, or the local sandbox when no token is set")
    start.add_argument("--port", type=int, default=0)
    start.set_defaults(func=cmd_start)
    sandbox = sub.add_parser("sandbox", help="local Telegram-compatible server, page and bot")
    sandbox.add_argument("--port", type=int, default=0, help="0 picks 8080 or a free port")
    sandbox.set_defaults(func=cmd_sandbox)
    sub.add_parser("migrate", help="apply pending database migrations").set_defaults(
        func=cmd_migrate
    )

    imp = sub.add_parser("import", help="import a list")
    imp_sub = imp.add_subparsers(dest="what", required=True)
    imp_ent = imp_sub.add_parser("enterprises", help="enterprise list (.xlsx or .csv)")
    imp_ent.add_argument("file")
    imp_ent.add_argument("--skip-invalid", action="store_true", help="import the valid rows")
    imp_ent.set_defaults(func=cmd_import)
    imp_pol = imp_sub.add_parser(
        "policies", help="policy library (.xlsx, .csv or .yaml; liaisonbot/data/ has a starter)"
    )
    imp_pol.add_argument("file")
    imp_pol.add_argument("--dry-run", action="store_true", help="check only, write nothing")
    imp_pol.set_defaults(func=cmd_import_policies)

    exp = sub.add_parser("export", help="write the ledger or the enterprise list")
    exp.add_argument("what", choices=["ledger", "enterprises", "checkins", "policies"])
    exp.add_argument("file")
    exp.add_argument("--region")
    exp.add_argument("--chain")
    exp.add_argument("--from", dest="date_from", type=date_arg)
    exp.add_argument("--to", dest="date_to", type=date_arg)
    exp.set_defaults(func=cmd_export)

    sub.add_parser(
        "outbox", help="messages the bot could not send: given up or being retried"
    ).set_defaults(func=cmd_outbox)

    backup = sub.add_parser("backup", help="a consistent, checked copy of the database")
    backup.add_argument("file", help="where to write the copy (e.g. backups/liaisonbot.db)")
    backup.set_defaults(func=cmd_backup)

    bind = sub.add_parser("bind-contact", help="bind a Telegram user to an enterprise")
    bind.add_argument("credit_code")
    bind.add_argument("user_id", type=int)
    bind.set_defaults(func=cmd_bind_contact)

    for name, func in (("grant", cmd_grant), ("revoke", cmd_revoke)):
        p = sub.add_parser(name, help=f"{name} a role (officer, official, admin)")
        p.add_argument("role", choices=[r.value for r in Role])
        p.add_argument("user_id", type=int)
        p.add_argument("--region", help="GB/T 2260 prefix: 44 a province, 4403 a city")
        p.add_argument("--chain", help="industry chain, e.g. 汽车")
        p.set_defaults(func=func)

    subscribe = sub.add_parser("subscribe", help="subscribe an official to the daily digest")
    subscribe.add_argument("user_id", type=int)
    subscribe.add_argument("--region", help="GB/T 2260 prefix: 44 a province, 4403 a city")
    subscribe.add_argument("--chain", action="append", help="industry chain (repeatable)")
    subscribe.add_argument("--at", help="HH:MM in LIAISONBOT_TZ (default: digest_time, 08:30)")
    subscribe.add_argument("--skip-empty", action="store_true", help="no message on empty days")
    subscribe.add_argument(
        "--skip-non-working", action="store_true", help="none on weekends and holidays"
    )
    subscribe.set_defaults(func=cmd_subscribe)

    digest = sub.add_parser("digest", help="the daily digest: print it, or send it now")
    mode = digest.add_mutually_exclusive_group(required=True)
    mode.add_argument("--dry-run", action="store_true", help="print the digest, send nothing")
    mode.add_argument(
        "--send", action="store_true", help="send today's digest to every subscription not yet sent"
    )
    digest.add_argument("--date", type=date_arg, help="the digest day (it covers the day before)")
    digest.add_argument("--user", type=int, help="the digest of this official's scope")
    digest.add_argument("--ledger", help="with --dry-run: also write the ledger .xlsx here")
    digest.set_defaults(func=cmd_digest)

    checkin = sub.add_parser("checkin", help="resumption check-ins: send, preview, figures")
    ck_mode = checkin.add_mutually_exclusive_group(required=True)
    ck_mode.add_argument("--send", action="store_true", help="ask everyone not yet asked")
    ck_mode.add_argument("--dry-run", action="store_true", help="say who would be asked")
    ck_mode.add_argument("--status", action="store_true", help="the latest round's figures")
    ck_mode.add_argument(
        "--schedule",
        metavar="WHEN",
        help="set the schedule for --region/--chain: workdays, daily, weekly:N (1 = Monday), off",
    )
    checkin.add_argument("--region")
    checkin.add_argument("--chain")
    checkin.add_argument("--at", help="with --schedule: HH:MM in LIAISONBOT_TZ (default 16:00)")
    checkin.add_argument(
        "--window-hours",
        type=float,
        help="with --schedule: hours open (default: until 12:00 the next working day)",
    )
    checkin.add_argument("--date", type=date_arg, help="with --status: the round's day")
    checkin.set_defaults(func=cmd_checkin)

    group = sub.add_parser("group", help="liaison groups")
    group_sub = group.add_subparsers(dest="group_command", required=True)
    gbind = group_sub.add_parser("bind", help="bind a Telegram group")
    gbind.add_argument("chat_id", type=int)
    gbind.add_argument("--region")
    gbind.add_argument("--chain")
    gbind.add_argument("--title")
    gbind.add_argument("--escalation", action="store_true", help="the task-force group")
    gbind.add_argument(
        "--kind",
        choices=("staff", "open"),
        default="staff",
        help="staff: officers only (cards, internal notes); open: enterprise contacts too",
    )
    gbind.set_defaults(func=cmd_group_bind)
    return parser


CLI_LANGUAGE = "en"  # the command line speaks English in every run, as its --help does


def domain_refusal(exc: DomainError, args: argparse.Namespace) -> str:
    """A refusal of the core, in English: its own command-line sentence, else the catalogue's
    (the chat's wording), then what to do about it on the command line (`cli.hint.<code>`)."""
    params = {k: str(v) for k, v in exc.params.items()}
    text = str(exc)
    if type(exc).sentence == DomainError.sentence:  # no sentence of its own
        for key in (f"error.{exc.code}", f"digest.{exc.code.removeprefix('digest_')}"):
            if template(CLI_LANGUAGE, key) is not None:
                text = t(CLI_LANGUAGE, key, **params)
                break
    hint = f"cli.hint.{exc.code}"
    if template(CLI_LANGUAGE, hint) is not None:
        user = getattr(args, "user_id", None) or getattr(args, "user", None) or "USER_ID"
        text += " " + t(CLI_LANGUAGE, hint, user=user, **params)
    return text


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.debug else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    if not args.debug:
        logging.getLogger("httpx").setLevel(logging.WARNING)  # a request line per poll
        for handler in logging.getLogger().handlers:
            handler.addFilter(ShortFailures())
    try:
        settings = load_settings()
        if settings.token is not None:
            hide_secrets(secrets_of_token(settings.token.get_secret_value()))
        return int(args.func(args, settings) or 0)
    except (CliError, InvalidCode, DomainError) as exc:
        if args.debug and exc.__cause__ is not None:  # through logging: the token is hidden
            logging.getLogger("liaisonbot").error("the failure", exc_info=exc.__cause__)
        prefix = "invalid code " if isinstance(exc, InvalidCode) else ""
        if isinstance(exc, DomainError):
            print(f"liaisonbot: {domain_refusal(exc, args)}", file=sys.stderr)
        else:
            print(f"liaisonbot: {prefix}{exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
