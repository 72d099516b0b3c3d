using System.Text.RegularExpressions;

namespace SafeOpenAI;

/// <summary>
/// The hand-written signals of prompt injection, each a linear-time regular expression
/// (<see cref="RegexOptions.NonBacktracking"/>) over text from
/// <see cref="TextNormalizer.NormalizeForDetection(string)"/>, run only when one of its anchor words is
/// present. The families follow the attack taxonomies of Liu et al. 2024 ("Formalizing and
/// Benchmarking Prompt Injection Attacks and Defenses", USENIX Security), Shen et al. 2024
/// ("Do Anything Now", CCS) and Greshake et al. 2023 (indirect prompt injection). They are features
/// of the learned model, which weighs them; none decides alone. Thread-safe.
/// </summary>
internal static class InjectionSignals
{
    private const RegexOptions Options = RegexOptions.NonBacktracking | RegexOptions.CultureInvariant;

    private static readonly Signal[] s_signals =
    [
        new("instruction_override", ["ignor", "disregard", "forget", "overrid", "skip", "set aside", "discard", "abandon", "bypass", "vergiss", "vergesst", "missacht", "olvida", "oublie", "negeer", "vergeet", "esque"],
            @"\b(ignore|ignoring|disregard|forget|override|skip|set aside|discard|abandon|bypass)\b[^.\n]{0,40}\b(previous|prior|above|earlier|preceding|former|original|initial|all|any|your|the|these|those|system|developer|every)\b[^.\n]{0,30}\b(instructions?|prompts?|rules|directions|guidelines|constraints|context|commands?|programming|restrictions|polic(y|ies)|messages?|orders|guardrails|training|tasks?)\b|\b(ignorier\w*|vergiss|vergesst|missachte\w*|ignora\w*|olvida\w*|oublie\w*|ignorez|ignore (toutes|tous|les|tes|vos)|negeer|vergeet|esque[cç]a\w*)\b[^.\n]{0,40}\b(anweisungen|regeln|vorgaben|befehle|instrucciones|reglas|[oó]rdenes|instructions|consignes|r[eè]gles|istruzioni|regole|instru[cç][oõ]es|regras|instructies|regels)\b"),
        new("new_instructions", ["instruction", "from now on", "task", "you must now", "you will now", "directive", "instead", "stop being"],
            @"\b(new|updated|real|actual|secret|hidden|additional|important|urgent|revised)\s+(instructions?|task|directive|rules|system prompt|orders)\s*[:\-]|\bfrom now on,?\s+(you|your|act|respond|answer|reply|only|always)|\byou (must|will|shall) now\b|\bstop being\b|\binstead,?\s+(you|do|say|print|output|write|respond|reply|tell)\b|\byour (new|real|only|actual) (task|goal|job|purpose|instructions?) (is|are)\b"),
        new("persona_setup", ["you are", "you're", "act as", "pretend", "roleplay", "role-play", "role play", "simulat", "imagine", "behave", "mode", "character", "persona", "dan"],
            @"\b(you are|you're|act as|acting as|pretend (to be|you are|you're)|roleplay as|role-play as|play the role of|simulate|imagine you are|behave like|become|persona)\b[^.\n]{0,50}\b(dan|dude|stan|aim|jailbr[eo]ken|unfiltered|uncensored|unrestricted|amoral|immoral|unethical|evil|rogue|without (any )?(restrictions|filters|limits|rules|ethics|morals|boundaries)|no (restrictions|filters|limits|rules|ethics|morals|guidelines|boundaries)|developer mode|god mode|free from)\b|\b(do anything now|developer mode (enabled|output|is on)|dan mode|jailbreak mode|stay in character|break character|two (different )?responses|opposite mode|evil (confidant|mode|twin)|(no|without) (any )?moral(s| compass)|never refuses?)\b"),
        new("prompt_extraction", ["prompt", "instruction", "above", "verbatim", "initial", "system", "rules", "configuration", "anweisung"],
            @"\b(reveal|print|show|repeat|output|display|tell me|give me|write out|write down|leak|share|dump|spell out|recite|list|return|disclose|expose)\b[^.\n]{0,40}\b(your|the|initial|original|hidden|secret|system|above|previous|preceding|internal)\b[^.\n]{0,20}\b(system prompt|prompt|instructions|rules|guidelines|configuration|pre-?prompt|context|message|text)\b|\b(words|text|everything|all) (above|before) (this|here|that)\b|\bverbatim\b|\b(zeig\w*|verrat\w*|gib|muestra\w*|revela\w*|dime|affiche\w*|r[ée]v[eè]le\w*|montre\w*|mostra\w*|rivela\w*)\b[^.\n]{0,30}\b(systemprompt|system-prompt|systemanweisungen|prompt del sistema|instrucciones (ocultas|del sistema|secretas)|prompt syst[eè]me|instructions cach[ée]es|prompt di sistema|prompt de sistema)\b|\bwhat (is|are|was|were) your (system |initial |original |hidden )?(prompt|instructions|rules)\b"),
        new("role_header", ["<|", "[inst", "[/inst", "<<sys", "system", "assistant", "developer", "admin", "root", "sudo", "</", "end of", "###"],
            @"<\|(im_start|im_end|system|user|assistant|endoftext|eot_id|start_header_id|end_header_id|begin_of_text)\|>|\[/?inst\]|<</?sys>>|</?(system|instructions?|im_start|admin)>|(^|\n)\W{0,4}(system|assistant|developer|admin|administrator|root|sudo)( message| prompt| instructions?| override| update| note| mode)?\W{0,3}\s*:|###\s*(system|instruction|response|assistant)\b|\bend of (the )?(document|email|context|input|data|user input|conversation)\b"),
        new("policy_evasion", ["ethic", "moral", "filter", "censor", "polic", "guideline", "safety", "guardrail", "restrict", "limitation", "rules"],
            @"\b(no|without|ignore|bypass|disable|remove|free (from|of)|not bound by|break(ing)?|not (have to |need to )?follow|do not (need to )?(follow|adhere|abide)|doesn't (follow|care)|don't (follow|care)|beyond|outside|unbound by|violat(e|es|ing))\b[^.\n]{0,30}\b(ethic(s|al)?|moral(s|ity)?|filters?|filtering|censor(ship|ed)?|content polic(y|ies)|openai('s)? (polic(y|ies)|guidelines|rules)|safety (guidelines|rules|measures|filters|protocols)|guardrails|restrictions|limitations|usage polic(y|ies))\b"),
        new("fictional_framing", ["hypothetic", "educational", "research", "fiction", "game", "simulation", "story", "novel", "screenplay"],
            @"\b(hypothetical(ly)?( scenario| response)?|for (purely )?(educational|research|academic) purposes( only)?|purely fictional|in a fictional (world|universe|setting)|this is (just )?a (game|test|simulation)|let's play a game|in this (game|simulation|story),? you)\b"),
        new("addressed_to_model", ["your ", "assistant", " ai", "model", "llm", "chatbot", "gpt", "respond", "reply", "answer"],
            @"\b(in|to|into|with|within|throughout) your (response|answer|reply|output|code|codebase|summary|responses|answers|replies)\b|\byour (response|answer|reply|output|summary) (must|should|will)\b|\b(when|if|while) (you|the assistant|the ai|the model) (summari[sz]e|respond|answer|reply|read|process|see)|\b(respond|reply|answer) (only )?(with|in)\b|\b(dear|attention|note to|hey) (ai|assistant|model|llm|chatbot|gpt)\b|\b(ai|assistant|language model|llm|chatbot|model)s?,? (must|should|needs? to|shall|please)\b"),
        new("exfiltration", ["send", "email", "forward", "post", "upload", "exfiltrat", "transfer", "![", "visit", "click", "navigate", "http"],
            @"\b(send|e-?mail|forward|post|upload|exfiltrate|transfer|leak)\b[^.\n]{0,40}\b(password|credentials|api key|token|cookies?|conversation|chat history|secrets?|personal (data|information)|private (data|key))\b|!\[[^\]\n]{0,40}\]\(https?:|\b(visit|click|go to|navigate to|open)\b[^.\n]{0,30}(https?://|www\.)"),
        new("encoding_instruction", ["base64", "hex", "rot13", "rot-13", "binary", "morse", "cipher", "decode", "reverse"],
            @"\b(decode|decipher|translate|convert|read|interpret)\b[^.\n]{0,30}\b(base64|base 64|hex(adecimal)?|rot-?13|binary|morse|cipher|backwards|reversed)\b|\b(base64|hex|rot-?13)[- ]?(encoded|decoded)\b"),
        new("harmful_request_framing", ["how to", "step", "detailed", "instructions for", "tutorial", "guide", "sure,", "sure here"],
            @"\b(begin|start) (your )?(reply|response|answer) with\b|\bsure,? here (is|are)\b|\bstep[- ]by[- ]step (guide|instructions|tutorial)\b[^.\n]{0,40}\b(hack|bomb|weapon|drug|steal|kill|poison|malware|exploit)"),
    ];

