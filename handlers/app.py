"""Building and running the Application: handlers, commands, start-up work and polling."""

from __future__ import annotations

import logging
from typing import Any

from telegram import (
    BotCommand,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    Update,
)
from telegram.error import InvalidToken, NetworkError, TelegramError, TimedOut
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.request import BaseRequest, HTTPXRequest

from handlers import backup_job, private_text, unknown
from handlers.checkins import commands as checkin_commands
from handlers.checkins import flow as checkin_flow
from handlers.checkins import rounds as checkin_rounds
from handlers.common import Deps, language, remember_user
from handlers.digest import chart as digest_chart
from handlers.digest import jobs as digest_jobs
from handlers.digest import on_demand as digest_on_demand
from handlers.digest import subscribe as digest_subscribe
from handlers.digest import subscriptions_list as digest_subscriptions
from handlers.digest import unsubscribe as digest_unsubscribe
from handlers.directory import enterprises, queue
from handlers.directory import export as export_chat
from handlers.directory import lists as list_upload
from handlers.i18n import LANGUAGES, t
from handlers.inbox import (
    InboxRequest,
    LiaisonApplication,
    replay_unhandled,
    schedule_pruning,
)
from handlers.people import group_kinds, groups, invite, my_reports, start, whoami
from handlers.people import help as help_commands
from handlers.policies import buttons as policy_buttons
from handlers.policies import command as policy_command
from handlers.policies import sender as policy_sender
from handlers.policies import upload as policy_upload
from handlers.rate_lanes import LaneRateLimiter
from handlers.reporting import command as report_command
from handlers.reporting import dialog as report_dialog
from handlers.reporting import follow_up, outbox_sender
from handlers.search import find
from handlers.search import render as search_render
from handlers.triage import assist
from handlers.triage import buttons as triage_buttons
from handlers.triage import prompts as triage_prompts
from handlers.triage import reminders as reminder_jobs
from handlers.update_order import PerChatUpdateProcessor
from liaisonbot.clock import utcnow
from liaisonbot.config import Settings
from liaisonbot.store import Database
from liaisonbot.store.inbox import Inbox

log = logging.getLogger(__name__)

# Sticky on Telegram's side, so always explicit.
ALLOWED_UPDATES = [
    Update.MESSAGE,
    Update.EDITED_MESSAGE,
    Update.CALLBACK_QUERY,
    Update.MY_CHAT_MEMBER,
]

PRIVATE_COMMANDS = (
    "start",
    "report",
    "my",
    "show",
    "cancel",
    "add",
    "correct",
    "withdraw",
    "subscribe",
    "unsubscribe",
    "subscriptions",
    "digest",
    "chart",
    "find",
    "enterprise",
    "chain",
    "export",
    "queue",
    "assign",
    "lang",
    "id",
    "help",
    "policy",
    "checkin",
)
GROUP_COMMANDS = (
    "report",
    "show",
    "queue",
    "invite",
    "subscribe",
    "unsubscribe",
    "subscriptions",
    "digest",
    "chart",
    "find",
    "enterprise",
    "chain",
    "blockedby",
    "help",
    "policy",
    "status",
    "missing",
    "checkin",
)


def build_application(
    settings: Settings,
    db: Database,
    *,
    request: BaseRequest | None = None,
    get_updates_request: BaseRequest | None = None,
    rate_limit: bool = True,
    deps: Deps | None = None,
) -> Application:
    assert settings.token is not None
    builder: Any = (
        ApplicationBuilder()
        .application_class(LiaisonApplication)
        .token(settings.token.get_secret_value())
        .base_url(settings.api_base)
        .base_file_url(settings.file_base)
        .defaults(Defaults(tzinfo=settings.zone))
        .concurrent_updates(PerChatUpdateProcessor())
        .post_init(_post_init)
    )
    if request is not None:
        builder = builder.request(request)
    # Every fetched batch is kept in the inbox before the next getUpdates can confirm it.
    fetch = get_updates_request or HTTPXRequest(connection_pool_size=1)
    clock = deps.now if deps else utcnow
    builder = builder.get_updates_request(InboxRequest(fetch, Inbox(db), clock))
    if rate_limit:
        # Telegram's ~20 a minute into one group: the outbox paces itself under it
        # (group_posts_per_minute), and the limiter keeps the replies to buttons within it.
        # Two lanes: rounds and digests (bulk) yield to replies (handlers/rate_lanes.py).
        group_rate = settings.group_posts_per_minute + 5
        builder = builder.rate_limiter(LaneRateLimiter(max_retries=3, group_per_minute=group_rate))
    application = builder.build()
    application.bot_data["deps"] = deps or Deps(db=db, settings=settings)
    add_handlers(application)
    return application


