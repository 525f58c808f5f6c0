"""The router's weights, fitted by `python -m routing.fit_weights`: do not edit.

Fitted on 2424 tuning cases (tests/data/routing_tuning.jsonl). Each weight
multiplies its signal's value (see routing/signals.py); the latent score is
BIAS plus their sum, and the score is its logistic. The fit places its two cut
points at the default band edges below.
"""

SONNET_FROM = 0.3
OPUS_FROM = 0.65
BIAS = -0.4127
WEIGHTS = {
    "greeting_only": 0.3225,  # greeting or small talk
    "affirm_only": -1.3087,  # only agreement
    "light_ask": -0.6929,  # a light ask with nothing heavy in it
    "closing": -0.1749,  # thanks or acknowledgement
    "lookup_opening": -0.3356,  # opens as a simple lookup
    "lookup": -0.231,  # asks for a fact or conversion
    "reminder": -1.4593,  # a reminder
    "arithmetic": 0.3368,  # simple arithmetic
    "formatting": -0.6425,  # a formatting or translation job
    "short_question": -0.4997,  # a short plain question
    "short_light": -0.4834,  # short, and asks for no work
    "no_cue": -0.1781,  # no recognised cue
    "explain": 0.343,  # asks for an explanation
    "write": 0.0196,  # asks for writing
    "summarise": -0.2328,  # asks for a summary
    "advise": 0.5293,  # asks for a plan, comparison or advice
    "code": -0.2487,  # asks for code
    "build": -0.1134,  # asks to build something
    "requirements": 0.9964,  # several stated requirements
    "technical": 0.2573,  # technical detail
    "hard": 0.7797,  # hard task (proof, system design, concurrency)
    "deep": -0.1062,  # asks for depth (analysis, trade-offs, optimisation)
    "research": 0.9715,  # weighs research or sources
    "stakes": -0.309,  # legal, medical or financial stakes
    "stakes_situation": 1.3578,  # stakes in the owner's real situation
    "symptom": 0.4502,  # a technical fault to hunt
    "interacting_parts": 1.5914,  # a fault across several components
    "trace": 0.0886,  # stack trace or error log
    "paste": 2.0408,  # pasted text or code
    "paste_question": -1.5951,  # a simple question about pasted text
    "length": 6.068,  # length of the ask
    "questions": 1.0891,  # several questions
    "list_items": -5.9253,  # a list of points
    "maths": 0.9807,  # mathematical notation
    "numbers": -0.4757,  # many numbers
    "simpler": -0.2056,  # asked to keep it simple
    "effort": -1.2182,  # asks for effort (no weight on its own)
    "creative": -0.1941,  # creative writing
    "first_person": -0.0584,  # the owner's own situation
    "follow_gap": 0.8502,  # follow-up in a harder thread
    "agree_gap": 0.5615,  # agrees to harder work the assistant offered
    "follow_sonnet": 0.7089,  # follow-up in a Sonnet-level thread
    "follow_opus": 0.0,  # follow-up in an Opus-level thread
    "agree_sonnet": 0.0966,  # agrees to Sonnet-level work the assistant offered
    "agree_opus": 0.0,  # agrees to Opus-level work the assistant offered
}
