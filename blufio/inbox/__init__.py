"""Telegram in: the webhook, storing updates, wake-up flags, the per-chat worker loop
(lock, claim, order, retries) and the sweeper. Calls `blufio.conversation` to answer."""
