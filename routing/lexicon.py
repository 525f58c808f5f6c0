"""Cue words the classifier looks for, in the languages the owner is likely to write.

Cues in space-separated scripts (Latin, Cyrillic) must start at a word boundary,
so "prove" does not match "improve". Hebrew, Arabic, Chinese, Japanese and Hindi
cues match anywhere, since prefixes attach to words or there are no spaces. All
cues are found in one Aho–Corasick pass: linear in the text, no backtracking.
"""

import re

import ahocorasick_rs

# Cues that are stems or phrases in space-separated scripts (Latin, Cyrillic).
# Cues in scripts without word boundaries that \b understands well (or where
# prefixes attach) go in the *_ANYWHERE lists.

# fmt: off
SOCIAL = [
    "bedankt", "dank je", "dankjewel", "dzięki", "dziękuję", "дякую", "спасибі", "cảm ơn", "terima kasih", "makasih", "got it thanks", "thanks a lot", "appreciate it",
    "nasılsın", "как дела", "qué tal", "que tal", "wie geht", "ça va", "tudo bem", "come stai",
    "hi", "hello", "hey", "heya", "yo", "sup", "good morning", "good night", "good evening",
    "morning", "thanks", "thank you", "thank u", "thx", "ty", "tysm", "cheers", "ok", "okay",
    "k", "kk", "cool", "great", "nice", "awesome", "perfect", "got it", "sounds good", "bye",
    "see you", "see ya", "lol", "haha", "np", "no worries", "sure", "yes", "no", "yep", "nope",
    "wow", "how are you", "how r u", "what's up", "whats up", "gm", "gn", "hola", "gracias",
    "buenos días", "buenos dias", "buenas noches", "vale", "genial", "adiós", "adios",
    "perfecto", "olá", "ola", "oi", "obrigado", "obrigada", "valeu", "beleza", "tchau", "ciao",
    "grazie", "buongiorno", "buonanotte", "perfetto", "bonjour", "salut", "merci", "bonne nuit",
    "d'accord", "parfait", "hallo", "danke", "guten morgen", "gute nacht", "tschüss",
    "alles klar", "merhaba", "teşekkürler", "teşekkür ederim", "sağol", "tamam", "günaydın",
    "привет", "спасибо", "здравствуй", "здравствуйте", "доброе утро", "спокойной ночи", "ок",
    "понял", "поняла", "пока", "отлично", "класс", "супер",
]
SOCIAL_ANYWHERE = [
    "감사", "고마워", "안녕", "धन्यवाद",
    "מה שלומך", "מה נשמע", "كيف حالك", "你好吗", "元気", "שלום", "תודה", "היי", "בוקר טוב",
    "לילה טוב", "סבבה", "אחלה", "מעולה", "مرحبا", "شكرا", "السلام عليكم", "صباح الخير",
    "تصبح على خير", "تمام", "أهلا", "اهلا", "你好", "谢谢", "早上好", "晚安", "好的", "再见", "多谢", "嗨",
    "こんにちは", "ありがとう", "おはよう", "おやすみ", "了解", "よろしく", "नमस्ते", "धन्यवाद", "शुक्रिया", "ठीक है",
    "👍", "🙏", "❤️", "😊", "😂", "👋",
]