    /// <summary>The names of the regular-expression signals, in bit order.</summary>
    public static readonly string[] RegexSignalNames = s_signals.Select(s => s.Name).ToArray();

    /// <summary>The names of the normalisation-derived obfuscation signals, in bit order after the regex signals.</summary>
    public static readonly string[] ObfuscationSignalNames = ["invisible_characters", "homoglyphs", "leetspeak", "encoded_span"];

    /// <summary>Every signal name, in bit order: the model's dense features.</summary>
    public static readonly string[] AllNames = [.. RegexSignalNames, .. ObfuscationSignalNames];

    /// <summary>Gets the number of signals.</summary>
    public static int Count => AllNames.Length;

    /// <summary>Evaluates the regex signals on one window of normalised text.</summary>
    /// <param name="text">Text from <see cref="TextNormalizer.NormalizeForDetection(string)"/>.</param>
    /// <returns>A bit per signal that fired, in <see cref="RegexSignalNames"/> order.</returns>
    public static int EvaluateRegex(ReadOnlySpan<char> text)
    {
        var bits = 0;
        for (var s = 0; s < s_signals.Length; s++)
        {
            if (s_signals[s].Matches(text))
            {
                bits |= 1 << s;
            }
        }

        return bits;
    }

    /// <summary>Turns normalisation statistics into obfuscation signal bits.</summary>
    /// <param name="stats">What the normaliser changed.</param>
    /// <returns>The bits, already shifted past the regex signals.</returns>
    public static int EvaluateObfuscation(in NormalizationStats stats)
    {
        var bits = 0;
        var shift = s_signals.Length;
        if (stats.InvisibleRemoved > 0)
        {
            bits |= 1 << shift;
        }

        if (stats.ConfusablesFolded > 0)
        {
            bits |= 1 << (shift + 1);
        }

        if (stats.LeetFolded > 1)
        {
            bits |= 1 << (shift + 2);
        }

        if (stats.DecodedSpans > 0)
        {
            bits |= 1 << (shift + 3);
        }

        return bits;
    }

