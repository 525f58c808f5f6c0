"""The router's weights, fitted by `python -m routing.fit_weights`: do not edit.

Fitted on 2812 tuning cases (tests/data/routing_tuning.jsonl). Each weight
multiplies its signal's value (see routing/signals.py); the latent score is
BIAS plus their sum, and the score is its logistic. The fit places its two cut
points at the default band edges below.
"""

SONNET_FROM = 0.3
OPUS_FROM = 0.65
BIAS = -0.7196
WEIGHTS = {
    "greeting_only": -0.7544,  # greeting or small talk
    "affirm_only": 0.7077,  # only agreement
    "light_ask": -1.0976,  # a light ask with nothing heavy in it
    "light_dressed_up": -0.0277,  # a light ask in heavy words
    "closing": -0.729,  # thanks or acknowledgement
    "lookup_opening": -0.5241,  # opens as a simple lookup
    "lookup": -0.175,  # asks for a fact or conversion
    "reminder": -1.3229,  # a reminder
    "arithmetic": -0.0521,  # simple arithmetic
    "formatting": -0.7527,  # a formatting or translation job
    "short_question": -0.5753,  # a short plain question
    "short_light": -0.7342,  # short, and asks for no work
    "no_cue": -0.0981,  # no recognised cue
    "explain": 0.2408,  # asks for an explanation
    "write": -0.0419,  # asks for writing
    "summarise": -0.2449,  # asks for a summary
    "advise": 0.3491,  # asks for a plan, comparison or advice
    "code": -0.0655,  # asks for code
    "build": 0.0248,  # asks to build something
    "requirements": 0.7358,  # several stated requirements
    "technical": -0.0466,  # technical detail
    "hard": 0.6255,  # hard task (proof, system design, concurrency)
    "hard_more": 1.0861,  # several hard cues
    "hard_opening": 0.9275,  # opens with the hard task
    "system_design": 0.2532,  # asks for a technical design
    "deep": 0.5577,  # asks for depth (analysis, trade-offs, optimisation)
    "deep_more": 0.7349,  # several depth cues
    "research": 1.4246,  # weighs research or sources
    "stakes": -0.0321,  # legal, medical or financial stakes
    "stakes_situation": 0.9617,  # stakes in the owner's real situation
    "symptom": 0.5366,  # a technical fault to hunt
    "interacting_parts": 1.3884,  # a fault across several components
    "trace": 0.2867,  # stack trace or error log
    "paste": 1.431,  # pasted text or code
    "paste_question": -0.9367,  # a simple question about pasted text
    "length": 6.9767,  # length of the ask
    "questions": 1.2107,  # several questions
    "list_items": -6.4313,  # a list of points
    "maths": 0.1896,  # mathematical notation
    "numbers": -0.4554,  # many numbers
    "simpler": -0.2858,  # asked to keep it simple
    "effort": -1.5926,  # asks for effort (no weight on its own)
    "creative": -0.2065,  # creative writing
    "first_person": 0.1523,  # the owner's own situation
    "follow_long_answer": 4.2374,  # follows a long answer
    "follow_heavy_answer": 0.8045,  # follows a technical or weighty answer
    "follow_gap": 0.7373,  # follow-up in a harder thread
    "agree_gap": 0.4859,  # agrees to harder work the assistant offered
    "follow_sonnet": -0.228,  # follow-up in a Sonnet-level thread
    "follow_opus": 0.0,  # follow-up in an Opus-level thread
    "agree_sonnet": -0.2859,  # agrees to Sonnet-level work the assistant offered
    "agree_opus": 0.0,  # agrees to Opus-level work the assistant offered
}