# Simple asks: lookups, conversions, reminders, short translations.
LOOKUP = [
    "ile", "ile to", "hoeveel", "wat is", "скільки", "what is a", "whats a", "what's a", "what is an", "what's an", "fix the grammar", "grammar", "typo", "como se escreve", "como se escribe", "cómo se escribe", "quién", "quem", "what year", "en qué año", "in welchem jahr", "en quelle année", "em que ano", "в каком году", "hours behind", "hours ahead", "time difference", "nagadaj", "przypomnij", "herinner me", "нагадай",
    "wie hoch", "ab wann", "bis wann", "how high",
    "what time", "what's the time", "whats the time", "what date", "what day", "which date",
    "convert", "how many", "how much is", "how much does", "capital of", "define",
    "definition of", "meaning of", "what does", "synonym", "antonym", "spell", "spelling",
    "remind me", "reminder", "set a timer", "translate", "how do you say", "how old",
    "population of", "weather", "exchange rate", "in celsius", "in fahrenheit", "timezone",
    "time zone", "who wrote", "who sent", "who is", "who was", "who won", "when is", "when was",
    "when did", "where is", "is it true", "what year", "tip on", "percent of", "calories in",
    "plural of", "abbreviation", "stand for", "phone number", "opening hours", "how far",
    "in inches", "in cm", "to usd", "to eur", "qué hora", "que hora", "convierte", "convertir",
    "cuántos", "cuantos", "cuántas", "cuantas", "capital de", "qué significa", "que significa",
    "recuérdame", "recuerdame", "traduce", "cómo se dice", "como se dice", "cuánto es",
    "cuanto es", "qué día", "que horas", "converter", "converta", "quantos", "quantas",
    "capital do", "capital da", "o que significa", "lembre-me", "me lembra", "me lembre",
    "traduz", "traduza", "como se diz", "quanto é", "quanto custa", "che ore", "convertire",
    "converti", "quanti", "quante", "capitale d", "cosa significa", "ricordami", "traduci",
    "come si dice", "quanto fa", "quelle heure", "convertis", "combien", "que veut dire",
    "veut dire", "signifie", "rappelle-moi", "traduis", "traduire", "comment dit-on",
    "quel jour", "wie spät", "wie spat", "umrechnen", "rechne", "wie viele", "wieviel",
    "wie viel", "hauptstadt", "was bedeutet", "erinnere mich", "übersetze", "übersetz",
    "wie sagt man", "welcher tag", "welches datum", "saat kaç", "kaç", "başkenti", "ne demek",
    "hatırlat", "çevir", "который час", "сколько", "столица", "что значит", "что означает",
    "напомни", "переведи", "конвертируй", "переведи в", "как сказать", "какая дата",
    "какой день", "какое число", "what's the date", "whats the date", "how long",
    "how do u say", "how to say",
]
LOOKUP_ANYWHERE = [
    "몇", "얼마", "언제", "알려줘 시간", "몇 시",
    "מה השעה", "כמה ", "בירת", "מה זה אומר", "מה פירוש", "מה הפירוש", "תזכיר לי", "תזכורת",
    "תתרגם", "תרגם", "איך אומרים", "איזה תאריך", "באיזה תאריך", "מה התאריך", "كم الساعة", "كم ",
    "عاصمة", "ما معنى", "ذكرني", "ترجم", "حوّل", "كيف نقول", "ما التاريخ", "أي يوم", "几点", "多少",
    "首都", "什么意思", "提醒我", "翻译", "换算", "怎么说", "哪天", "几号", "何時", "いくつ", "どういう意味", "リマインド", "翻訳",
    "換算", "何と言う", "何日", "いくら", "कितने", "कितना", "राजधानी", "मतलब", "याद दिला", "अनुवाद",
    "कितने बजे",
]

# Asks that usually need the strongest model.
HARD_STRONG = [
    "show every", "show the work", "show your work", "independent of zfc",
    "udowodnij", "bewijs", "доведи", "stride",
    "show that", "zeig dass", "zeige dass", "montre que", "muestra que", "mostre que", "mostra che", "покажи что", "undecidable",
    "prove", "proof", "theorem", "lemma", "derive", "derivation", "rigorous", "system design",
    "design a system", "design an architecture", "architecture for", "race condition",
    "deadlock", "livelock", "lock-free", "lockfree", "wait-free", "memory ordering",
    "data race", "heisenbug", "threat model", "security audit", "audit the security",
    "trade-off", "tradeoff", "trade off", "formal verification", "consensus protocol",
    "distributed system", "exactly-once", "byzantine", "np-hard", "asymptotic", "induction",
    "contradiction", "counterexample", "irrational", "infinitely many", "demuestra",
    "demostrar", "demostración", "demostracion", "teorema", "arquitectura",
    "condición de carrera", "condicion de carrera", "interbloqueo", "auditoría de seguridad",
    "demonstre", "demonstrar", "demonstração", "prove que", "arquitetura",
    "condição de corrida", "dimostra", "dimostrare", "dimostrazione", "architettura",
    "démontre", "démontrer", "démonstration", "preuve", "théorème", "interblocage",
    "audit de sécurité", "beweise", "beweis", "architektur", "verklemmung", "sicherheitsaudit",
    "bedrohungsmodell", "kanıtla", "ispatla", "teorem", "mimari", "kilitlenme", "докажи",
    "доказать", "доказательство", "теорем", "архитектур", "состояние гонки", "гонка данных",
    "гонки данных", "дедлок", "взаимоблокир", "взаимная блокировка", "аудит безопасности",
    "модель угроз", "компромисс", "formally", "formal proof", "formalize", "demuéstr", "demostr", "demonstr", "dimostr",
    "démontr",
]
HARD_STRONG_ANYWHERE = [
    "증명", "위협 모델",
    "תוכיח", "להוכיח", "הוכיחו", "תראה ש", "证明一下", "أثبتي",
    "הוכח", "הוכיח", "הוכחה", "ארכיטקטורה", "תכנון מערכת", "מצב מרוץ", "דדלוק", "ביקורת אבטחה",
    "מודל איומים", "أثبت", "اثبت", "برهن", "برهان", "مبرهنة", "معمارية", "تصميم نظام",
    "حالة سباق", "الجمود", "تدقيق أمني", "نموذج التهديد", "证明", "定理", "推导", "架构", "系统设计", "竞态",
    "死锁", "权衡", "安全审计", "威胁模型", "証明", "導出", "アーキテクチャ", "システム設計", "競合状態", "デッドロック", "トレードオフ",
    "セキュリティ監査", "脅威モデル", "सिद्ध", "प्रमेय", "आर्किटेक्चर", "डेडलॉक",
]

