"""Spanish cues."""

SPACED = True
ENDINGS = ("s", "es")

# fmt: off
CUES = {
    "design": ["diseña", "diseñar", "diseño de"],
    "greeting": ["hola", "buenos días", "buenos dias", "buenas", "buenas tardes", "qué tal", "que tal", "cómo estás", "como estas", "cómo vas", "jaja", "jajaja", "qué onda"],
    "thanks": ["gracias", "muchas gracias", "mil gracias", "vale", "genial", "perfecto", "buenas noches", "adiós", "adios", "hasta luego", "nos vemos", "entendido", "de acuerdo", "listo", "chao", "un abrazo"],
    "affirm": ["sí", "claro", "dale", "adelante", "hazlo", "vale hazlo", "sí por favor", "si porfa", "perfecto hazlo", "venga", "por supuesto", "los dos", "ambos", "el primero", "el segundo"],
    "lookup": ["qué hora", "que hora", "qué día", "que dia", "cuántos", "cuantos", "cuántas", "cuantas", "cuánto es", "cuanto es", "cuánto cuesta", "cuanto cuesta", "capital de", "qué significa", "que significa", "qué es", "que es un", "qué es un", "quién", "quien es", "cuándo", "cuando es", "dónde", "donde esta", "en qué año", "en que año", "cómo se escribe", "como se escribe", "convierte", "convertir", "pasa a", "en euros", "en dólares", "diferencia horaria", "el tiempo en", "cuál es", "cual es"],
    "remind": ["recuérdame", "recuerdame", "recordatorio", "pon una alarma", "avísame", "avisame", "cancela el recordatorio"],
    "arithmetic": ["por ciento", "% de", "más", "menos", "dividido", "multiplicado", "por cada", "la mitad de", "calcula", "cuánto sale", "cuanto sale", "propina", "cuánto le toca", "suma"],
    "format": ["ordena", "ordénalos", "ordenar", "alfabético", "alfabeticamente", "haz una lista", "en una lista", "haz una tabla", "en una tabla", "tabla", "mayúsculas", "minúsculas", "corrige la ortografía", "corrige las faltas", "ortografía", "traduce", "tradúceme", "traducir", "traducción", "cómo se dice", "como se dice", "al inglés", "al español", "al portugués", "al italiano"],
    "explain": ["explica", "explícame", "explicame", "explicar", "por qué", "porque", "cómo funciona", "como funciona", "qué pasa si", "ayúdame a entender", "diferencia entre"],
    "write": ["escribe", "escríbeme", "redacta", "redáctame", "reescribe", "correo", "email", "carta", "mensaje para", "responde a", "contesta a", "más formal", "mas formal", "más corto", "mejora", "revisa"],
    "summarise": ["resume", "resúmeme", "resumen", "resumir", "puntos clave", "en resumen"],
    "advise": ["plan", "planifica", "itinerario", "compara", "recomienda", "recomiéndame", "sugiere", "ideas", "consejo", "consejos", "debería", "deberia", "qué me conviene", "vale la pena", "ventajas y desventajas", "pros y contras", "receta", "mejor", "opciones", "ayúdame"],
    "code": ["función", "funcion", "script", "código", "codigo", "consulta", "fórmula", "formula"],
    "build": ["implementa", "implementar", "construye", "desarrolla", "crea un", "crea una", "programa un", "servicio", "motor", "biblioteca", "librería"],
    "hard": ["demuestra", "demostrar", "demostración", "demostracion", "teorema", "lema", "deriva", "arquitectura", "diseño de sistema", "diseña un sistema", "condición de carrera", "condicion de carrera", "interbloqueo", "auditoría de seguridad", "modelo de amenazas", "riguroso"],
    "deep": ["analiza", "analizar", "análisis", "analisis", "a fondo", "en profundidad", "optimiza", "optimizar", "refactoriz*", "escalab*", "concurrencia", "estrategia", "evalúa", "evalua", "implicaciones", "casos límite", "compromisos", "diseña", "diseñar", "cláusulas", "interacción entre", "cómo interactúan"],
    "research": ["estudios", "investigaciones", "evidencia", "la literatura", "metaanálisis", "ensayos", "ensayos clínicos", "discrepan", "contradicen", "qué dice la investigación", "qué dicen los estudios"],
    "stakes": ["abogado", "demanda", "demandar", "contrato", "cláusula", "clausula", "impuesto*", "hacienda", "autónomo", "autonoma", "autónoma", "irpf", "iva", "hipoteca", "inversión", "invertir", "pensión", "jubilación", "herencia", "testamento", "despido", "despid*", "indemnizaci*", "baja médica", "síntoma*", "sintoma*", "medicamento*", "dosis", "diagnóstico", "embarazo", "cirugía", "alquiler", "casero", "arrendamiento", "arbitraje", "juzgado", "tribunal", "multa", "plusvalía"],
    "symptom": ["se cuelga", "se bloquea", "se congela", "se cae", "falla", "fallan", "a veces", "solo en producción", "lento", "error", "errores", "no funciona"],
    "simpler": ["en pocas palabras", "en resumen", "para niños", "fácil", "sencillo", "básico", "breve", "brevemente", "en una frase"],
    "effort": ["piensa bien", "piénsalo bien", "paso a paso", "razona con cuidado", "con tu mejor razonamiento"],
    "creative": ["poema", "cuento", "chiste", "canción", "brindis", "historia", "eslogan"],
    "what_if": ["y si", "qué pasa si", "que pasa si", "y qué pasa si", "suponiendo", "supongamos"],
    "offer": ["quieres que", "¿quieres que", "te preparo", "puedo redactar", "si quieres, te", "¿te lo"],
    "continue": ["continúa", "continua", "sigue", "más", "siguiente", "el resto"],
    "commit": ["tengo que", "debo", "voy a", "no me olvides", "no olvides", "cita", "quedé en", "prometí"],
    "when": ["mañana", "manana", "hoy", "esta noche", "esta tarde", "la semana que viene", "el lunes", "el martes", "el miércoles", "el jueves", "el viernes", "el sábado", "el domingo", "pasado mañana"],
    "done": ["hecho", "listo", "ya está", "ya lo hice", "enviado", "pagado", "cancelado"],
    "question": ["qué", "que", "cuál", "cual", "quién", "quien", "dónde", "donde", "cuándo", "cuando", "cómo", "como", "cuánto", "cuanto", "hay", "es"],
    "first_person": ["yo", "mi", "mis", "me", "tengo", "nosotros", "nuestro", "nuestra"],
}
# fmt: on