def add_handlers(application: Application) -> None:
    """Every handler, by journey. All are in group 0, where PTB runs the first that matches: the
    order matters where filters overlap (a document: a list before a report's attachment)."""
    new_message = filters.UpdateType.MESSAGE  # edited messages never file anything
    private = filters.ChatType.PRIVATE
    text = filters.TEXT & ~filters.COMMAND

    application.add_handler(TypeHandler(Update, remember_user), group=-2)
    # an open group: only commands whose answers every member may see
    application.add_handler(
        MessageHandler(filters.COMMAND & filters.ChatType.GROUPS, group_kinds.guard_open_group),
        group=-1,
    )
    application.add_handlers(
        [
            # people: /start (deep links), /help, /lang, invitations, /my and /show
            CommandHandler("start", start.start, filters=new_message & private),
            CommandHandler("help", help_commands.help_command, filters=new_message),
            CommandHandler("lang", help_commands.lang_command, filters=new_message),
            CommandHandler(["id", "whoami"], whoami.whoami_command, filters=new_message),
            CommandHandler("invite", invite.invite, filters=new_message),
            CallbackQueryHandler(invite.on_move_pressed, pattern=r"^im\|"),
            CommandHandler("my", my_reports.my_reports, filters=new_message),
            CommandHandler("show", my_reports.show_report, filters=new_message),
            # reporting: /report in one line or as the guided dialog (its buttons, /cancel)
            CommandHandler("report", report_command.report_command, filters=new_message),
            CommandHandler(
                "report",
                report_command.edited_report_command,
                filters=filters.UpdateType.EDITED_MESSAGE,
            ),
            CommandHandler("cancel", report_dialog.cancel, filters=new_message),
            # the enterprise follows its report through: 补充, 修改, 撤回
            CommandHandler("add", follow_up.add_command, filters=new_message),
            CommandHandler("correct", follow_up.correct_command, filters=new_message),
            CommandHandler("withdraw", follow_up.withdraw_command, filters=new_message),
            CallbackQueryHandler(follow_up.on_follow_up_pressed, pattern=r"^f\|"),
            CallbackQueryHandler(report_dialog.on_draft_button_pressed, pattern=r"^d\|"),
            CallbackQueryHandler(
                outbox_sender.on_summary_card_pressed, pattern=rf"^{outbox_sender.SUMMARY_BUTTON}\|"
            ),
            # the daily digest: subscriptions and the digest on demand
            CommandHandler("subscribe", digest_subscribe.subscribe_command, filters=new_message),
            CommandHandler(
                "unsubscribe", digest_unsubscribe.unsubscribe_command, filters=new_message
            ),
            CommandHandler(
                "subscriptions", digest_subscriptions.subscriptions_command, filters=new_message
            ),
            CommandHandler("digest", digest_on_demand.digest_command, filters=new_message),
            CommandHandler("chart", digest_chart.chart_command, filters=new_message),
            CallbackQueryHandler(digest_subscribe.on_subscription_button_pressed, pattern=r"^ds\|"),
            # directory: enterprises, the industry chain, the group's queue, exports
            CommandHandler("enterprise", enterprises.enterprise_command, filters=new_message),
            CommandHandler("chain", enterprises.chain_command, filters=new_message),
            CommandHandler("assign", enterprises.assign_command, filters=new_message),
            CommandHandler("blockedby", enterprises.blockedby_command, filters=new_message),
            CallbackQueryHandler(enterprises.on_enterprise_picked, pattern=r"^en\|"),
            CommandHandler("queue", queue.queue_command, filters=new_message),
            CommandHandler("export", export_chat.export_command, filters=new_message),
            CallbackQueryHandler(list_upload.on_list_import_choice_pressed, pattern=r"^lu\|"),
            # check-ins: the contact's answers, the group's picture, answers on behalf
            CallbackQueryHandler(checkin_flow.on_checkin_button_pressed, pattern=r"^ck\|"),
            CommandHandler("status", checkin_commands.status_command, filters=new_message),
            CommandHandler("missing", checkin_commands.missing_command, filters=new_message),
            CommandHandler("checkin", checkin_commands.checkin_command, filters=new_message),
            # triage: card buttons; in groups, answers to the bot's questions and notes on cards
            CallbackQueryHandler(triage_buttons.on_triage_button_pressed, pattern=r"^t\|"),
            MessageHandler(
                new_message & ~private & filters.REPLY & text, triage_prompts.on_group_reply
            ),
            # search: /find in any chat (/搜 in the private chat: handlers/private_text.py)
            CommandHandler("find", find.find_command, filters=new_message),
            CallbackQueryHandler(find.on_page_pressed, pattern=rf"^{search_render.BUTTON}\|"),
            # groups and roles
            CommandHandler("bindgroup", groups.bindgroup, filters=new_message),
            CommandHandler("grant", groups.grant, filters=new_message),
            CommandHandler("revoke", groups.revoke, filters=new_message),
            MessageHandler(filters.StatusUpdate.MIGRATE, groups.on_migrate),
            MessageHandler(filters.StatusUpdate.NEW_CHAT_MEMBERS, group_kinds.on_members_joined),
            CallbackQueryHandler(group_kinds.on_confirm_pressed, pattern=r"^gx\|"),
            ChatMemberHandler(groups.on_my_chat_member, ChatMemberHandler.MY_CHAT_MEMBER),
            # the private chat: text answers a question of the bot or the report dialog
            MessageHandler(new_message & private & text, private_text.on_private_text),
            # a document: a policy library or a list from an admin, else an attachment
            MessageHandler(
                new_message & private & filters.Document.ALL & policy_upload.POLICY_FILE,
                policy_upload.on_policy_document,
            ),
            MessageHandler(new_message & private & filters.Document.ALL, list_upload.on_document),
            MessageHandler(
                new_message & private & (filters.PHOTO | filters.Document.ALL),
                report_dialog.on_file,
            ),
            # support policies: /policy, the card's panel, offers and their steps, waves
            CommandHandler("policy", policy_command.policy_command, filters=new_message),
            CommandHandler("policyauto", policy_command.policyauto_command, filters=new_message),
            CallbackQueryHandler(policy_upload.on_import_choice_pressed, pattern=r"^pl\|[ix]\|"),
            CallbackQueryHandler(policy_buttons.on_policy_button_pressed, pattern=r"^pl\|"),
            # any other button (malformed, forged, from an older version): a short alert
            CallbackQueryHandler(on_unknown_button_pressed),
            # last of all: any other command, a short answer pointing to /help
            MessageHandler(new_message & filters.COMMAND, unknown.on_unknown_command),
        ]
    )
    application.add_error_handler(_on_error)


