"""One reply: route the owner's message, pay for one answer (fallback chain), deliver it.

Also the context Claude sees, bot commands, the paid-call path every model call takes
(`calls`), the hooks other apps attach to (`hooks`) and the texts the owner reads
(`texts`). Called by `blufio.inbox`; calls `blufio.clients`.
"""
