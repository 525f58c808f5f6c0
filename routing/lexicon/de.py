"""German cues."""

SPACED = True
ENDINGS = ("e", "en", "er", "es", "n", "s", "t", "st")

# fmt: off
CUES = {
    "design": ["entwirf", "entwerfen", "entwurf eines", "designe"],
    "greeting": ["hallo", "hi", "moin", "servus", "guten morgen", "guten tag", "guten abend", "wie geht's", "wie gehts", "wie geht es dir", "haha"],
    "thanks": ["danke", "danke schön", "dankeschön", "vielen dank", "super", "perfekt", "alles klar", "gute nacht", "tschüss", "tschüs", "bis später", "bis dann", "verstanden", "passt"],
    "affirm": ["ja", "ja bitte", "klar", "gerne", "mach das", "mach es", "leg los", "ok mach", "genau", "beides", "beide"],
    "lookup": ["wie spät", "wie viel", "wieviel", "wie viele", "hauptstadt", "was bedeutet", "was heißt", "was ist", "wer ist", "wer war", "wann ist", "wann war", "wo ist", "in welchem jahr", "wie schreibt man", "umrechnen", "rechne um", "in euro", "zeitunterschied", "wie hoch", "ab wann", "bis wann", "welcher tag", "welches datum"],
    "remind": ["erinnere mich", "erinner mich", "erinnerung", "wecker", "stell einen timer"],
    "arithmetic": ["prozent", "% von", "plus", "minus", "geteilt durch", "mal", "rechne", "wie viel ist", "trinkgeld", "die hälfte von"],
    "format": ["sortiere", "sortieren", "alphabetisch", "mach eine liste", "liste", "tabelle", "großbuchstaben", "rechtschreibung", "korrigiere", "übersetze", "übersetz", "übersetzung", "wie sagt man", "auf englisch", "auf deutsch"],
    "explain": ["erkläre", "erklär", "erklären", "warum", "wieso", "weshalb", "wie funktioniert", "was passiert wenn", "unterschied zwischen"],
    "write": ["schreib", "schreibe", "formuliere", "entwirf", "entwurf", "umschreiben", "e-mail", "mail", "brief", "nachricht an", "antwort an", "förmlicher", "verbessere"],
    "summarise": ["fasse", "zusammenfass*", "zusammenfassung", "kernpunkte"],
    "advise": ["plan", "plane", "reiseplan", "vergleich*", "empfiehl", "empfehlung", "vorschlag", "ideen", "rat", "tipps", "soll ich", "sollte ich", "lohnt sich", "vor- und nachteile", "rezept", "besser", "optionen", "hilf mir"],
    "code": ["funktion", "skript", "script", "code", "abfrage", "formel"],
    "build": ["implementiere", "implementieren", "baue", "bau mir", "entwickle", "erstelle", "dienst", "bibliothek"],
    "hard": ["beweise", "beweis", "beweisen", "zeige dass", "zeig dass", "satz von", "herleitung", "leite her", "architektur", "systemdesign", "race condition", "verklemmung", "sicherheitsaudit", "bedrohungsmodell", "rigoros"],
    "deep": ["analysiere", "analyse", "gründlich", "ausführlich", "optimier*", "refaktor*", "skalierb*", "nebenläufig*", "strategie", "bewerte", "auswirkungen", "randfälle", "entwirf ein", "abwägung*"],
    "research": ["studien", "forschung", "evidenz", "literatur", "metaanalyse", "klinische studien", "widersprechen sich", "was sagt die forschung"],
    "stakes": ["anwalt", "klage", "verklagen", "vertrag", "klausel", "steuer*", "finanzamt", "umsatzsteuer", "hypothek", "kredit", "investition", "investieren", "rente", "erbschaft", "erbe", "testament", "kündigung", "arbeitgeber", "abfindung", "symptom*", "medikament*", "dosis", "diagnose", "schwanger*", "operation", "mietvertrag", "vermieter", "mieter", "kaution", "gericht", "bußgeld", "aufenthaltstitel", "visum"],
    "symptom": ["hängt", "hängt sich auf", "stürzt ab", "friert ein", "blockiert", "manchmal", "langsam", "fehler", "funktioniert nicht"],
    "simpler": ["kurz", "kurz gesagt", "einfach erklärt", "für kinder", "in einem satz"],
    "effort": ["denk gründlich nach", "schritt für schritt", "denk genau nach"],
    "creative": ["gedicht", "geschichte", "witz", "lied", "trinkspruch", "rede"],
    "what_if": ["und wenn", "was ist wenn", "was wäre wenn", "angenommen"],
    "offer": ["soll ich", "möchtest du, dass ich", "ich kann auch", "wenn du willst, kann ich"],
    "continue": ["weiter", "mach weiter", "mehr", "den rest", "nächste"],
    "commit": ["ich muss", "ich werde", "nicht vergessen", "termin", "ich habe versprochen"],
    "when": ["morgen", "heute", "heute abend", "übermorgen", "nächste woche", "montag", "dienstag", "mittwoch", "donnerstag", "freitag", "samstag", "sonntag"],
    "done": ["erledigt", "gemacht", "fertig", "geschickt", "bezahlt", "abgesagt"],
    "question": ["was", "wer", "wo", "wann", "wie", "welche", "welcher", "welches", "ist", "gibt es", "warum"],
    "first_person": ["ich", "mein", "meine", "meinen", "mir", "mich", "wir", "unser", "unsere"],
}
# fmt: on
