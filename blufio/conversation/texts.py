"""Everything the owner reads from the agent that Claude did not write: replies to what
cannot be answered, notices, alerts and bot command answers. Pure: data in, text out."""

from datetime import datetime
from decimal import Decimal

from costs.savings import Savings
from routing.tiers import TIER_NAMES

# What the owner sent that Claude cannot take (it reads text, images and PDFs).
NON_TEXT_REPLY = "I can read text, photos, images and PDFs, but not this kind of message."
AUDIO_REPLY = (
    "I can't listen to voice notes or audio: Claude reads text, photos and PDFs, not sound. "
    "Could you type it instead?"
)
VIDEO_REPLY = (
    "I can't watch videos or GIFs: Claude reads text, photos and PDFs. "
    "A screenshot of the moment you mean works."
)
STICKER_REPLY = "Nice sticker! I can only read text, photos and PDFs, though."
UNSUPPORTED_FILE_REPLY = (
    "I can't read that kind of file. I read photos, images (JPEG, PNG, GIF, WebP) and PDFs; "
    "for anything else, paste the text."
)
UNREADABLE_FILE_REPLY = "I couldn't open that file: it seems damaged. Could you send it again?"
ENCRYPTED_PDF_REPLY = (
    "That PDF is password-protected, so I can't read it. Could you send one without a password?"
)
DOWNLOAD_FAILED_REPLY = "Telegram wouldn't give me that file. Could you send it again?"
UNAVAILABLE_REPLY = "Claude is unavailable right now. I will retry your message in a minute."
GAVE_UP_REPLY = "I still couldn't reach Claude, so I gave up on that message. Please send it again."
ERROR_REPLY = (
    "Something went wrong on my side with that message, so I gave up on it. Please send it again."
)
NOT_CONFIGURED_REPLY = (
    "I can't reach Claude: this server has no ANTHROPIC_API_KEY set. "
    "The owner needs to add it to the environment."
)
EMPTY_ANSWER_REPLY = "I have no answer to that."
REFUSAL_REPLY = "Claude declined to answer that: its safety checks stopped the reply."
# What a permanent error answer of the Messages API means, by HTTP status.
_REFUSED_BECAUSE = {
    400: "it could not accept the request as it was sent",
    401: "it did not accept the API key (ANTHROPIC_API_KEY)",
    403: "this API key is not allowed to do that",
    404: "it does not know the model; check the model ids in the routing settings",
    413: "the message is too large",
}
EXPIRED_BUTTON_TEXT = "That button no longer does anything."
# The button under a reply cut at its tier's max_tokens, and what a tap on it answers.
CONTINUE_BUTTON = "Continue ▸"
CONTINUING_TEXT = "Going on from where it stopped…"
ALREADY_CONTINUED_TEXT = "That reply was continued already, below it."
ASK_OPUS_BUTTON = "Ask Opus"
ASKING_OPUS_TEXT = "Asking Opus…"
ALREADY_OPUS_TEXT = "Opus has answered this already."

HELP_TEXT = (
    "I'm Blufio, your assistant. Just write to me and I answer with Claude, "
    "picking the cheapest model that can do the job.\n\n"
    "Commands:\n"
    "/budget - today's and this month's spend\n"
    "/stats - how the last 7 days' messages were routed\n"
    "/usage - today's and this month's spend by tier\n"
    "/opus, /sonnet or /haiku before a message - use that model for it; add + to make "
    "it think harder (/opus+), ++ for its hardest (/opus++), - for quick (/haiku-)\n"
    "/help - this message"
)
START_TEXT = "Hi! " + HELP_TEXT
NO_MESSAGES_TEXT = "No messages in the last 7 days."
SPEND_IN_PRIVATE_ONLY_TEXT = (
    "I don't post spend in a group. Send me the command in our private chat."
)


def money(amount: Decimal) -> str:
    return f"${amount:,.2f}"


def exact_money(amount: Decimal) -> str:
    """Four decimals, as the dashboard shows spend: for rows that must add up to their
    total and match the dashboard to the digit (/usage)."""
    return f"${amount:,.4f}"


def small_money(amount: Decimal) -> str:
    """An amount on its own in a line of cents (the savings in /stats and the weekly
    digest): exact below a dollar, where cents are not enough (a reply costs fractions of
    one), cents from a dollar up, like the lines around it."""
    return exact_money(amount) if abs(amount) < 1 else money(amount)


def call_money(amount: Decimal) -> str:
    """One call's cost: cents, or a tenth of a cent below one cent ($0.004)."""
    if amount >= Decimal("0.01"):
        return money(amount)
    return f"${amount:.3f}" if amount >= Decimal("0.0005") or not amount else "<$0.001"


def cap_money(amount: Decimal) -> str:
    """A budget cap: "$5" for whole dollars."""
    return f"${amount:,.0f}" if amount == amount.to_integral_value() else money(amount)


def _clock(moment: datetime) -> str:
    return f"{moment:%H:%M} {moment.tzname()}"


def megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"


def file_too_large_text(*, size: int | None, limit: int, image: bool) -> str:
    """A file over what Claude (or Telegram's download cap) takes; a photo can be sent
    compressed instead of as a file."""
    what = f"That file ({megabytes(size)})" if size else "That file"
    hint = " Send it as a photo (compressed) instead." if image else ""
    return f"{what} is too large for me: I can read up to {megabytes(limit)}.{hint}"


def image_too_many_pixels_text(*, size: tuple[int, int] | None, limit: int) -> str:
    what = f"That image is {size[0]}×{size[1]} pixels" if size else "That image is too large"
    return f"{what}; Claude reads up to {limit}×{limit}. Send it as a photo (compressed) instead."


