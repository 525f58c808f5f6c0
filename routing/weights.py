"""The router's weights, fitted by `python -m routing.fit_weights`: do not edit.

Fitted on 2812 tuning cases (tests/data/routing_tuning.jsonl). Each weight
multiplies its signal's value (see routing/signals.py); the latent score is
BIAS plus their sum, and the score is its logistic. The fit places its two cut
points at the default band edges below.
"""

SONNET_FROM = 0.3
OPUS_FROM = 0.65
BIAS = -0.7153
WEIGHTS = {
    "greeting_only": -0.7694,  # greeting or small talk
    "affirm_only": 0.7129,  # only agreement
    "light_ask": -1.0996,  # a light ask with nothing heavy in it
    "light_dressed_up": -0.0261,  # a light ask in heavy words
    "closing": -0.7461,  # thanks or acknowledgement
    "lookup_opening": -0.5235,  # opens as a simple lookup
    "lookup": -0.1789,  # asks for a fact or conversion
    "reminder": -1.309,  # a reminder
    "arithmetic": -0.0621,  # simple arithmetic
    "formatting": -0.7569,  # a formatting or translation job
    "short_question": -0.5735,  # a short plain question
    "short_light": -0.7326,  # short, and asks for no work
    "no_cue": -0.0999,  # no recognised cue
    "explain": 0.2388,  # asks for an explanation
    "write": -0.0471,  # asks for writing
    "summarise": -0.2532,  # asks for a summary
    "advise": 0.3468,  # asks for a plan, comparison or advice
    "code": -0.0727,  # asks for code
    "build": 0.0265,  # asks to build something
    "requirements": 0.7359,  # several stated requirements
    "technical": -0.0406,  # technical detail
    "hard": 0.6223,  # hard task (proof, system design, concurrency)
    "hard_more": 1.081,  # several hard cues
    "hard_opening": 0.9162,  # opens with the hard task
    "system_design": 0.263,  # asks for a technical design
    "deep": 0.554,  # asks for depth (analysis, trade-offs, optimisation)
    "deep_more": 0.7179,  # several depth cues
    "research": 1.4228,  # weighs research or sources
    "stakes": -0.035,  # legal, medical or financial stakes
    "stakes_situation": 0.9714,  # stakes in the owner's real situation
    "symptom": 0.5247,  # a technical fault to hunt
    "interacting_parts": 1.3802,  # a fault across several components
    "trace": 0.2653,  # stack trace or error log
    "paste": 1.486,  # pasted text or code
    "paste_question": -0.9468,  # a simple question about pasted text
    "length": 6.9397,  # length of the ask
    "questions": 1.2102,  # several questions
    "list_items": -6.3782,  # a list of points
    "maths": 0.1901,  # mathematical notation
    "numbers": -0.4469,  # many numbers
    "simpler": -0.2865,  # asked to keep it simple
    "effort": -1.6294,  # asks for effort (no weight on its own)
    "creative": -0.2019,  # creative writing
    "first_person": 0.155,  # the owner's own situation
    "follow_long_answer": 4.1819,  # follows a long answer
    "follow_heavy_answer": 0.7973,  # follows a technical or weighty answer
    "follow_gap": 0.7385,  # follow-up in a harder thread
    "agree_gap": 0.4894,  # agrees to harder work the assistant offered
    "follow_sonnet": -0.2261,  # follow-up in a Sonnet-level thread
    "follow_opus": 0.0,  # follow-up in an Opus-level thread
    "agree_sonnet": -0.2799,  # agrees to Sonnet-level work the assistant offered
    "agree_opus": 0.0,  # agrees to Opus-level work the assistant offered
}
