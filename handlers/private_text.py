"""Plain text in the private chat, routed to whichever conversation it belongs to.

Both the bot's questions (ForceReply prompts: 退回补充, 不满意, …) and the report dialog's draft
want the user's words there. In order:

0. `/搜 …` searches (Telegram commands are Latin only, so it arrives as plain text);
1. a reply to a question of the bot answers that question (even with a draft open);
1b. with a check-in open (handlers/checkins/flow.py), the text answers its current step;
2. else, with a draft open, the text answers the draft's current step;
3. else, the text answers the one question still waiting for this user, as if replied to
   (with several waiting, the user is asked to reply to the one they mean);
4. else, a number alone opens that report (as /show N);
5. else, a hint at /help.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from handlers.checkins.flow import answer_typed as answer_checkin_step
from handlers.common import language
from handlers.i18n import t
from handlers.reporting.dialog import answer_draft_step
from handlers.reporting.follow_up import add_typed_addition
from handlers.search.find import on_chinese_search, on_number_alone
from handlers.triage.prompts import answer_open_prompt, answer_prompt, prompt_replied_to


async def on_private_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    user = update.effective_user
    assert message is not None and user is not None
    if await on_chinese_search(update, context):
        return
    prompt = await prompt_replied_to(update, context)
    if prompt is not None:
        await answer_prompt(update, context, prompt)
        return
    if await answer_checkin_step(update, context):
        return
    if await answer_draft_step(update, context):
        return
    if await answer_open_prompt(update, context):
        return
    if await add_typed_addition(update, context):
        return
    if await on_number_alone(update, context):
        return
    await message.reply_text(t(await language(context, user), "help.hint"))
