using System.Globalization;

namespace SafeOpenAI;

/// <summary>
/// Finds any of many configured terms in a text in one pass: an Aho–Corasick automaton (Aho and
/// Corasick, "Efficient string matching", CACM 1975) over the terms' normalised forms, with a
/// whole-word check at each end of a match.
/// </summary>
/// <remarks>
/// <para>
/// Terms and text are normalised alike with <see cref="TextNormalizer"/>: Unicode NFKC, invisible and
/// bidi-control characters removed, look-alike Cyrillic, Greek and IPA letters folded to Latin
/// (UTS #39), white space collapsed, lower case (invariant), and leetspeak digits inside words folded
/// (<c>C0mpetitor</c> → <c>competitor</c>). The text's embedded base64, hex, percent-encoded and rot13
/// spans are decoded and scanned too. Each term is also kept as written (lower case, NFKC), so a term
/// with digits (<c>gpt4</c>, <c>3com</c>) still matches itself.
/// </para>
/// <para>
/// A match must start and end at a word boundary: the character before it and the one after it is
/// not a letter, digit, mark or underscore. A term that starts (or ends) with a letter of a script
/// written without spaces between words (Han, Hiragana, Katakana, Hangul, Thai, Lao, Khmer, Myanmar)
/// needs no boundary on that side, so such terms match as substrings; so does any term next to such
/// a letter in the text. Multi-word terms match across any run of white space, including line breaks.
/// Building is linear in the total length of the terms; a scan is linear in the text's length plus
/// the number of matches. Immutable and thread-safe.
/// </para>
/// </remarks>
internal sealed class KeywordMatcher
{
    private const int RootAsciiSize = 128;

    private readonly Dictionary<long, int> _transitions = [];
    private readonly int[] _rootAscii = new int[RootAsciiSize];
    private readonly int[] _fail;
    private readonly int[] _pattern;
    private readonly int[] _outputLink;
    private readonly Pattern[] _patterns;

    // Building state: the trie's child lists and terminal nodes, used until the failure links are set.
    private readonly List<List<(char Label, int Node)>> _children = [[]];
    private readonly List<(int Node, int Pattern)> _terminals = [];
    private int _nodeCount = 1;

    /// <summary>Builds the automaton.</summary>
    /// <param name="terms">The terms; at least one.</param>
    /// <param name="parameterName">The option's name for exceptions, for example <c>options.Keywords</c>.</param>
    /// <exception cref="ArgumentException">There are no terms, or a term is empty once normalised.</exception>
    public KeywordMatcher(IEnumerable<string> terms, string parameterName)
    {
        var patterns = new List<Pattern>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var term in terms)
        {
            if (string.IsNullOrWhiteSpace(term))
            {
                throw new ArgumentException("A keyword is empty or white space; list only terms with letters or digits.", parameterName);
            }

            foreach (var form in new[] { Fold(TextNormalizer.Normalize(term).ToLowerInvariant()), Fold(TextNormalizer.NormalizeForDetection(term, out _, 0)) })
            {
                if (form.Length == 0)
                {
                    throw new ArgumentException($"The keyword '{term}' is empty once normalised (it holds only invisible characters).", parameterName);
                }

                if (seen.Add(form))
                {
                    patterns.Add(new Pattern(term, form.Length, NeedsBoundary(form[0]), NeedsBoundary(form[^1])));
                    AddPath(form, patterns.Count - 1);
                }
            }
        }

        if (patterns.Count == 0)
        {
            throw new ArgumentException("There are no keywords; list at least one term.", parameterName);
        }

        _patterns = [.. patterns];
        var count = _nodeCount;
        _fail = new int[count];
        _pattern = new int[count];
        _outputLink = new int[count];
        Array.Fill(_pattern, -1);
        Array.Fill(_outputLink, -1);
        foreach (var (node, index) in _terminals)
        {
            _pattern[node] = index;
        }

        BuildFailureLinks();
        for (var c = 0; c < RootAsciiSize; c++)
        {
            _rootAscii[c] = _transitions.TryGetValue(Key(0, (char)c), out var next) ? next : 0;
        }

