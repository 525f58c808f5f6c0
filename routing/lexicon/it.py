"""Italian cues."""

SPACED = True
ENDINGS = ()

# fmt: off
CUES = {
    "design": ["progetta", "progettare", "progettazione"],
    "greeting": ["ciao", "buongiorno", "buonasera", "salve", "come stai", "come va", "tutto bene", "ahah", "ahahah"],
    "thanks": ["grazie", "grazie mille", "perfetto", "va bene", "ok grazie", "buonanotte", "a dopo", "ci sentiamo", "capito", "d'accordo"],
    "affirm": ["sì", "certo", "vai", "fallo", "procedi", "sì grazie", "va bene fallo", "entrambi", "tutti e due"],
    "lookup": ["che ore", "quanti", "quante", "quanto costa", "quanto fa", "capitale d", "cosa significa", "che cos'è", "cos'è", "chi è", "chi era", "quando è", "dov'è", "in che anno", "come si scrive", "converti", "convertire", "in euro", "fuso orario", "qual è"],
    "remind": ["ricordami", "promemoria", "avvisami", "metti una sveglia"],
    "arithmetic": ["per cento", "% di", "più", "meno", "diviso", "calcola", "quanto viene", "mancia", "la metà di"],
    "format": ["ordina", "in ordine", "ordine alfabetico", "fai una lista", "elenco", "tabella", "maiuscole", "correggi l'ortografia", "ortografia", "traduci", "tradurre", "traduzione", "come si dice", "in inglese", "in italiano"],
    "explain": ["spiega", "spiegami", "perché", "come funziona", "cosa succede se", "differenza tra"],
    "write": ["scrivi", "scrivimi", "redigi", "riscrivi", "email", "mail", "lettera", "messaggio per", "rispondi", "più formale", "migliora"],
    "summarise": ["riassumi", "riassunto", "punti chiave"],
    "advise": ["piano", "pianifica", "itinerario", "confronta", "consiglia", "consigli", "consiglio", "suggerisci", "idee", "dovrei", "conviene", "pro e contro", "ricetta", "meglio", "opzioni", "aiutami"],
    "code": ["funzione", "script", "codice", "query", "formula"],
    "build": ["implementa", "costruisci", "sviluppa", "crea un", "crea una", "servizio", "libreria", "motore"],
    "hard": ["dimostra", "dimostrare", "dimostrazione", "teorema", "lemma", "architettura", "condizione di gara", "audit di sicurezza", "modello delle minacce", "rigoroso"],
    "deep": ["analizza", "analisi", "approfondit*", "in profondità", "ottimizz*", "scalabil*", "concorrenza", "strategia", "valuta", "implicazioni", "casi limite", "progetta"],
    "research": ["studi", "ricerche", "evidenze", "letteratura", "meta-analisi", "sperimentazioni", "studi clinici", "discordano", "cosa dice la ricerca"],
    "stakes": ["avvocato", "causa", "contratto", "clausola", "tasse", "fisco", "partita iva", "mutuo", "investimento", "investire", "pensione", "eredità", "testamento", "licenziamento", "licenzia*", "sintom*", "farmac*", "dose", "diagnosi", "gravidanza", "intervento chirurgico", "affitto", "padrone di casa", "tribunale", "multa", "risarcimento"],
    "symptom": ["si blocca", "si pianta", "crasha", "a volte", "lento", "errore", "non funziona"],
    "simpler": ["in breve", "in parole semplici", "per bambini", "semplice", "in una frase"],
    "effort": ["pensaci bene", "passo passo", "passo dopo passo", "ragiona con attenzione"],
    "creative": ["poesia", "storia", "barzelletta", "canzone", "brindisi", "racconto"],
    "what_if": ["e se", "cosa succede se", "supponiamo"],
    "offer": ["vuoi che", "posso scrivere", "se vuoi, ti"],
    "continue": ["continua", "vai avanti", "altro", "il resto"],
    "commit": ["devo", "dovrò", "ho promesso", "non dimenticare", "appuntamento", "farò"],
    "when": ["domani", "oggi", "stasera", "dopodomani", "la prossima settimana", "lunedì", "martedì", "mercoledì", "giovedì", "venerdì", "sabato", "domenica"],
    "done": ["fatto", "finito", "inviato", "pagato", "annullato"],
    "question": ["che", "cosa", "quale", "chi", "dove", "quando", "come", "quanto", "c'è", "è"],
    "first_person": ["io", "mio", "mia", "miei", "mie", "ho", "noi", "nostro"],
}
# fmt: on
