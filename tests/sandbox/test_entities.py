"""Telegram's HTML subset: parsing, errors worded like Telegram's, auto entities, rendering."""

from __future__ import annotations

import html

import pytest
from hypothesis import given
from hypothesis import strategies as st

from liaisonbot.sandbox.entities import (
    EntityParseError,
    detect_entities,
    html_escape,
    parse_html,
    render_html,
    utf16_len,
)


def test_nested_tags_give_utf16_offsets() -> None:
    text, ents = parse_html("😀<b>粗<i>斜</i></b> <a href='https://e.org/?a=1&amp;b=2'>链接</a>")
    assert text == "😀粗斜 链接"
    assert ents == [
        {"type": "bold", "offset": 2, "length": 2},
        {"type": "italic", "offset": 3, "length": 1},
        {"type": "text_link", "offset": 5, "length": 2, "url": "https://e.org/?a=1&b=2"},
    ]


def test_every_supported_tag() -> None:
    src = (
        "<strong>a</strong><em>b</em><u>c</u><ins>d</ins><s>e</s><strike>f</strike><del>g</del>"
        '<span class="tg-spoiler">h</span><tg-spoiler>i</tg-spoiler><code>j</code>'
        '<pre><code class="language-python">k</code></pre><blockquote>l</blockquote>'
        '<blockquote expandable>m</blockquote><tg-emoji emoji-id="5368324170671202286">n</tg-emoji>'
        '<a href="tg://user?id=7">o</a>'
    )
    text, ents = parse_html(src)
    assert text == "abcdefghijklmno"
    kinds = [e["type"] for e in ents]
    assert kinds == [
        "bold", "italic", "underline", "underline", "strikethrough", "strikethrough",
        "strikethrough", "spoiler", "spoiler", "code", "pre", "blockquote",
        "expandable_blockquote", "custom_emoji", "text_mention",
    ]  # fmt: skip
    assert ents[10]["language"] == "python"
    assert ents[13]["custom_emoji_id"] == "5368324170671202286"
    assert ents[14]["user_id"] == 7


def test_html_entities_decode() -> None:
    assert parse_html("&lt;a&gt; &amp; &quot;x&quot; &#20013; &#x6587;")[0] == '<a> & "x" 中 文'


@pytest.mark.parametrize(
    ("src", "message"),
    [
        ("a <br> b", 'Unsupported start tag "br" at byte offset 2'),
        ("<b>bold", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("1 < 2", 'Unsupported start tag "" at byte offset 2'),
        ("中 <", "Unclosed start tag at byte offset 4"),
        ("R&D", "Can't find end of the entity starting at byte offset 1"),
        ("&nbsp;", "Can't find end of the entity starting at byte offset 0"),
        ('<span class="x">s</span>', 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        ("<a href='x>", "Unclosed start tag at byte offset 0"),
    ],
)
def test_parse_errors(src: str, message: str) -> None:
    with pytest.raises(EntityParseError) as err:
        parse_html(src)
    assert str(err.value) == message


def test_lenient_mode_keeps_bare_ampersand_like_telegram() -> None:
    assert parse_html("R&D", strict=False) == ("R&D", [])


def test_auto_entities_skip_code() -> None:
    text = "/report@test_bot 给 @zhangsan 看 https://e.org/x. #复工 a@b.cn"
    ents = detect_entities(text, [])
    found = {text[e["offset"] : e["offset"] + e["length"]]: e["type"] for e in ents}
    assert found == {
        "/report@test_bot": "bot_command",
        "@zhangsan": "mention",
        "https://e.org/x": "url",
        "#复工": "hashtag",
        "a@b.cn": "email",
    }
    code = [{"type": "code", "offset": 0, "length": 7}]
    assert detect_entities("/start", [{"type": "code", "offset": 0, "length": 6}]) == [
        {"type": "code", "offset": 0, "length": 6}
    ]
    assert detect_entities("/x /y", code) == code


def test_render_escapes_and_nests() -> None:
    text, ents = parse_html("<b>a<i>&lt;script&gt;</i></b><a href='javascript:alert(1)'>x</a>")
    out = render_html(text, ents)
    assert out == '<b>a<i>&lt;script&gt;</i></b><span class="link">x</span>'
    crossing = [
        {"type": "bold", "offset": 0, "length": 3},
        {"type": "italic", "offset": 1, "length": 4},
    ]
    assert render_html("abcde", crossing) == "<b>a<i>bc</i></b><i>de</i>"


@given(st.text(max_size=200))
def test_escaped_text_round_trips(text: str) -> None:
    plain, ents = parse_html(html_escape(text))
    assert plain == text
    assert ents == []
    assert html.unescape(render_html(text, [])) == text


@given(st.text(max_size=60), st.text(max_size=60))
def test_offsets_are_utf16(a: str, b: str) -> None:
    _, ents = parse_html(f"{html_escape(a)}<b>{html_escape(b)}</b>")
    if b:
        assert ents == [{"type": "bold", "offset": utf16_len(a), "length": utf16_len(b)}]