        _children.Clear();
        _children.TrimExcess();
        _terminals.Clear();
        _terminals.TrimExcess();
    }

    /// <summary>Gets the number of patterns in the automaton (each term once or twice: as written and leet-folded).</summary>
    public int PatternCount => _patterns.Length;

    /// <summary>Normalises a text for <see cref="Find"/> (NFKC, invisible characters, look-alikes, case, leetspeak, decoded spans).</summary>
    /// <param name="text">The text.</param>
    /// <returns>The text to scan; never shown or sent anywhere.</returns>
    public static string Prepare(string text) => TextNormalizer.NormalizeForDetection(text);

    /// <summary>Finds whole-word matches of the terms in a text prepared with <see cref="Prepare"/>.</summary>
    /// <param name="prepared">The prepared text.</param>
    /// <param name="maxMatches">The most matches to return.</param>
    /// <returns>The matches in order of their end; empty when there are none.</returns>
    public List<KeywordMatch> Find(string prepared, int maxMatches = int.MaxValue)
    {
        var matches = new List<KeywordMatch>();
        var state = 0;
        for (var i = 0; i < prepared.Length; i++)
        {
            var c = prepared[i] == '\n' ? ' ' : prepared[i];
            state = Next(state, c);
            for (var node = _pattern[state] >= 0 ? state : _outputLink[state]; node > 0; node = _outputLink[node])
            {
                var pattern = _patterns[_pattern[node]];
                var start = i + 1 - pattern.Length;
                if ((!pattern.BoundaryBefore || IsBoundary(prepared, start - 1)) && (!pattern.BoundaryAfter || IsBoundary(prepared, i + 1)))
                {
                    matches.Add(new KeywordMatch(pattern.Term, start, i + 1));
                    if (matches.Count >= maxMatches)
                    {
                        return matches;
                    }
                }
            }
        }

        return matches;
    }

    private static string Fold(string form) => form.Replace('\n', ' ').Trim();

    private static long Key(int state, char c) => ((long)state << 16) | c;

    private int Next(int state, char c)
    {
        while (true)
        {
            if (state == 0)
            {
                return c < RootAsciiSize ? _rootAscii[c] : _transitions.TryGetValue(Key(0, c), out var fromRoot) ? fromRoot : 0;
            }

            if (_transitions.TryGetValue(Key(state, c), out var next))
            {
                return next;
            }

            state = _fail[state];
        }
    }

    private void AddPath(string form, int patternIndex)
    {
        var node = 0;
        foreach (var c in form)
        {
            if (!_transitions.TryGetValue(Key(node, c), out var next))
            {
                next = _nodeCount++;
                _transitions[Key(node, c)] = next;
                _children[node].Add((c, next));
                _children.Add([]);
            }

            node = next;
        }

        _terminals.Add((node, patternIndex));
    }

    private void BuildFailureLinks()
    {
        // Breadth-first, so a node's failure target (a shorter suffix) is finished before the node.
        var queue = new Queue<int>();
        foreach (var (_, child) in _children[0])
        {
            _fail[child] = 0;
            queue.Enqueue(child);
        }

        while (queue.Count > 0)
        {
            var node = queue.Dequeue();
            foreach (var (label, child) in _children[node])
            {
                var fallback = _fail[node];
                while (fallback > 0 && !_transitions.ContainsKey(Key(fallback, label)))
                {
                    fallback = _fail[fallback];
                }

                _fail[child] = _transitions.TryGetValue(Key(fallback, label), out var target) && target != child ? target : 0;
                var suffix = _fail[child];
                _outputLink[child] = _pattern[suffix] >= 0 ? suffix : _outputLink[suffix];
                queue.Enqueue(child);
            }
        }
    }

    private static bool IsBoundary(string text, int index) =>
        index < 0 || index >= text.Length || !IsWordChar(text[index]) || IsUnspacedScript(text[index]);

    private static bool NeedsBoundary(char c) => IsWordChar(c) && !IsUnspacedScript(c);

    private static bool IsWordChar(char c) =>
        char.IsLetterOrDigit(c) || c == '_' || char.GetUnicodeCategory(c) is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark;

    /// <summary>Letters of scripts written without spaces between words.</summary>
    private static bool IsUnspacedScript(char c) => c switch
    {
        >= '\u0E00' and <= '\u0EFF' => true, // Thai, Lao
        >= '\u1000' and <= '\u109F' => true, // Myanmar
        >= '\u1780' and <= '\u17FF' => true, // Khmer
        >= '\u1100' and <= '\u11FF' => true, // Hangul Jamo
        >= '\u3040' and <= '\u30FF' => true, // Hiragana, Katakana
        >= '\u3400' and <= '\u4DBF' => true, // CJK Extension A
        >= '\u4E00' and <= '\u9FFF' => true, // CJK Unified Ideographs
        >= '\uAC00' and <= '\uD7AF' => true, // Hangul syllables
        >= '\uF900' and <= '\uFAFF' => true, // CJK Compatibility Ideographs
        >= '\uD840' and <= '\uD87F' => true, // high surrogates of CJK Extensions B and later
        _ => false,
    };

    private sealed record Pattern(string Term, int Length, bool BoundaryBefore, bool BoundaryAfter);
}
