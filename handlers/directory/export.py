"""`/export [ledger|enterprises] [REGION] [CHAIN]` in the private chat: the files of
`liaisonbot export` (企业名单 and 问题台账 as .xlsx) for the caller's scope.

Officials, officers and admins only. Without a region, each scope of the caller's grants gets its
files (a scope inside another one is left out; admins: everything); with one, it must lie inside a
grant of theirs. The files are written to a temporary directory and sent with sendDocument.
"""

from __future__ import annotations

import re
import tempfile
from html import escape
from pathlib import Path

from telegram import InputFile, Update
from telegram.constants import ChatType, ParseMode
from telegram.ext import ContextTypes

from handlers.common import deps, language
from handlers.i18n import t
from liaisonbot.domain.models import RoleGrant
from liaisonbot.domain.numbers import is_ascii_digits
from liaisonbot.domain.vocabulary import Role
from liaisonbot.files import export_enterprises, export_ledger
from liaisonbot.read import reports as views
from liaisonbot.read.event_words import region_words

KINDS = {
    "ledger": ("ledger",),
    "台账": ("ledger",),
    "问题台账": ("ledger",),
    "enterprises": ("enterprises",),
    "名单": ("enterprises",),
    "企业名单": ("enterprises",),
    "all": ("enterprises", "ledger"),
}
MAX_SCOPES = 5
# Characters a file name may not hold (the chain is typed by the user and names the file).
UNSAFE_IN_NAME = re.compile(r'[\x00-\x1f/\\:*?"<>|]')
STAFF = (Role.OFFICIAL, Role.OFFICER, Role.ADMIN)


def _scopes(grants: tuple[RoleGrant, ...]) -> list[tuple[str, str]]:
    """(region prefix, chain) of the grants, without those another one already covers."""
    staff = [g for g in grants if g.role in STAFF]
    if any(g.role is Role.ADMIN for g in staff):
        return [("", "")]
    pairs = sorted({(g.region_prefix, g.chain) for g in staff}, key=lambda p: (len(p[0]), p))
    kept: list[tuple[str, str]] = []
    for region, chain in pairs:
        if any(region.startswith(r) and (not c or c == chain) for r, c in kept):
            continue
        kept.append((region, chain))
    return kept


def _allowed(grants: tuple[RoleGrant, ...], region: str, chain: str) -> bool:
    for g in grants:
        if g.role is Role.ADMIN:
            return True
        if (
            g.role in STAFF
            and region.startswith(g.region_prefix)
            and (not g.chain or g.chain == chain)
        ):
            return True
    return False


def _file_stem(region: str, chain: str) -> str:
    """`35-汽车` for the files' names: a chain such as `汽车/零部件` must not make a directory."""
    stem = "-".join(p for p in (region, chain) if p) or "all"
    return UNSAFE_IN_NAME.sub("_", stem).strip(". ") or "all"


def _scope_label(region: str, chain: str, lang: str) -> str:
    """福建省（35） 汽车: the region in words with its code, and the chain."""
    parts = [p for p in (region_words(region, lang) if region else "", chain) if p]
    return " ".join(parts) if parts else t(lang, "export.scope_all")


async def export_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    user = update.effective_user
    chat = update.effective_chat
    assert message is not None and user is not None and chat is not None
    lang = await language(context, user)
    d = deps(context)
    viewer = await views.viewer(d.db, user.id)
    if not any(g.role in STAFF for g in viewer.grants):
        await message.reply_text(t(lang, "error.not_allowed"))
        return
    if chat.type != ChatType.PRIVATE:
        await message.reply_text(t(lang, "export.private_only"))
        return
    args = list(context.args or ())
    kinds: tuple[str, ...] = ("enterprises", "ledger")
    if args and args[0].lower() in KINDS:
        kinds = KINDS[args.pop(0).lower()]
    region = ""
    if args and is_ascii_digits(args[0]):
        region = args.pop(0)
        if len(region) > 6:
            await message.reply_text(t(lang, "export.usage"))
            return
    chain = " ".join(args)
    if region or chain:
        if not _allowed(viewer.grants, region, chain):
            await message.reply_text(
                t(
                    lang,
                    "export.bad_scope",
                    scope=escape(_scope_label(region, chain, lang)),
                ),
                parse_mode=ParseMode.HTML,
            )
            return
        scopes = [(region, chain)]
    else:
        scopes = _scopes(viewer.grants)
    if len(scopes) > MAX_SCOPES:
        await message.reply_text(t(lang, "export.too_many", count=MAX_SCOPES))
        scopes = scopes[:MAX_SCOPES]
    with tempfile.TemporaryDirectory(prefix="liaisonbot-export-") as tmp:
        for region, chain in scopes:
            label = _scope_label(region, chain, lang)
            stem = _file_stem(region, chain)
            for kind in kinds:
                if kind == "enterprises":
                    path = Path(tmp) / f"企业名单-{stem}.xlsx"
                    await export_enterprises(
                        d.db, path, region=region or None, chain=chain or None, tz=d.settings.zone
                    )
                    caption = t(lang, "export.caption_enterprises", scope=label)
                else:
                    path = Path(tmp) / f"问题台账-{stem}.xlsx"
                    await export_ledger(
                        d.db,
                        path,
                        region=region or None,
                        chain=chain or None,
                        tz=d.settings.zone,
                        now=d.now(),
                    )
                    caption = t(lang, "export.caption_ledger", scope=label)
                await message.reply_document(
                    InputFile(path.read_bytes(), filename=path.name), caption=caption
                )
