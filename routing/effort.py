"""The effort a /prefix asks for: `/opus+` thinks harder, `/opus++` hardest, `/haiku-`
least. Pure, like the router core, which strips the suffix with `split_effort`."""

from routing.tiers import TIERS

# Suffix of a tier prefix -> the output_config.effort it asks for.
PREFIX_EFFORTS = {"-": "low", "+": "high", "++": "max"}


def split_effort(command: str) -> tuple[str, str | None]:
    """A prefix's command word without its effort suffix, and that effort ("opus++" ->
    ("opus", "max")); a word without a known suffix is returned whole, with None."""
    word = command.rstrip("+-")
    effort = PREFIX_EFFORTS.get(command[len(word) :])
    return (word, effort) if effort else (command, None)


def prefix_effort(message: str) -> str | None:
    """The effort a leading /tier prefix asks for, or None (no prefix, or no suffix)."""
    head = message.lstrip().split(maxsplit=1)
    if not head or not head[0].startswith("/"):
        return None
    word, effort = split_effort(head[0][1:].split("@", 1)[0].lower())
    return effort if word in TIERS else None