# Asks for depth: analysis, optimisation, concurrency, maths.
HARD_MEDIUM = [
    "open problem", "state of the art", "actually known", "what's known", "independent of",
    "abelian", "group of order", "expected number", "generalize", "generalise", "monolith", "event sourcing", "sample size", "peeking", "peeked", "statistical power", "schema changes", "extract",
    "design a", "design an", "design the", "diseña", "diseñar", "conçois", "concevoir", "projete", "progetta", "tasarla", "спроектируй", "спроектировать",
    "significant", "significance", "confidence interval", "p-value", "statistical",
    "failure mode", "idempot", "dedup", "exactly once", "linearizab", "atomic",
    "double-checked", "volatile", "memory model", "happens-before", "converge", "series",
    "integral", "eigen", "polynomial", "isomorphism", "probability", "expected value",
    "paradox", "causal", "invariant", "lower bound", "upper bound", "crdt", "consensus",
    "failover", "saga", "取舍", "厳密", "rigor", "плюсы и минусы", "artıları ve eksileri",
    "vor- und nachteile", "avantages et inconvénients", "pro e contro", "prós e contras",
    "ventajas y desventajas", "architect", "pros and cons", "analyze", "analyse", "analysis",
    "in depth", "in-depth", "thorough", "comprehensive", "step by step", "optimize", "optimise",
    "refactor", "scalab", "concurren", "distributed", "strategy", "evaluate", "critique",
    "implications", "edge cases", "corner cases", "complexity", "migrate", "migration",
    "microservice", "sharding", "replication", "consistency", "throughput", "latency",
    "bottleneck", "memory leak", "segfault", "vulnerab", "exploit", "encrypt", "cryptograph",
    "algorithm", "compiler", "kernel", "mutex", "semaphore", "thread-safe", "thread safe",
    "async", "rigorously", "statistically", "regression model", "simulate", "quantitative",
    "forecast", "analiza", "analizar", "análisis", "a fondo", "optimiza", "refactoriz",
    "escalab", "concurrencia", "estrategia", "analise", "análise", "otimiz", "refator",
    "escalabil", "concorrência", "estratégia", "analizza", "approfondit", "ottimizz",
    "scalabil", "concorrenza", "strategia", "approfondi", "concurrence", "stratégie",
    "analysiere", "gründlich", "optimier", "refaktor", "skalierb", "nebenläufig", "strategie",
    "analiz et", "optimize et", "strateji", "проанализируй", "анализ", "подробно", "оптимизир",
    "рефактор", "масштабир", "многопоточ", "конкурентн", "стратеги", "уязвим", "алгоритм",
]
HARD_MEDIUM_ANYWHERE = [
    "微服务", "单体", "拆分", "아키텍처", "동시성",
    "תכנן", "תתכנן", "صمم", "设计", "設計",
    "教えて", "作って", "おすすめ", "推荐", "帮我", "请给", "ساعدني", "תעזור", "תמליץ", "बताओ", "बताइए",
    "取舍", "厳密", "一致性", "分布式", "整合性", "分散", "π", "∑", "∫", "²", "फायदे और नुकसान", "長所と短所", "利弊",
    "مزايا وعيوب", "יתרונות וחסרונות", "נתח", "ניתוח", "לעומק", "אופטימיז", "ריפקטור", "מקבילי",
    "אסטרטגי", "חולשת אבטחה", "حلل", "تحليل", "بعمق", "تحسين الأداء", "إعادة هيكلة", "التزامن",
    "استراتيجية", "ثغرة", "分析", "深入", "优化", "重构", "并发", "可扩展", "策略", "漏洞", "算法", "分析して", "詳しく",
    "最適化", "リファクタ", "並行", "スケーラ", "戦略", "脆弱性", "アルゴリズム", "विश्लेषण", "विस्तार से", "रणनीति",
]

