"""One module per outside service (Anthropic, Telegram), each with its own error type
whose `permanent` says whether the same call could succeed later. Nothing here knows
about the conversation or the database."""
