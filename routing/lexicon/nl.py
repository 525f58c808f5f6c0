"""Dutch cues (a few)."""

SPACED = True
ENDINGS = ("en", "s", "e", "t")

# fmt: off
CUES = {
    "design": ["ontwerp"],
    "greeting": ["hoi", "hallo", "goedemorgen", "hoe gaat het"],
    "thanks": ["bedankt", "dank je", "dankjewel", "dank u", "welterusten", "doei", "prima"],
    "affirm": ["ja", "ja graag", "prima doe maar", "doe maar", "zeker"],
    "lookup": ["hoeveel", "hoe laat", "wat is", "wat betekent", "hoofdstad", "wanneer", "waar is"],
    "remind": ["herinner me"],
    "format": ["vertaal", "sorteer", "lijst", "tabel"],
    "explain": ["leg uit", "waarom", "hoe werkt"],
    "write": ["schrijf", "brief", "mail"],
    "advise": ["vergelijk", "advies", "plan"],
    "hard": ["bewijs", "architectuur"],
    "deep": ["analyseer", "analyse"],
    "stakes": ["belasting", "huurcontract", "contract", "advocaat", "hypotheek"],
    "what_if": ["en als", "wat als"],
    "when": ["morgen", "vandaag", "vanavond"],
    "question": ["wat", "wie", "waar", "wanneer", "hoe", "hoeveel", "waarom", "welke"],
    "first_person": ["ik", "mijn", "me", "mij", "wij", "we", "ons"],
}
# fmt: on
