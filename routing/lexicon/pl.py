"""Polish cues (a few)."""

SPACED = True
ENDINGS = ("a", "e", "i", "y", "u", "ę")

# fmt: off
CUES = {
    "design": ["zaprojektuj"],
    "greeting": ["cześć", "hej", "dzień dobry", "jak się masz"],
    "thanks": ["dzięki", "dziękuję", "dobranoc", "na razie", "super"],
    "affirm": ["tak", "jasne", "dawaj", "zrób to"],
    "lookup": ["ile to", "ile kosztuje", "która godzina", "co znaczy", "co to jest", "stolica", "kiedy", "gdzie jest"],
    "remind": ["przypomnij"],
    "format": ["przetłumacz", "posortuj", "lista", "tabel*"],
    "explain": ["wyjaśnij", "dlaczego", "jak działa"],
    "write": ["napisz", "mail"],
    "advise": ["porównaj", "poradź", "plan"],
    "hard": ["udowodnij", "dowód", "architektur*"],
    "deep": ["przeanalizuj", "analiza"],
    "stakes": ["podatek", "umowa", "umowy", "prawnik", "sąd", "kredyt"],
    "what_if": ["a co jeśli", "i co jeśli"],
    "when": ["jutro", "dzisiaj", "dziś"],
    "question": ["co", "kto", "gdzie", "kiedy", "jak", "ile", "dlaczego", "czy"],
    "first_person": ["ja", "mój", "moja", "mi", "mnie", "my"],
}
# fmt: on