# Legal, medical, financial and security stakes.
STAKES = [
    "podatek", "umowa", "belasting", "huurcontract", "податок", "договір", "оренд",
    "tributa", "mais-valia", "plusvalía", "plus-value", "indemniz", "baja médica", "despid", "severance",
    "prescribed", "mg", "inr", "kidney", "doctor", "vesting", "equity", "shares",
    "capital gain", "dilution", "valuation", "employer", "fired", "terminate", "harass",
    "notice period", "inherit", "will and", "licencier", "employeur", "harcèlement", "prêt",
    "héritage", "succession", "herencia", "falleció", "faturando", "lucro", "despido", "доход",
    "увол", "наследств", "kündigung", "arbeitgeber", "erbschaft", "licenziare", "lawyer",
    "attorney", "sue", "lawsuit", "court", "lease", "landlord", "tenant", "contract", "clause",
    "liability", "custody", "divorce", "visa", "immigration", "deport", "tax", "taxes", "irs",
    "audit", "invest", "portfolio", "mortgage", "loan", "retirement", "pension", "401k", "ira",
    "estate", "inheritance", "bankrupt", "diagnos", "symptom", "medication", "dosage", "dose",
    "pregnan", "surgery", "chest pain", "cancer", "tumor", "blood pressure", "insulin",
    "side effect", "drug interaction", "breach", "hacked", "ransomware", "gdpr", "hipaa",
    "compliance", "abogado", "demanda", "contrato", "impuesto", "hipoteca", "inversión",
    "síntoma", "medicamento", "advogado", "processo", "imposto", "investimento", "sintoma",
    "avvocato", "contratto", "tasse", "mutuo", "sintomo", "avocat", "procès", "bail",
    "propriétaire", "impôt", "médicament", "anwalt", "klage", "mietvertrag", "vermieter",
    "kaution", "steuer", "hypothek", "symptome", "medikament", "avukat", "dava", "sözleşme",
    "vergi", "адвокат", "юрист", "суд", "иск", "договор", "аренд", "налог", "ипотек", "инвест",
    "симптом", "лекарств", "диагноз",
]
STAKES_ANYWHERE = [
    "세금", "계약", "집주인", "변호사",
    "ضرائب", "ממוס", "מיסוי", "税金", "纳税", "个税",
    "药", "医生", "血压", "糖尿病", "剂量", "قانوني", "قرض", "راتب", "طبيب", "डॉक्टर", "दवाएं", "רופא",
    "משכורת", "פיטור", "ירושה", "医者", "解雇", "相続", "遗产", "辞退", "עורך דין", "תביעה", "חוזה",
    "שכירות", "משכיר", "מס ", "משכנתא", "השקע", "תסמינ", "תרופ", "אבחנה", "محامي", "دعوى",
    "عقد", "إيجار", "ضريب", "رهن عقاري", "استثمار", "أعراض", "دواء", "تشخيص", "律师", "诉讼", "合同",
    "租约", "房东", "税", "贷款", "投资", "症状", "药物", "诊断", "弁護士", "訴訟", "契約", "家主", "税金", "ローン", "投資",
    "薬", "診断", "वकील", "मुकदमा", "अनुबंध", "कर ", "निवेश", "लक्षण", "दवा",
]

