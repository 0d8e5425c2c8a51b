//! Function words and the ordinary words of a question, in English, French and Chinese
//! (folded: lower case, no accents). They name nothing: a name's words leave them out when it
//! is matched, a question's words are read past them, and an answer does not list them among
//! the words it skipped. No question is ever rejected for a word that is not here.

/// Every stop word, in folded form.
#[rustfmt::skip]
pub const WORDS: &[&str] = &[
    // English: articles, pronouns, prepositions, conjunctions, auxiliaries.
    "a", "an", "the", "this", "that", "these", "those", "it", "its", "there", "here",
    "i", "we", "you", "they", "he", "she", "my", "our", "your", "their", "me", "us", "them", "one",
    "of", "in", "on", "at", "to", "for", "from", "by", "via", "with", "w", "without", "into", "onto",
    "through", "thru", "over", "under", "between", "among", "within", "inside", "about", "across",
    "as", "and", "or", "nor", "but", "plus", "also", "both", "either", "neither", "than", "then",
    "so", "such", "if", "when", "while", "whether", "what", "which", "who", "whom", "whose", "why",
    "how", "where", "is", "are", "be", "been", "being", "am", "was", "were", "do", "does", "did",
    "doing", "done", "can", "could", "will", "would", "should", "shall", "may", "might", "must",
    "have", "has", "had", "having", "get", "gets", "got", "getting", "not", "no", "yes", "any",
    "some", "all", "each", "every", "only", "just", "still", "yet", "even", "ever", "already",
    "really", "actually", "currently", "today", "now", "right", "exactly", "please", "thanks",
    "thank", "thx", "hi", "hello", "hey", "ok", "okay", "s", "t", "d", "ll", "ve", "re", "m",
    "doesn", "isn", "aren", "won", "don", "didn", "wasn", "weren", "haven", "hasn", "shouldn",
    "wouldn", "couldn", "cannot", "cant", "dont", "doesnt", "isnt", "wont", "etc", "eg", "ie",
    // English: the ordinary words of a question about a feature and a deployment.
    "work", "works", "working", "worked", "function", "functions", "functioning", "run", "runs",
    "running", "ran", "use", "uses", "using", "used", "support", "supports", "supported",
    "supporting", "supportable", "available", "possible", "enabled", "enable",
    "able", "allowed", "allow", "compatible", "compatibility", "combination", "combined",
    "together", "along", "make", "makes", "set", "up", "setup", "configure", "configured",
    "feature", "features", "capability", "capabilities", "functionality", "integration",
    "integrations", "integrate", "integrated", "integrating", "environment", "deployment",
    "deployed", "scenario", "topology", "org", "organization", "organisation", "company",
    "people", "staff", "employee", "employees", "user", "users", "folks", "everyone", "team",
    "sync", "synced", "syncing", "synchronized", "synchronised", "device", "devices", "version", "versions", "edition", "release",
    "product", "products", "something", "thing", "things", "lot", "many", "much", "more",
    "list", "show", "tell", "explain", "know", "want", "wants", "wondering", "wonder",
    "question", "quick", "anyone", "somebody", "someone", "help", "fine", "well", "properly",
    "correctly", "fully", "partially", "like", "same", "other", "else", "need", "needs",
    "needed", "require", "requires", "required", "requirement", "requirements", "prerequisite",
    "prerequisites", "change", "migrate", "migrating", "migration", "move", "moving", "upgrade",
    "upgrading", "go", "going", "switch", "switching", "gain", "lose", "compare", "difference",
    "against", "v", "vs", "versus", "after", "before", "still", "anymore", "too", "very",
    "there", "yet", "does", "supposed", "expected", "correct", "true", "officially", "okay",
    "fail", "fails", "failing", "failed", "broken", "break", "breaks", "breaking", "broke",
    "unsupported", "stay", "stays", "staying", "remain", "remains", "remaining", "keep", "keeps",
    "keeping", "kept", "provision", "activate", "implement", "implementation", "test", "troubleshoot",
    "roll", "rollout", "setting", "display", "load", "appear", "updating", "updated", "pending",
    // French.
    "le", "la", "les", "l", "un", "une", "des", "de", "du", "au", "aux", "et", "ou", "avec",
    "sans", "sur", "sous", "pour", "par", "en", "dans", "entre", "vers", "chez", "ce", "cet",
    "cette", "ces", "c", "ca", "qui", "que", "qu", "quoi", "quel", "quelle", "quels", "quelles",
    "est", "sont", "etre", "ete", "ont", "avons", "avez", "avoir", "il", "elle", "ils", "elles",
    "nous", "vous", "je", "j", "tu", "mon", "ma", "mes", "notre", "nos", "votre", "vos", "leur",
    "leurs", "se", "sa", "son", "ses", "ne", "n", "pas", "plus", "si", "alors", "aussi", "tout",
    "tous", "toute", "toutes", "y", "oui", "non", "comment", "pourquoi", "quand", "ou", "peut",
    "peuvent", "peux", "pouvons", "pouvez", "pourrait", "possible", "fonctionne", "fonctionnent",
    "fonctionner", "fonctionnalite", "fonctionnalites", "marche", "marchent", "echoue",
    "echouent", "prise", "pris",
    "prend", "prennent", "charge", "utiliser", "utilise", "utilisons", "utilisateur",
    "utilisateurs", "disponible", "disponibles", "compatible", "faut", "besoin", "bonjour",
    "merci", "svp", "donc", "bien", "deja", "encore", "actuellement", "aujourd", "hui", "t",
    "integration", "integrer", "configurer", "activer", "active", "environnement", "version",
    "cas", "notre", "chose", "savoir", "question", "depuis", "partir", "selon", "lors", "afin",
    "concernant", "pendant", "dont", "apres", "avant", "sinon", "aupres", "grace", "moyen", "ici",
    "bonsoir", "salut", "svp", "possibilite", "est-ce", "peut-on", "faire", "pis", "ben", "genre",
];

