"""The router's weights, fitted by `python -m routing.fit_weights`: do not edit.

Fitted on 2322 tuning cases (tests/data/routing_tuning.jsonl). Each weight
multiplies its signal's value (see routing/signals.py); the latent score is
BIAS plus their sum, and the score is its logistic. The fit places its two cut
points at the default band edges below.
"""

SONNET_FROM = 0.3
OPUS_FROM = 0.65
BIAS = -0.5651
WEIGHTS = {
    "greeting_only": -0.9339,  # greeting or small talk
    "affirm_only": 0.4594,  # only agreement
    "light_ask": -1.1062,  # a light ask with nothing heavy in it
    "light_dressed_up": -0.0383,  # a light ask in heavy words
    "closing": -0.6011,  # thanks or acknowledgement
    "lookup_opening": -0.6317,  # opens as a simple lookup
    "lookup": -0.0809,  # asks for a fact or conversion
    "reminder": -1.2844,  # a reminder
    "arithmetic": -0.1153,  # simple arithmetic
    "formatting": -0.7267,  # a formatting or translation job
    "short_question": -0.5196,  # a short plain question
    "short_light": -0.8227,  # short, and asks for no work
    "no_cue": -0.1487,  # no recognised cue
    "explain": 0.1903,  # asks for an explanation
    "write": -0.0375,  # asks for writing
    "summarise": -0.4171,  # asks for a summary
    "advise": 0.2452,  # asks for a plan, comparison or advice
    "code": -0.197,  # asks for code
    "build": 0.0092,  # asks to build something
    "requirements": 0.7113,  # several stated requirements
    "technical": 0.0545,  # technical detail
    "hard": 0.7935,  # hard task (proof, system design, concurrency)
    "hard_more": -0.2663,  # several hard cues
    "hard_opening": 0.8825,  # opens with the hard task
    "system_design": 0.605,  # asks for a technical design
    "deep": 0.5854,  # asks for depth (analysis, trade-offs, optimisation)
    "deep_more": -0.0638,  # several depth cues
    "research": 0.9788,  # weighs research or sources
    "stakes": -0.0902,  # legal, medical or financial stakes
    "stakes_situation": 0.9573,  # stakes in the owner's real situation
    "symptom": 0.5215,  # a technical fault to hunt
    "interacting_parts": 0.885,  # a fault across several components
    "trace": 0.1474,  # stack trace or error log
    "paste": 1.7119,  # pasted text or code
    "paste_question": -1.1781,  # a simple question about pasted text
    "length": 6.2605,  # length of the ask
    "questions": 1.1709,  # several questions
    "list_items": -5.6552,  # a list of points
    "maths": 0.2324,  # mathematical notation
    "numbers": -0.4049,  # many numbers
    "simpler": -0.1822,  # asked to keep it simple
    "effort": -1.426,  # asks for effort (no weight on its own)
    "creative": -0.3044,  # creative writing
    "first_person": 0.1021,  # the owner's own situation
    "follow_long_answer": 3.967,  # follows a long answer
    "follow_heavy_answer": 1.0191,  # follows a technical or weighty answer
    "follow_gap": 0.7635,  # follow-up in a harder thread
    "agree_gap": 0.3706,  # agrees to harder work the assistant offered
    "follow_sonnet": -0.212,  # follow-up in a Sonnet-level thread
    "follow_opus": 0.0,  # follow-up in an Opus-level thread
    "agree_sonnet": -0.1377,  # agrees to Sonnet-level work the assistant offered
    "agree_opus": 0.0,  # agrees to Opus-level work the assistant offered
}