# Ordinary substantive work: writing, explaining, small code, plans, comparisons.
MEDIUM = [
    "napisz", "wyjaśnij", "schrijf", "leg uit", "напиши", "поясни", "consigli", "consejos", "conseils", "dicas", "tipps", "советы", "порадь",
    "explain", "why", "how does", "how do i", "how can i", "how to", "how should", "write",
    "draft", "rewrite", "reword", "rephrase", "summarize", "summarise", "summary", "fix",
    "debug", "function", "script", "code", "regex", "sql", "query", "plan", "itinerary",
    "recipe", "compare", "vs", "versus", "brainstorm", "ideas", "suggest", "advice",
    "recommend", "help me", "email", "letter", "essay", "review", "improve", "outline",
    "cover letter", "workout", "schedule", "budget", "difference between", "should i",
    "what's the best", "what is the best", "make it", "now in", "shorter", "longer",
    "more formal", "continue", "example", "examples", "list", "tips", "explica", "explícame",
    "escribe", "redacta", "resume", "resumen", "arregla", "función", "receta", "compara",
    "consejo", "por qué", "porque", "cómo puedo", "explique", "escreva", "escreve", "resuma",
    "corrija", "função", "plano", "receita", "ideias", "conselho", "por que", "como posso",
    "spiega", "scrivi", "riassumi", "correggi", "funzione", "piano", "ricetta", "confronta",
    "idee", "consiglio", "perché", "come posso", "écris", "rédige", "résume", "corrige",
    "fonction", "recette", "idées", "conseil", "pourquoi", "comment puis-je", "erkläre",
    "erklär", "schreib", "entwirf", "fasse", "zusammenfass", "behebe", "funktion", "rezept",
    "vergleich", "ideen", "rat", "warum", "wie kann ich", "açıkla", "yaz", "özetle", "düzelt",
    "fonksiyon", "tarif", "karşılaştır", "öneri", "neden", "nasıl", "объясни", "напиши",
    "составь", "перескажи", "кратко", "исправь", "функци", "скрипт", "план", "рецепт", "сравни",
    "идеи", "совет", "почему", "как мне", "как сделать", "better", "best", "mejor", "melhor",
    "meglio", "besser", "mieux", "лучше", "diferencia", "diferença", "différence",
    "unterschied", "differenza", "разница", "отличие", "fark", "expliquer", "explicar",
]
MEDIUM_ANYWHERE = [
    "써줘", "설명", "추천", "알려줘",
    "תסביר", "הסבר", "כתוב", "תכתוב", "תנסח", "נסח", "סכם", "תסכם", "תקן", "פונקציה", "סקריפט",
    "תוכנית", "מתכון", "השווה", "תשווה", "רעיונות", "עצה", "למה", "איך ", "اشرح", "اكتب", "لخص",
    "صحح", "دالة", "خطة", "وصفة", "قارن", "أفكار", "نصيحة", "لماذا", "كيف ", "解释", "写", "总结",
    "修复", "函数", "脚本", "计划", "食谱", "比较", "建议", "为什么", "怎么", "説明", "書いて", "要約", "修正", "関数",
    "スクリプト", "計画", "レシピ", "比較", "アイデア", "アドバイス", "なぜ", "どうやって", "समझाओ", "समझाइए", "लिखो",
    "लिखिए", "सारांश", "योजना", "तुलना", "सलाह", "क्यों", "कैसे", "ההבדל", "הבדל", "עדיף", "区别",
    "哪个好", "更好", "違い", "どっち", "どうすれば", "الفرق", "أفضل",
]

# Words that make a hard-sounding ask a light one ("no math pls", "just the basics").
SIMPLER = [
    "no math", "eli5", "like i'm", "like im", "for kids", "to a kid", "simple terms", "basic", "basics",
    "beginner", "for a kid", "year old", "for a blog", "hobby", "in short", "briefly",
    "in a word", "one sentence", "en resumen", "kurz", "en bref", "resumidamente", "in breve",
    "вкратце", "кратко", "простыми словами",
]
SIMPLER_ANYWHERE = [
    "בקצרה", "במילים פשוטות", "باختصار", "简单说", "简单地", "簡単に", "一言で",
]

