"""The router's weights, fitted by `python -m routing.fit_weights`: do not edit.

Fitted on 2322 tuning cases (tests/data/routing_tuning.jsonl). Each weight
multiplies its signal's value (see routing/signals.py); the latent score is
BIAS plus their sum, and the score is its logistic. The fit places its two cut
points at the default band edges below.
"""

SONNET_FROM = 0.3
OPUS_FROM = 0.65
BIAS = -0.5671
WEIGHTS = {
    "greeting_only": -0.9266,  # greeting or small talk
    "affirm_only": 0.4672,  # only agreement
    "light_ask": -1.1132,  # a light ask with nothing heavy in it
    "light_dressed_up": -0.1919,  # a light ask in heavy words
    "closing": -0.5914,  # thanks or acknowledgement
    "lookup_opening": -0.6198,  # opens as a simple lookup
    "lookup": -0.0667,  # asks for a fact or conversion
    "reminder": -1.2682,  # a reminder
    "arithmetic": -0.1264,  # simple arithmetic
    "formatting": -0.7083,  # a formatting or translation job
    "short_question": -0.5196,  # a short plain question
    "short_light": -0.8226,  # short, and asks for no work
    "no_cue": -0.1461,  # no recognised cue
    "explain": 0.1965,  # asks for an explanation
    "write": -0.0345,  # asks for writing
    "summarise": -0.4265,  # asks for a summary
    "advise": 0.2455,  # asks for a plan, comparison or advice
    "code": -0.1982,  # asks for code
    "build": 0.0133,  # asks to build something
    "requirements": 0.7086,  # several stated requirements
    "technical": 0.058,  # technical detail
    "hard": 0.7858,  # hard task (proof, system design, concurrency)
    "hard_more": -0.425,  # several hard cues
    "hard_opening": 0.9527,  # opens with the hard task
    "system_design": 0.5977,  # asks for a technical design
    "deep": 0.6113,  # asks for depth (analysis, trade-offs, optimisation)
    "deep_more": -0.0748,  # several depth cues
    "research": 0.9606,  # weighs research or sources
    "stakes": -0.0937,  # legal, medical or financial stakes
    "stakes_situation": 0.9606,  # stakes in the owner's real situation
    "symptom": 0.5337,  # a technical fault to hunt
    "interacting_parts": 0.8037,  # a fault across several components
    "trace": 0.1348,  # stack trace or error log
    "paste": 1.7642,  # pasted text or code
    "paste_question": -1.1975,  # a simple question about pasted text
    "length": 6.1413,  # length of the ask
    "questions": 1.2205,  # several questions
    "list_items": -5.8128,  # a list of points
    "maths": 0.1977,  # mathematical notation
    "numbers": -0.3692,  # many numbers
    "simpler": -0.1795,  # asked to keep it simple
    "effort": -1.3034,  # asks for effort (no weight on its own)
    "creative": -0.3001,  # creative writing
    "first_person": 0.1053,  # the owner's own situation
    "follow_long_answer": 4.0699,  # follows a long answer
    "follow_heavy_answer": 0.9907,  # follows a technical or weighty answer
    "follow_gap": 0.7699,  # follow-up in a harder thread
    "agree_gap": 0.3648,  # agrees to harder work the assistant offered
    "follow_sonnet": -0.2228,  # follow-up in a Sonnet-level thread
    "follow_opus": 0.0,  # follow-up in an Opus-level thread
    "agree_sonnet": -0.1249,  # agrees to Sonnet-level work the assistant offered
    "agree_opus": 0.0,  # agrees to Opus-level work the assistant offered
}
