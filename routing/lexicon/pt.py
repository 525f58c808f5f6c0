"""Portuguese cues (Brazil and Portugal)."""

SPACED = True
ENDINGS = ("s", "es")

# fmt: off
CUES = {
    "design": ["projete", "projetar", "desenhe", "desenhar"],
    "greeting": ["olá", "ola", "oi", "bom dia", "boa tarde", "tudo bem", "tudo bom", "como vai", "e aí", "kkk", "kkkk", "rsrs"],
    "thanks": ["obrigado", "obrigada", "valeu", "brigado", "beleza", "tchau", "até logo", "boa noite", "perfeito", "combinado", "entendi"],
    "affirm": ["sim", "claro", "pode ser", "manda ver", "vai", "faz isso", "sim por favor", "pode fazer", "bora", "com certeza", "os dois", "ambos"],
    "lookup": ["que horas", "quantos", "quantas", "quanto é", "quanto custa", "capital do", "capital da", "o que significa", "o que é", "quem é", "quem foi", "quando é", "onde fica", "em que ano", "como se escreve", "converte", "converter", "em reais", "em euros", "fuso horário", "qual é"],
    "remind": ["me lembra", "me lembre", "lembre-me", "lembra-me", "lembrete", "me avisa", "põe um alarme"],
    "arithmetic": ["por cento", "% de", "mais", "menos", "dividido", "vezes", "calcula", "quanto dá", "quanto fica", "gorjeta", "metade de"],
    "format": ["ordena", "ordene", "em ordem", "ordem alfabética", "faz uma lista", "faça uma lista", "tabela", "maiúsculas", "corrige a ortografia", "ortografia", "traduz", "traduza", "traduzir", "tradução", "como se diz", "para o inglês", "para o espanhol"],
    "explain": ["explica", "explique", "explicar", "por que", "porque", "como funciona", "o que acontece se", "diferença entre"],
    "write": ["escreve", "escreva", "redige", "redija", "reescreve", "e-mail", "email", "carta", "mensagem para", "responde", "mais formal", "melhora", "revisa"],
    "summarise": ["resume", "resuma", "resumo", "pontos principais"],
    "advise": ["plano", "planeja", "roteiro", "compara", "compare", "recomenda", "sugere", "ideias", "conselho", "dicas", "devo", "vale a pena", "prós e contras", "receita", "melhor", "opções", "me ajuda"],
    "code": ["função", "funcao", "script", "código", "codigo", "consulta", "fórmula"],
    "build": ["implementa", "implemente", "constrói", "construa", "desenvolve", "desenvolva", "cria um", "crie um", "serviço", "motor", "biblioteca"],
    "hard": ["demonstre", "demonstrar", "demonstração", "prove que", "teorema", "lema", "arquitetura", "condição de corrida", "auditoria de segurança", "modelo de ameaças", "rigoroso"],
    "deep": ["analisa", "analise", "análise", "a fundo", "em profundidade", "otimiz*", "refator*", "escalabil*", "concorrência", "estratégia", "avalie", "implicações", "casos extremos", "cláusulas", "projete"],
    "research": ["estudos", "pesquisas", "evidência", "evidências", "literatura", "metanálise", "ensaios clínicos", "divergem", "o que diz a pesquisa", "o que dizem os estudos"],
    "stakes": ["advogado", "processo judicial", "ação judicial", "processar", "contrato", "cláusula", "imposto*", "receita federal", "irs", "hipoteca", "financiamento", "investimento", "investir", "aposentadoria", "herança", "testamento", "demissão", "rescisão", "indenizaç*", "sintoma*", "remédio", "medicamento*", "dose", "diagnóstico", "gravidez", "cirurgia", "aluguel", "arrendamento", "senhorio", "inquilino", "tribunal", "multa", "residência", "mais-valia", "trabalhista", "faturando", "lucro"],
    "symptom": ["trava", "travando", "cai", "falha", "às vezes", "lento", "erro", "não funciona"],
    "simpler": ["resumidamente", "em poucas palavras", "para crianças", "simples", "básico", "numa frase"],
    "effort": ["pense bem", "passo a passo", "raciocine com cuidado"],
    "creative": ["poema", "conto", "piada", "música", "brinde", "história"],
    "what_if": ["e se", "o que acontece se", "supondo"],
    "offer": ["quer que eu", "posso escrever", "posso redigir", "se quiser, eu"],
    "continue": ["continua", "continue", "segue", "mais", "o resto"],
    "commit": ["tenho que", "preciso", "vou", "não me deixe esquecer", "prometi", "consulta", "compromisso"],
    "when": ["amanhã", "hoje", "hoje à noite", "semana que vem", "segunda", "terça", "quarta", "quinta", "sexta", "sábado", "domingo", "depois de amanhã"],
    "done": ["feito", "pronto", "já fiz", "enviado", "pago", "cancelado"],
    "question": ["que", "o que", "qual", "quem", "onde", "quando", "como", "quanto", "tem", "é"],
    "first_person": ["eu", "meu", "minha", "meus", "minhas", "tenho", "nós", "nosso"],
}
# fmt: on