# A bug to hunt: hangs, races, leaks, crashes that come and go.
DEBUG = [
    "hang", "hangs", "freezes", "frozen", "stuck", "deadlock", "crash", "crashes", "race", "leak",
    "intermittent", "sometimes", "randomly", "only in prod", "in production", "se bloque",
    "se cuelga", "se congela", "trava", "si blocca", "hängt", "blockiert", "зависает", "падает",
    "виснет", "утечка", "takılıyor",
]
DEBUG_ANYWHERE = ["נתקע", "קורס", "يتجمد", "يتعطل", "卡住", "挂起", "卡死", "崩溃", "固ま", "止ま", "落ちる", "たまに"]

# Creative writing: its topic words ("prove", "contract") are content, not the task.
CREATIVE = [
    "poem", "story", "joke", "toast", "song", "limerick", "lyrics", "speech", "caption",
    "birthday", "poema", "cuento", "canción", "gedicht", "geschichte", "poème", "histoire",
    "poesia", "storia", "стих", "поэм", "рассказ", "шутк", "wiersz",
]
CREATIVE_ANYWHERE = ["שיר", "בדיחה", "قصيدة", "نكتة", "诗", "笑话", "詩", "ジョーク", "시를"]

# Writing or explaining: with stakes, these are ordinary work ("email my landlord").
WRITING = [
    "write", "draft", "email", "letter", "mail", "reply", "message", "scrivi", "escribe",
    "escreva", "escreve", "schreib", "écris", "rédige", "напиши", "napisz", "schrijf",
    "explain", "explica", "explique", "erklär", "spiega", "объясни", "how does", "how do",
]
WRITING_ANYWHERE = ["תכתוב", "כתוב", "תסביר", "اكتب", "اشرح", "写", "邮件", "解释", "書いて", "メール", "説明", "써줘", "설명"]

# A follow-up that adds a new condition to the thread ("and what if he ...").
WHAT_IF = [
    "what if", "and if", "what happens if", "y si", "und wenn", "was ist wenn", "et si",
    "e se", "а если", "а что если", "i co jeśli", "en als",
]
WHAT_IF_ANYWHERE = ["ומה אם", "ומה קורה אם", "מה אם", "وماذا لو", "ماذا لو", "如果", "要是", "もし", "만약"]

# The owner speaking of their own situation.
FIRST_PERSON = [
    "i", "i'm", "im", "my", "me", "we", "our", "je", "j", "mon", "ma", "mes", "nous", "yo",
    "mi", "mis", "tengo", "ich", "mein", "meine", "wir", "unser", "eu", "meu", "minha", "tenho",
    "io", "mio", "mia", "ho", "я", "мой", "моя", "мне", "меня", "мы", "ben", "benim",
]
FIRST_PERSON_ANYWHERE = ["אני", "שלי", "לי ", "أنا", "لدي", "عندي", "我", "私", "मेरे", "मैं"]

# Words that open a question of fact ("when is the vote?"), not of judgement.
FACT_WORDS = {
    "what", "whats", "when", "who", "where", "which", "how", "wann", "wer", "wo", "welche",
    "welcher", "wie", "quand", "qui", "où", "quel", "quelle", "cuándo", "cuando", "quién",
    "dónde", "cuál", "qual", "quando", "quem", "onde", "quale", "chi", "dove", "когда", "кто",
    "где", "какой", "какая", "сколько", "מתי", "מי", "איפה", "איזה", "כמה", "متى", "من", "أين",
    "كم", "ile", "kiedy", "wanneer", "hoeveel", "welke",
}

# Words that open a plain question.
QUESTION_WORDS = {
    "what",
    "what's",
    "whats",
    "which",
    "who",
    "whom",
    "whose",
    "where",
    "when",
    "is",
    "are",
    "does",
    "do",
    "did",
    "can",
    "was",
    "were",
    "qué",
    "que",
    "cuál",
    "cual",
    "quién",
    "dónde",
    "cuándo",
    "wer",
    "wo",
    "wann",
    "welche",
    "welcher",
    "welches",
    "ist",
    "quel",
    "quelle",
    "qui",
    "où",
    "quand",
    "est-ce",
    "qual",
    "quem",
    "onde",
    "quando",
    "cosa",
    "quale",
    "chi",
    "dove",
    "что",
    "какой",
    "какая",
    "какое",
    "кто",
    "где",
    "когда",
    "מה",
    "מי",
    "איפה",
    "מתי",
    "איזה",
    "האם",
    "ما",
    "من",
    "أين",
    "متى",
    "أي",
    "هل",
    "ne",
    "kim",
    "nerede",
}


