"""The router's weights, fitted by `python -m routing.fit_weights`: do not edit.

Fitted on 3281 tuning cases (tests/data/routing_tuning.jsonl). Each weight
multiplies its signal's value (see routing/signals.py); the latent score is
BIAS plus their sum, and the score is its logistic. The fit places its two cut
points at the default band edges below.
"""

SONNET_FROM = 0.3
OPUS_FROM = 0.65
BIAS = -0.6743
WEIGHTS = {
    "greeting_only": -0.8698,  # greeting or small talk
    "affirm_only": 0.6264,  # only agreement
    "light_ask": -1.0661,  # a light ask with nothing heavy in it
    "light_dressed_up": -0.2126,  # a light ask in heavy words
    "closing": -0.6395,  # thanks or acknowledgement
    "lookup_opening": -0.3441,  # opens as a simple lookup
    "lookup": -0.2435,  # asks for a fact or conversion
    "reminder": -1.1734,  # a reminder
    "arithmetic": -0.0837,  # simple arithmetic
    "formatting": -0.7603,  # a formatting or translation job
    "short_question": -0.4721,  # a short plain question
    "short_light": -0.739,  # short, and asks for no work
    "no_cue": -0.1499,  # no recognised cue
    "explain": 0.1761,  # asks for an explanation
    "write": -0.0241,  # asks for writing
    "summarise": -0.3136,  # asks for a summary
    "advise": 0.3937,  # asks for a plan, comparison or advice
    "code": -0.1108,  # asks for code
    "build": 0.1302,  # asks to build something
    "requirements": 0.6125,  # several stated requirements
    "technical": 0.0307,  # technical detail
    "hard": 0.5863,  # hard task (proof, system design, concurrency)
    "hard_more": 1.1694,  # several hard cues
    "hard_opening": 0.8361,  # opens with the hard task
    "system_design": 0.4787,  # asks for a technical design
    "deep": 0.6331,  # asks for depth (analysis, trade-offs, optimisation)
    "deep_more": 0.3452,  # several depth cues
    "research": 1.4054,  # weighs research or sources
    "stakes": -0.0038,  # legal, medical or financial stakes
    "stakes_situation": 0.9253,  # stakes in the owner's real situation
    "symptom": 0.6404,  # a technical fault to hunt
    "interacting_parts": 0.3185,  # a fault across several components
    "trace": 0.2399,  # stack trace or error log
    "paste": 1.5191,  # pasted text or code
    "paste_question": -1.1038,  # a simple question about pasted text
    "length": 6.8596,  # length of the ask
    "questions": 1.5197,  # several questions
    "list_items": -5.8896,  # a list of points
    "maths": 0.2263,  # mathematical notation
    "numbers": -0.4788,  # many numbers
    "simpler": -0.1935,  # asked to keep it simple
    "effort": -1.3686,  # asks for effort (no weight on its own)
    "creative": -0.4059,  # creative writing
    "first_person": 0.1106,  # the owner's own situation
    "follow_long_answer": 4.2203,  # follows a long answer
    "follow_heavy_answer": 0.6799,  # follows a technical or weighty answer
    "follow_gap": 0.6819,  # follow-up in a harder thread
    "agree_gap": 0.4929,  # agrees to harder work the assistant offered
    "follow_sonnet": -0.1435,  # follow-up in a Sonnet-level thread
    "follow_opus": 0.0,  # follow-up in an Opus-level thread
    "agree_sonnet": -0.288,  # agrees to Sonnet-level work the assistant offered
    "agree_opus": 0.0,  # agrees to Opus-level work the assistant offered
}
