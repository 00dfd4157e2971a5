// LiaisonBot sandbox page: plain JS, no build step. Talks to /control/* only.
// Message bodies arrive as HTML rendered (and escaped) by the server from Telegram entities;
// everything else is inserted with textContent.
"use strict";

const $ = (id) => document.getElementById(id);
const ui = {
  asUser: null, // acting user id
  chatId: null, // open chat id
  replyTo: null,
  seq: 0,
  bot: null,
  users: [],
  shownSeq: -1,
};

async function api(method, path, body) {
  const opts = { method, headers: {} };
  if (body instanceof FormData) {
    opts.body = body;
  } else if (body !== undefined) {
    opts.headers["Content-Type"] = "application/json";
    opts.body = JSON.stringify(body);
  }
  const resp = await fetch("/control/" + path, opts);
  const data = await resp.json();
  if (!data.ok) throw new Error(data.error || "请求失败");
  return data.result;
}

function toast(text, ms = 2500) {
  const el = $("toast");
  el.textContent = text;
  el.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { el.hidden = true; }, ms);
}

function el(tag, cls, text) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text !== undefined && text !== null) node.textContent = text;
  return node;
}

const KIND = { private: "私聊", group: "群组", supergroup: "超级群组" };

function deepLinkOf(url) {
  if (!ui.bot || !url) return null;
  try {
    const u = new URL(url);
    const host = u.hostname.toLowerCase();
    if ((host === "t.me" || host === "telegram.me")
        && u.pathname.replace(/\//g, "").toLowerCase() === ui.bot.username.toLowerCase()) {
      return u;
    }
  } catch (e) { /* not a URL */ }
  return null;
}

// --- state ---------------------------------------------------------------------------------

async function loadState() {
  const state = await api("GET", "state");
  ui.bot = state.bot;
  ui.timeZone = state.time_zone || undefined; // the bot's LIAISONBOT_TZ, not the browser's
  ui.users = state.users.filter((u) => !u.is_bot);
  $("bot-name").textContent = "@" + state.bot.username;
  $("privacy").checked = state.privacy;
  const select = $("as-user");
  const keep = ui.asUser;
  select.replaceChildren();
  for (const u of ui.users) {
    const who = `${u.first_name}${u.username ? " @" + u.username : ""}`;
    const opt = el("option", null, u.label ? `${who} · ${u.label}` : `${who} (${u.id})`);
    opt.value = u.id;
    select.append(opt);
  }
  if (keep && ui.users.some((u) => u.id === keep)) select.value = keep;
  ui.asUser = select.value ? Number(select.value) : null;
  ui.seq = state.seq;
}

async function renderChats() {
  const list = $("chat-list");
  if (!ui.asUser) {
    list.replaceChildren();
    return;
  }
  // Build the new list first and swap it in at once: emptying it while the request is in
  // flight made it flicker and swallowed clicks.
  const asUser = ui.asUser;
  const chats = await api("GET", "chats?user_id=" + asUser);
  if (asUser !== ui.asUser) return;  // another person was picked meanwhile
  const items = [];
  if (!chats.some((c) => c.id === ui.asUser)) {
    chats.unshift({ id: ui.asUser, type: "private", title: "与机器人私聊", last_text: "（尚未开始）" });
  }
  for (const c of chats) {
    const li = el("li");
    if (c.id === ui.chatId) li.classList.add("active");
    const title = el("div", "title");
    title.append(el("span", "kind", KIND[c.type] || c.type));
    title.append(document.createTextNode(c.type === "private" ? "@" + ui.bot.username : c.title));
    li.append(title, el("div", "last", c.migrated_to ? "已升级为超级群组" : c.last_text));
    li.onclick = () => openChat(c.id);
    items.push(li);
  }
  list.replaceChildren(...items);
  if (ui.chatId === null && chats.length) openChat(chats[0].id);
}

async function openChat(chatId) {
  ui.chatId = chatId;
  document.body.classList.toggle("in-chat", chatId !== null); // a phone shows one pane
  ui.replyTo = null;
  $("replying").hidden = true;
  ui.shownSeq = -1;
  await renderChats();
  await renderMessages(true);
}

// --- messages ------------------------------------------------------------------------------

function renderKeyboard(msg) {
  const box = el("div", "keyboard");
  for (const row of msg.keyboard) {
    const line = el("div", "row");
    for (const b of row) {
      const btn = el("button", b.url ? "url" : "", b.text);
      btn.type = "button";
      btn.title = b.callback_data ? "callback_data: " + b.callback_data : (b.url || "");
      btn.onclick = () => pressButton(msg, b);
      line.append(btn);
    }
    box.append(line);
  }
  return box;
}

function renderMessage(msg, byId) {
  if (msg.service) return el("div", "service", msg.service);
  const mine = msg.from && msg.from.id === ui.asUser;
  const node = el("div", "msg" + (mine ? " mine" : "") + (msg.from_bot ? " bot" : ""));
  if (!msg.from_bot && !msg.visible_to_bot) {
    node.classList.add("hidden-from-bot");
    node.title = "隐私模式：机器人收不到这条消息";
  }
  const meta = el("div", "meta");
  meta.append(el("span", "sender", msg.sender_name));
  meta.append(el("span", null, new Date(msg.date * 1000).toLocaleTimeString("zh-CN", { timeZone: ui.timeZone })));
  if (msg.edit_date) meta.append(el("span", null, "已编辑"));
  node.append(meta);
  if (msg.reply_to_message_id) {
    const quoted = byId.get(msg.reply_to_message_id);
    node.append(el("div", "quote", quoted ? (quoted.text || quoted.caption || "[文件]") : "[已删除]"));
  }
  if (msg.photo) {
    const box = el("div", "photo");
    const img = el("img");
    img.src = msg.photo.download_url;
    img.alt = "图片";
    box.append(img);
    node.append(box);
  }
  if (msg.document) {
    const box = el("div", "file");
    const a = el("a", null, `📄 ${msg.document.file_name || "文件"}（${msg.document.file_size} 字节）`);
    a.href = msg.document.download_url;
    a.download = msg.document.file_name || "";
    box.append(a);
    node.append(box);
  }
  const body = el("div", "body");
  body.innerHTML = msg.html; // rendered and escaped server-side from entities
  node.append(body);
  if (msg.keyboard) node.append(renderKeyboard(msg));
  const actions = el("div", "actions");
  const reply = el("a", null, "回复");
  reply.onclick = () => {
    ui.replyTo = msg.message_id;
    $("replying-text").textContent = "回复：" + (msg.text || msg.caption || "[文件]").slice(0, 40);
    $("replying").hidden = false;
    $("text").focus();
  };
  actions.append(reply);
  if (mine && msg.text !== null) {
    const edit = el("a", null, "编辑");
    edit.onclick = async () => {
      const text = prompt("编辑消息", msg.text);
      if (text === null || text === msg.text) return;
      await act(() => api("POST", "edit", {
        user_id: ui.asUser, chat_id: ui.chatId, message_id: msg.message_id, text,
      }));
    };
    actions.append(edit);
  }
  if (msg.source && msg.parse_mode) {
    const raw = el("a", null, "源码");
    raw.onclick = () => alert(msg.source);
    actions.append(raw);
  }
  node.append(actions);
  return node;
}

async function renderMessages(force = false) {
  // Renders can overlap (a poll, a click): one that finds another chat opened meanwhile stops.
  const chatId = ui.chatId;
  if (chatId === null) return;
  const chats = await api("GET", "chats");
  if (chatId !== ui.chatId) return;
  const chat = chats.find((c) => c.id === chatId);
  if (!chat) {
    $("messages").replaceChildren(el("div", "service", "发送第一条消息即开始与机器人私聊"));
    $("chat-title").textContent = "与机器人私聊";
    $("chat-info").textContent = "";
    return;
  }
  if (!force && chat.last_seq === ui.shownSeq) return;
  ui.shownSeq = chat.last_seq;
  $("chat-title").textContent = chat.type === "private" ? "@" + ui.bot.username : chat.title;
  const info = [KIND[chat.type], "ID " + chat.id, "机器人：" + botStatus(chat)];
  if (chat.migrated_to) info.push("已升级为 " + chat.migrated_to);
  $("chat-info").textContent = info.join(" · ");
  const messages = await api("GET", "messages?chat_id=" + chatId);
  if (chatId !== ui.chatId) return;
  const box = $("messages");
  const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 40;
  const byId = new Map(messages.map((m) => [m.message_id, m]));
  box.replaceChildren(...messages.map((m) => renderMessage(m, byId)));
  if (atBottom || force) box.scrollTop = box.scrollHeight;
  renderReplyKeyboard(messages);
}

function botStatus(chat) {
  if (chat.type === "private") return chat.bot_status === "kicked" ? "已被屏蔽" : "正常";
  return { member: "成员", administrator: "管理员", left: "不在群内", kicked: "已被移出" }[chat.bot_status]
    || chat.bot_status;
}

function renderReplyKeyboard(messages) {
  const box = $("reply-keyboard");
  const last = [...messages].reverse().find((m) => m.from_bot && (m.reply_keyboard || m.keyboard));
  box.replaceChildren();
  box.hidden = !(last && last.reply_keyboard);
  if (box.hidden) return;
  for (const row of last.reply_keyboard) {
    for (const b of row) {
      const text = typeof b === "string" ? b : b.text;
      const btn = el("button", null, text);
      btn.type = "button";
      btn.onclick = () => sendText(text);
      box.append(btn);
    }
  }
}

// --- acting --------------------------------------------------------------------------------

async function act(fn) {
  try {
    return await fn();
  } catch (err) {
    toast("失败：" + err.message, 4000);
    return null;
  }
}

async function pressButton(msg, button) {
  if (button.callback_data !== undefined) {
    const res = await act(() => api("POST", "press", {
      user_id: ui.asUser, chat_id: ui.chatId, message_id: msg.message_id,
      callback_data: button.callback_data,
    }));
    if (!res) return;
    const ans = await act(() => api("GET", `callback_answer?id=${res.callback_query_id}&timeout=10`));
    if (ans && ans.answered && ans.answer.text) {
      if (ans.answer.show_alert) alert(ans.answer.text); else toast(ans.answer.text);
    } else if (ans && !ans.answered) {
      toast("机器人没有回应按钮（answerCallbackQuery）");
    }
  } else if (button.url) {
    await openUrl(button.url);
  } else {
    toast("沙盒只支持回调按钮和链接按钮");
  }
}

async function openUrl(url) {
  if (deepLinkOf(url)) {
    const res = await act(() => api("POST", "deeplink", { user_id: ui.asUser, url }));
    if (res) await openChat(res.chat_id);
  } else {
    window.open(url, "_blank", "noopener");
  }
}

async function sendText(text) {
  if (!text.trim() || ui.chatId === null) return;
  const res = await act(() => api("POST", "send", {
    user_id: ui.asUser, chat_id: ui.chatId, text, reply_to_message_id: ui.replyTo,
  }));
  if (res) {
    ui.replyTo = null;
    $("replying").hidden = true;
    await renderMessages(true);
  }
}

async function sendFile(file) {
  const form = new FormData();
  form.append("user_id", ui.asUser);
  form.append("chat_id", ui.chatId);
  const caption = $("text").value.trim();
  if (caption) form.append("caption", caption);
  if (ui.replyTo) form.append("reply_to_message_id", ui.replyTo);
  form.append("file", file, file.name);
  const res = await act(() => api("POST", "document", form));
  if (res) {
    $("text").value = "";
    await renderMessages(true);
  }
}

// --- wiring --------------------------------------------------------------------------------

$("composer").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const text = $("text").value;
  $("text").value = "";
  await sendText(text);
});
$("text").addEventListener("keydown", (ev) => {
  if (ev.key === "Enter" && !ev.shiftKey && !ev.isComposing) {
    ev.preventDefault();
    $("composer").requestSubmit();
  }
});
$("file").addEventListener("change", async (ev) => {
  const file = ev.target.files[0];
  ev.target.value = "";
  if (file) await sendFile(file);
});
function closeChat() {
  // Nothing of the previous person's chat stays on screen while the next person's list loads.
  ui.chatId = null;
  document.body.classList.remove("in-chat");
  $("chat-title").textContent = "";
  $("chat-info").textContent = "";
  $("messages").replaceChildren();
}

