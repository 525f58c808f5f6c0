"""The router's weights, fitted by `python -m routing.fit_weights`: do not edit.

Fitted on 2424 tuning cases (tests/data/routing_tuning.jsonl). Each weight
multiplies its signal's value (see routing/signals.py); the latent score is
BIAS plus their sum, and the score is its logistic. The fit places its two cut
points at the default band edges below.
"""

SONNET_FROM = 0.3
OPUS_FROM = 0.65
BIAS = -0.7606
WEIGHTS = {
    "greeting_only": 0.162,  # greeting or small talk
    "affirm_only": -0.0841,  # only agreement
    "light_ask": -0.799,  # a light ask with nothing heavy in it
    "closing": -1.0949,  # thanks or acknowledgement
    "lookup_opening": -0.4912,  # opens as a simple lookup
    "lookup": -0.1952,  # asks for a fact or conversion
    "reminder": -1.5511,  # a reminder
    "arithmetic": 0.2556,  # simple arithmetic
    "formatting": -0.7522,  # a formatting or translation job
    "short_question": -0.3302,  # a short plain question
    "short_light": -0.6802,  # short, and asks for no work
    "no_cue": -0.1648,  # no recognised cue
    "explain": 0.4116,  # asks for an explanation
    "write": 0.0125,  # asks for writing
    "summarise": -0.3098,  # asks for a summary
    "advise": 0.5552,  # asks for a plan, comparison or advice
    "code": -0.1266,  # asks for code
    "build": -0.1348,  # asks to build something
    "requirements": 0.924,  # several stated requirements
    "technical": 0.137,  # technical detail
    "hard": 0.7717,  # hard task (proof, system design, concurrency)
    "deep": -0.2036,  # asks for depth (analysis, trade-offs, optimisation)
    "research": 1.0455,  # weighs research or sources
    "stakes": -0.3238,  # legal, medical or financial stakes
    "stakes_situation": 1.348,  # stakes in the owner's real situation
    "symptom": 0.6351,  # a technical fault to hunt
    "interacting_parts": 1.567,  # a fault across several components
    "trace": 0.1009,  # stack trace or error log
    "paste": 2.3145,  # pasted text or code
    "paste_question": -1.9009,  # a simple question about pasted text
    "length": 6.6259,  # length of the ask
    "questions": 1.4034,  # several questions
    "list_items": -6.7249,  # a list of points
    "maths": 1.0511,  # mathematical notation
    "numbers": -0.4908,  # many numbers
    "simpler": -0.1372,  # asked to keep it simple
    "effort": -1.2733,  # asks for effort (no weight on its own)
    "creative": -0.2522,  # creative writing
    "first_person": 0.0545,  # the owner's own situation
    "follow_long_answer": 4.0141,  # follows a long answer
    "follow_heavy_answer": 1.3552,  # follows a technical or weighty answer
    "follow_gap": 0.4463,  # follow-up in a harder thread
    "agree_gap": 0.355,  # agrees to harder work the assistant offered
    "follow_sonnet": -0.0792,  # follow-up in a Sonnet-level thread
    "follow_opus": 0.0,  # follow-up in an Opus-level thread
    "agree_sonnet": -0.0285,  # agrees to Sonnet-level work the assistant offered
    "agree_opus": 0.0,  # agrees to Opus-level work the assistant offered
}