def pdf_too_many_pages_text(*, pages: int, limit: int) -> str:
    return f"That PDF has {pages} pages; I can read up to {limit}. Could you send a part of it?"


def attachment_over_budget_text(*, kind: str) -> str:
    """A hold for an attachment's worst case that does not fit what is left of today's budget."""
    what = "PDF" if kind == "pdf" else "image"
    return (
        f"Reading that {what} could cost more than is left of today's budget, so I didn't. "
        "A smaller one, or part of it, may fit."
    )


def bare_prefix_text(tier: str) -> str:
    return (
        f"Add your message after /{tier}, for example: /{tier} compare these two offers. "
        f"That sends it to {TIER_NAMES[tier]} whatever it is; without a prefix I pick "
        "the cheapest model that can answer well."
    )


def claude_refused_text(*, status: int | None, detail: str) -> str:
    """A permanent error from Claude: what it means, Claude's own words, and no retry."""
    because = _REFUSED_BECAUSE.get(status, f"it answered with error {status}")
    said = f' (Claude said: "{detail[:300]}")' if detail else ""
    return (
        f"Claude refused this request: {because}{said}. "
        "Sending it again as it is would not help, so I won't retry it."
    )


def refusal_text(explanation: str | None) -> str:
    """A reply Claude's safety checks stopped, with their reason when they give one."""
    return f"Claude declined to answer that. {explanation}" if explanation else REFUSAL_REPLY


def fallback_notice(*, answered_by: str, intended: str) -> str:
    return f"({TIER_NAMES[answered_by]} answered — {TIER_NAMES[intended]} is unavailable)"


def local_notice(*, model: str, because: str) -> str:
    """Over an answer of the local model: which model, and why Claude did not answer."""
    why = "today's budget is spent" if because == "budget" else "Claude is unavailable"
    return f"(Answered by the local model {model} — {why})"


def budget_spent_text(*, cap: Decimal | None, resets_at: datetime, now: datetime) -> str:
    """The budget is spent; `cap` None leaves the figure out (a group reads this)."""
    left = resets_at - now
    hours, minutes = divmod(max(0, int(left.total_seconds()) // 60), 60)
    budget = "Today's budget" if cap is None else f"Today's budget of {money(cap)}"
    return (
        f"{budget} is spent, so I won't call Claude "
        f"until it resets at {_clock(resets_at)} (in {hours}h {minutes:02d}m)."
    )


def budget_alert_text(
    *, share: float, haiku_only: bool, spent: Decimal, cap: Decimal, resets_at: datetime
) -> str:
    effect = "every reply now uses Haiku" if haiku_only else "replies now use one tier cheaper"
    return (
        f"⚠️ Budget alert: today's spend passed {int(share * 100)}% "
        f"({money(spent)} of {money(cap)}); {effect} until {_clock(resets_at)}. "
        "A /opus or /sonnet prefix still works until the cap."
    )


def budget_text(
    *,
    spent: Decimal,
    cap: Decimal,
    used: float,
    resets_at: datetime,
    month: Decimal,
    heartbeat_spent: Decimal,
    heartbeat_cap: Decimal,
) -> str:
    return (
        f"Today: {money(spent)} of {money(cap)} ({used:.0%}); resets at {_clock(resets_at)}.\n"
        f"This month: {money(month)}.\n"
        f"Check-ins this month: {money(heartbeat_spent)} of {money(heartbeat_cap)}, "
        "a budget of their own."
    )


def savings_text(savings: Savings) -> str:
    """The savings by source in one line, for /stats and the weekly digest."""
    return (
        f"Saved: {small_money(savings.routing)} by routing, {small_money(savings.caching)} "
        f"by prompt caching ({savings.hit_share:.0%} of input read from the cache), "
        f"{small_money(savings.cache_warm)} by staying on warm caches, "
        f"{small_money(savings.local)} by local answers."
    )


def stats_text(
    *,
    messages: int,
    tier_mix: dict[str, int],
    downgrades: int,
    rate: float,
    fallbacks: int,
    spend: Decimal,
    savings: Savings,
) -> str:
    mix = ", ".join(f"{TIER_NAMES[tier]} {n}" for tier, n in tier_mix.items())
    return "\n".join(
        [
            f"Last 7 days: {messages} messages ({mix}).",
            f"Downgraded for budget: {downgrades} ({rate:.0%}); fallbacks: {fallbacks}.",
            f"Spend: {money(spend)}.",
            savings_text(savings),
        ]
    )


def cost_footer(*, tier: str, cost: Decimal, spent: Decimal, cap: Decimal) -> str:
    """The small line under a reply (Markdown italics): who answered, what it cost, and
    today's spend against the cap."""
    name = TIER_NAMES.get(tier, "Claude")
    return f"_{name} · {call_money(cost)} · today {money(spent)} of {cap_money(cap)}_"


def usage_text(*, periods: list[tuple[str, list[dict]]], spent: Decimal, cap: Decimal) -> str:
    """/usage: each period's spend by tier (rows of `costs.selectors.spend_by_tier`), and
    today's conversation budget."""
    lines = []
    for label, rows in periods:
        total = sum((row["cost_usd"] for row in rows), Decimal(0))
        lines.append(f"{label}: {exact_money(total)}")
        for row in rows:
            calls = f"{row['calls']} call" + ("" if row["calls"] == 1 else "s")
            lines.append(f"  {row['label']}: {exact_money(row['cost_usd'])} ({calls})")
    lines.append(f"Today's budget: {money(spent)} of {money(cap)}.")
    return "\n".join(lines)