    /// <summary>Lists the names of the signals set in <paramref name="bits"/>.</summary>
    /// <param name="bits">Signal bits.</param>
    /// <returns>The names, in bit order.</returns>
    public static List<string> Names(int bits)
    {
        var names = new List<string>();
        for (var i = 0; i < AllNames.Length; i++)
        {
            if ((bits & (1 << i)) != 0)
            {
                names.Add(AllNames[i]);
            }
        }

        return names;
    }

    private sealed class Signal(string name, string[] anchors, string pattern)
    {
        private readonly Regex _regex = new(pattern, Options);
#if NET9_0_OR_GREATER
        // One vectorised multi-string search (Teddy / Aho-Corasick) for all anchors instead of one scan per anchor.
        private readonly System.Buffers.SearchValues<string> _anchors = System.Buffers.SearchValues.Create(anchors, StringComparison.Ordinal);
#endif

        public string Name { get; } = name;

        public bool Matches(ReadOnlySpan<char> text)
        {
#if NET9_0_OR_GREATER
            return text.ContainsAny(_anchors) && _regex.IsMatch(text);
#else
            foreach (var anchor in anchors)
            {
                if (text.Contains(anchor, StringComparison.Ordinal))
                {
                    return _regex.IsMatch(text);
                }
            }

            return false;
#endif
        }
    }
}