$("as-user").addEventListener("change", async (ev) => {
  ui.asUser = Number(ev.target.value);
  closeChat();
  await renderChats();
});
$("cancel-reply").onclick = () => { ui.replyTo = null; $("replying").hidden = true; };
$("privacy").addEventListener("change", (ev) => act(() => api("POST", "config", { privacy: ev.target.checked })));
$("new-user").onclick = async () => {
  const name = prompt("新用户的名字");
  if (!name) return;
  const user = await act(() => api("POST", "users", { first_name: name }));
  if (user) {
    ui.asUser = user.id;
    await loadState();
    $("as-user").value = user.id;
    closeChat();
    await renderChats();
  }
};
$("toggle-log").onclick = () => { $("log").hidden = !$("log").hidden; renderLog(); };
$("messages").addEventListener("click", async (ev) => {
  const spoiler = ev.target.closest(".tg-spoiler");
  if (spoiler) spoiler.classList.add("shown");
  const link = ev.target.closest("a[href]");
  if (link && deepLinkOf(link.href)) {
    ev.preventDefault();
    await openUrl(link.href);
  }
});

async function renderLog() {
  if ($("log").hidden) return;
  const calls = await api("GET", "calls");
  const list = $("log-list");
  list.replaceChildren(...calls.slice(-80).reverse().map((c) => {
    const warned = c.warnings && c.warnings.length;
    const li = el("li", c.ok ? (warned ? "warn" : "") : "err");
    const target = c.params && c.params.chat_id !== undefined ? " → " + c.params.chat_id : "";
    const notes = warned ? " ⚠ " + c.warnings.join("; ") : "";
    li.textContent = `#${c.seq} ${c.method}${target} ${c.status}${c.ok ? "" : " " + c.description}${notes}`;
    return li;
  }));
}

async function pollLoop() {
  for (;;) {
    try {
      const res = await api("GET", `poll?since=${ui.seq}&timeout=25`);
      if (res.seq !== ui.seq) {
        ui.seq = res.seq;
        $("status").textContent = "";
        await loadState();
        await renderChats();
        await renderMessages();
        await renderLog();
      }
    } catch (err) {
      $("status").textContent = "与沙盒的连接中断，重试中…";
      await new Promise((r) => setTimeout(r, 2000));
    }
  }
}

(async () => {
  await loadState();
  await renderChats();
  pollLoop();
})();

// On a phone the chat list and the conversation take turns; this goes back to the list.
$("back-to-chats").addEventListener("click", () => document.body.classList.remove("in-chat"));