async def _post_init(application: Application) -> None:
    deps: Deps = application.bot_data["deps"]
    await deps.db.open()  # migrates; a no-op when the caller opened it already
    schedule_pruning(application)
    await replay_unhandled(application)
    await register_commands(application)
    outbox_sender.schedule(application)  # what a stop left owed goes out while polling
    backup_job.schedule(application)
    assist.schedule_owed(application)
    await digest_jobs.on_startup(application)
    reminder_jobs.schedule(application)
    await policy_sender.on_startup(application)
    checkin_rounds.schedule(application)
    find.warm_up(application)


async def register_commands(application: Application) -> None:
    """Command menus for private chats and groups, Chinese by default, English for en clients."""
    default = application.bot_data["deps"].settings.lang
    for lang in LANGUAGES:
        code = None if lang == default else lang
        for scope, names in (
            (BotCommandScopeAllPrivateChats(), PRIVATE_COMMANDS),
            (BotCommandScopeAllGroupChats(), GROUP_COMMANDS),
        ):
            commands = [BotCommand(name, t(lang, f"command.{name}")) for name in names]
            await application.bot.set_my_commands(commands, scope=scope, language_code=code)


async def on_unknown_button_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A press no handler recognises: answered (so the client stops waiting) and logged once."""
    query = update.callback_query
    assert query is not None
    log.warning("unrecognised button %r from user %s", (query.data or "")[:80], query.from_user.id)
    lang = await language(context, update.effective_user)
    await query.answer(t(lang, "button.unknown"), show_alert=True)


async def _on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the error; tell the person only in a private chat. A group never sees it: each such
    message would spend the group's 20-a-minute budget and show a failure to everyone there."""
    log.error("error while handling an update", exc_info=context.error)
    if (
        isinstance(update, Update)
        and update.effective_chat
        and update.effective_chat.type == "private"
        and update.effective_message
    ):
        deps: Deps = context.bot_data["deps"]
        try:
            await update.effective_message.reply_text(t(deps.settings.lang, "error.internal"))
        except TelegramError:  # the error may be that we cannot send at all
            log.debug("could not tell the user about the error", exc_info=True)


def run_polling(settings: Settings) -> None:
    """Run until stopped; pending updates are kept, so reports sent while down are processed."""
    db = Database(settings.db)

    async def close_db(application: Application) -> None:
        await db.close()

    application = build_application(settings, db)
    application.post_shutdown = close_db
    log.info("LiaisonBot polling %s", settings.api_base.split("/bot")[0])
    application.run_polling(allowed_updates=ALLOWED_UPDATES, drop_pending_updates=False)


def telegram_problem(exc: BaseException, settings: Settings) -> str | None:
    """One line saying what to check when the bot cannot start or send: a refused token, an
    unreachable Bot API (None for any other error, which keeps its traceback)."""
    where = settings.api_base.split("/bot")[0]
    if isinstance(exc, InvalidToken):
        return (
            f"the Bot API at {where} refused the bot token: check LIAISONBOT_TOKEN "
            "(the token @BotFather gave) and LIAISONBOT_API_BASE"
        )
    if isinstance(exc, NetworkError | TimedOut):
        return (
            f"cannot reach the Bot API at {where}: check LIAISONBOT_API_BASE and the network "
            "(a proxy or firewall in between)"
        )
    return None