# fmt: on


class CueIndex:
    """All cue families in one Aho–Corasick automaton: one linear pass finds every cue.

    Cues from the spaced lists must start at a word boundary. Shorter than five
    characters, they must also end at one, give or take a plural or verb ending
    ("fix", "fixes"); five or more, they are stems ("analy" finds "analysis").
    Cues from the *_ANYWHERE lists match anywhere.
    """

    ENDINGS = ("s", "es", "ed", "ing")

    def __init__(self, families: dict[str, tuple[list[str], list[str]]]) -> None:
        self.names = list(families)
        entries: dict[str, list[tuple[str, str]]] = {}
        for name, (spaced, anywhere) in families.items():
            for cue in spaced:
                kind = "stem" if len(cue) >= 5 and " " not in cue else "word"
                entries.setdefault(cue.lower(), []).append((name, kind))
            for cue in anywhere:
                entries.setdefault(cue.lower(), []).append((name, "anywhere"))
        self.cues = list(entries)
        self.where = [tuple(entries[cue]) for cue in self.cues]
        self.automaton = ahocorasick_rs.AhoCorasick(self.cues)

    def _ends_word(self, text: str, after: int) -> bool:
        if after >= len(text) or not _word_char(text[after]):
            return True
        for ending in self.ENDINGS:
            stop = after + len(ending)
            if text.startswith(ending, after) and (stop >= len(text) or not _word_char(text[stop])):
                return True
        return False

    def find(self, text: str, skip: list[tuple[int, int]] = ()) -> dict[str, list[str]]:
        """Distinct cues per family in `text` (already lowercased), in order of appearance.

        Matches that start inside a `skip` span (quoted text) are left out.
        """
        found: dict[str, dict[str, None]] = {name: {} for name in self.names}
        done: set[str] = set()
        try:
            matches = self.automaton.find_matches_as_indexes(text, overlapping=True)
        except UnicodeEncodeError:  # lone surrogates: one "?" each keeps the offsets
            text = text.encode("utf-8", "replace").decode("utf-8")
            matches = self.automaton.find_matches_as_indexes(text, overlapping=True)
        for index, start, stop in matches:
            cue, where = self.cues[index], self.where[index]
            if cue in done:
                continue
            end = stop - 1
            if skip and any(low <= start < high for low, high in skip):
                continue
            starts_word = start == 0 or not _word_char(text[start - 1])
            matched = 0
            for name, kind in where:
                if kind == "anywhere" or (
                    starts_word and (kind == "stem" or self._ends_word(text, end + 1))
                ):
                    found[name][cue] = None
                    matched += 1
            if matched == len(where):
                done.add(cue)
        return {name: list(cues) for name, cues in found.items()}


def _word_char(char: str) -> bool:
    return char.isalnum() or char == "_"


TOKEN = re.compile(r"\w+")
CUES = CueIndex(
    {
        "lookup": (LOOKUP, LOOKUP_ANYWHERE),
        "hard": (HARD_STRONG, HARD_STRONG_ANYWHERE),
        "deep": (HARD_MEDIUM, HARD_MEDIUM_ANYWHERE),
        "stakes": (STAKES, STAKES_ANYWHERE),
        "task": (MEDIUM, MEDIUM_ANYWHERE),
        "simpler": (SIMPLER, SIMPLER_ANYWHERE),
        "debug": (DEBUG, DEBUG_ANYWHERE),
        "creative": (CREATIVE, CREATIVE_ANYWHERE),
        "writing": (WRITING, WRITING_ANYWHERE),
        "what_if": (WHAT_IF, WHAT_IF_ANYWHERE),
    }
)
# Run only on short texts: its many one- and two-letter words would slow a long scan.
SOCIAL_CUES = CueIndex({"social": (SOCIAL, SOCIAL_ANYWHERE)})
FIRST_PERSON_WORDS = re.compile(
    r"(?<!\w)(?:"
    + "|".join(re.escape(w) for w in FIRST_PERSON)
    + r")(?!\w)"
    + "|"
    + "|".join(re.escape(w) for w in FIRST_PERSON_ANYWHERE)
)