/// Chinese function words and the ordinary words of a question. They also cut a run of
/// Chinese characters into words (`query` segments against the names and these).
#[rustfmt::skip]
pub const HAN: &[&str] = &[
    "与", "和", "及", "以及", "或", "或者", "还是", "加", "跟", "同", "时", "的", "地", "得", "吗", "呢", "吧",
    "了", "是", "是否", "否", "能", "能否", "能不能", "可以", "可否", "可不可以", "支持", "集成", "整合",
    "部署", "使用", "用", "在", "中", "里", "上", "下", "对", "于", "对于", "之间", "我们", "我", "你", "您",
    "如何", "怎么", "怎样", "为什么", "什么", "哪些", "哪个", "功能", "工作", "正常", "配置", "需要", "要",
    "有", "没有", "不", "通过", "从", "到", "将", "把", "被", "进行", "情况", "环境", "用户", "请问", "一下",
    "运行", "启用", "开启", "打开", "实现", "提供", "这", "那", "个", "吗", "呀", "啊", "谢谢", "请", "帮",
    "目前", "现在", "已经", "还", "也", "都", "会", "可用", "可行", "兼容", "组合", "情形", "场景", "版本",
    "已", "配合", "搭配", "直接", "自动", "显示", "看到", "能够", "使用", "服务", "中的", "里的", "上的",
];

/// Words that join clauses: a name never runs across one, and a qualifier binds within its
/// clause. They are stop words too.
#[rustfmt::skip]
pub const CONJUNCTIONS: &[&str] = &[
    "and", "with", "w", "plus", "or", "but", "while", "whereas", "et", "avec", "ou", "mais", "与", "和", "加",
    "及", "以及", "跟", "同", "或", "或者", "但", "配合", "搭配", "pis",
];

/// Words that take the name after them out of the question: "without desktop Outlook",
/// "sans Outlook", "instead of OWA".
pub const WITHOUT: &[&str] = &[
    "without",
    "except",
    "excluding",
    "instead",
    "sans",
    "hors",
    "不用",
    "除了",
];

/// Articles and prepositions: the function words a name may have inside ("Skype for
/// Business", "Outlook on the web", "Exchange (on premises)", "Lync pour Mac").
#[rustfmt::skip]
const FUNCTION: &[&str] = &[
    "a", "an", "the", "of", "in", "on", "at", "to", "for", "from", "by", "via", "into", "onto", "as",
    "le", "la", "les", "l", "un", "une", "de", "du", "des", "d", "au", "aux", "en", "sur", "pour", "par",
    "dans", "chez", "的", "中", "在", "之", "microsoft",
    // Possessives, which stand where an article would: "the history of my chats".
    "my", "our", "your", "their", "his", "her", "its", "mon", "ma", "mes", "notre", "nos", "votre",
    "vos", "son", "sa", "ses", "leur", "leurs",
];

/// Whether a folded word is an article or a preposition.
#[must_use]
pub fn is_function(w: &str) -> bool {
    static ALL: std::sync::OnceLock<rustc_hash::FxHashSet<&'static str>> = std::sync::OnceLock::new();
    ALL.get_or_init(|| FUNCTION.iter().copied().collect()).contains(w)
}

/// Whether a folded word joins clauses.
#[must_use]
pub fn is_conjunction(w: &str) -> bool {
    CONJUNCTIONS.contains(&w)
}

/// Whether the words of a text are French rather than English, by their function words.
pub fn looks_french<'a>(words: impl IntoIterator<Item = &'a str>) -> bool {
    const FR: &[&str] = &[
        "le", "la", "les", "des", "du", "de", "est", "avec", "dans", "pour", "une", "sont", "peut", "et", "sur", "que",
        "qui", "ce", "nos", "nous", "il", "elle", "pas", "au", "aux", "par", "ou",
    ];
    const EN: &[&str] = &[
        "the", "does", "do", "is", "are", "with", "for", "in", "and", "can", "will", "of", "to", "on", "we", "our",
        "it", "not", "from", "when", "if", "what", "how",
    ];
    let (mut fr, mut en) = (0, 0);
    for w in words {
        fr += usize::from(FR.contains(&w));
        en += usize::from(EN.contains(&w));
    }
    fr > en
}

/// Whether a folded word is a stop word.
#[must_use]
pub fn is_stop(w: &str) -> bool {
    static ALL: std::sync::OnceLock<rustc_hash::FxHashSet<&'static str>> = std::sync::OnceLock::new();
    ALL.get_or_init(|| WORDS.iter().chain(HAN).chain(CONJUNCTIONS).copied().collect())
        .contains(w)
}
