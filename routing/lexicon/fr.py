"""French cues."""

SPACED = True
ENDINGS = ("s", "es", "e")

# fmt: off
CUES = {
    "design": ["conçois", "concevoir", "conception de"],
    "greeting": ["bonjour", "salut", "coucou", "bonsoir", "ça va", "ca va", "comment vas-tu", "comment allez-vous", "mdr", "haha"],
    "thanks": ["merci", "merci beaucoup", "d'accord", "parfait", "super", "bonne nuit", "à plus", "a plus", "à bientôt", "au revoir", "bisous", "compris", "c'est noté", "ok merci"],
    "affirm": ["oui", "ouais", "bien sûr", "vas-y", "vas y", "allez", "fais-le", "oui s'il te plaît", "oui stp", "ok vas-y", "d'accord fais-le", "les deux"],
    "lookup": ["quelle heure", "combien", "capitale de", "que veut dire", "veut dire", "signifie", "c'est quoi", "qu'est-ce que", "qui est", "qui a", "quand est", "où est", "en quelle année", "comment s'écrit", "convertis", "convertir", "en euros", "décalage horaire", "quel est", "quelle est"],
    "remind": ["rappelle-moi", "rappelle moi", "rappel", "mets une alarme", "préviens-moi"],
    "arithmetic": ["pour cent", "% de", "plus", "moins", "divisé par", "fois", "calcule", "ça fait combien", "pourboire", "la moitié de"],
    "format": ["trie", "trier", "par ordre", "ordre alphabétique", "fais une liste", "liste", "tableau", "majuscules", "corrige l'orthographe", "orthographe", "corrige les fautes", "traduis", "traduire", "traduction", "comment dit-on", "comment on dit", "en anglais", "en français"],
    "explain": ["explique", "explique-moi", "expliquer", "pourquoi", "comment fonctionne", "comment marche", "qu'est-ce qui se passe si", "différence entre"],
    "write": ["écris", "écris-moi", "rédige", "réécris", "reformule", "mail", "e-mail", "courriel", "lettre", "message pour", "réponds", "plus formel", "améliore", "relis"],
    "summarise": ["résume", "résumé", "résumer", "points clés"],
    "advise": ["plan", "planifie", "itinéraire", "compare", "recommande", "conseille", "suggère", "idées", "conseil", "conseils", "devrais-je", "est-ce que je devrais", "ça vaut le coup", "avantages et inconvénients", "recette", "mieux", "options", "aide-moi"],
    "code": ["fonction", "script", "code", "requête", "formule"],
    "build": ["implémente", "implémenter", "construis", "développe", "crée un", "crée une", "service", "moteur", "bibliothèque"],
    "hard": ["démontre", "démontrer", "démonstration", "preuve", "prouve", "théorème", "lemme", "architecture", "condition de course", "interblocage", "audit de sécurité", "modèle de menace", "rigoureu*"],
    "deep": ["analyse", "analyser", "approfondi*", "en profondeur", "optimise", "optimiser", "refactor*", "scalabilit*", "concurrence", "stratégie", "évalue", "implications", "cas limites", "conçois", "concevoir", "compromis"],
    "research": ["études", "recherches", "données probantes", "preuves scientifiques", "littérature", "méta-analyse", "essais cliniques", "se contredisent", "divergent", "que dit la recherche", "que disent les études"],
    "stakes": ["avocat", "procès", "poursuivre", "contrat", "clause", "impôt*", "fisc", "tva", "prêt", "hypothèque", "crédit immobilier", "investissement", "investir", "retraite", "héritage", "succession", "testament", "licenci*", "employeur", "harcèlement", "symptôme*", "médicament*", "posologie", "dose", "diagnostic", "enceinte", "grossesse", "chirurgie", "bail", "propriétaire", "locataire", "tribunal", "amende", "plus-value"],
    "symptom": ["plante", "bloque", "se fige", "crash", "parfois", "lent", "erreur", "ne marche pas", "ne fonctionne pas"],
    "simpler": ["en bref", "simplement", "pour enfants", "basique", "en une phrase", "en quelques mots"],
    "effort": ["réfléchis bien", "étape par étape", "raisonne soigneusement"],
    "creative": ["poème", "histoire", "blague", "chanson", "discours", "conte"],
    "what_if": ["et si", "qu'est-ce qui se passe si", "supposons"],
    "offer": ["veux-tu que", "tu veux que", "voulez-vous que", "je peux rédiger", "si tu veux, je"],
    "continue": ["continue", "vas-y continue", "la suite", "encore", "suivant"],
    "commit": ["je dois", "il faut que", "je vais", "n'oublie pas", "rendez-vous", "rdv", "j'ai promis"],
    "when": ["demain", "aujourd'hui", "ce soir", "cet après-midi", "la semaine prochaine", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche", "après-demain"],
    "done": ["fait", "c'est fait", "terminé", "envoyé", "payé", "annulé"],
    "question": ["que", "quoi", "quel", "quelle", "qui", "où", "quand", "comment", "combien", "est-ce", "est-ce que"],
    "first_person": ["je", "j", "moi", "mon", "ma", "mes", "nous", "notre", "nos"],
}
# fmt: on
