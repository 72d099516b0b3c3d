using System.Text.RegularExpressions;

namespace SafeOpenAI.Tests.Security;

/// <summary>
/// A Thompson-NFA simulation (Pike VM, Russ Cox, "Regular Expression Matching: the Virtual Machine
/// Approach", 2009) of a .NET pattern that counts its work: every thread it steps and every state it
/// adds, over the subset of the syntax SafeOpenAI's regexes use (literals, escapes, classes,
/// groups, alternation, greedy and lazy quantifiers, <c>^</c>, <c>$</c>, <c>\b</c>). It finds matches
/// the way an automaton engine such as <see cref="RegexOptions.NonBacktracking"/> does, with
/// leftmost-first priority: an <c>IsMatch</c> is one pass that stops at the first match, and
/// enumerating every match restarts after each one and scans on while a preferred longer match
/// may still come, which is where automaton engines turn quadratic (<c>a*b|a</c> over
/// <c>aaaa…</c>). Counting steps instead of timing them makes the growth from a 1x to a 100x input
/// exact and repeatable.
/// </summary>
internal sealed class CountingAutomaton
{
    private readonly List<Instruction> _program = [];
    private readonly bool _ignoreCase;

    public CountingAutomaton(string pattern, RegexOptions options)
    {
        _ignoreCase = (options & RegexOptions.IgnoreCase) != 0;
        var parser = new Parser(pattern);
        var tree = parser.ParseAlternation();
        if (!parser.AtEnd)
        {
            throw new NotSupportedException($"Unexpected '{pattern[parser.Position]}' at {parser.Position} in '{pattern}'.");
        }

        Emit(tree);
        _program.Add(new Instruction(Op.Match));
    }

    /// <summary>Gets the work done so far: threads stepped plus states added.</summary>
    public long Steps { get; private set; }

    /// <summary>Finds whether the text has a match, in one pass that stops at the first.</summary>
    public bool IsMatch(string text) => Run(text, 0, stopAtFirstMatch: true) is not null;

    /// <summary>Counts every non-overlapping match, as <c>Regex.Count</c> or <c>Matches</c> enumerates them.</summary>
    public int CountMatches(string text) => Matches(text).Count;

    /// <summary>Finds every non-overlapping match, as <c>Regex.Matches</c> enumerates them.</summary>
    public IReadOnlyList<(int Start, int End)> Matches(string text)
    {
        var found = new List<(int Start, int End)>();
        var at = 0;
        while (at <= text.Length && Run(text, at, stopAtFirstMatch: false) is { } match)
        {
            found.Add(match);
            at = match.End > match.Start ? match.End : match.End + 1;
        }

        return found;
    }

    private (int Start, int End)? Run(string text, int from, bool stopAtFirstMatch)
    {
        var current = new ThreadList(_program.Count);
        var next = new ThreadList(_program.Count);
        (int Start, int End)? found = null;
        for (var position = from; position <= text.Length; position++)
        {
            if (found is null)
            {
                // Unanchored search: a new thread starts here, behind every earlier (preferred) one.
                Add(current, 0, position, position, text);
            }

            if (current.Count == 0)
            {
                if (found is not null)
                {
                    break;
                }

                // The new thread died on an assertion (a \b here): try the next position.
                current.Clear();
                continue;
            }

            next.Clear();
            for (var i = 0; i < current.Count; i++)
            {
                Steps++;
                var (pc, start) = current[i];
                var instruction = _program[pc];
                if (instruction.Op == Op.Match)
                {
                    found = (start, position);
                    if (stopAtFirstMatch)
                    {
                        return found;
                    }

                    // Threads after this one have lower priority: they can no longer win.
                    break;
                }

                if (instruction.Op == Op.Char && position < text.Length && instruction.Accepts(Fold(text[position])))
                {
                    Add(next, pc + 1, start, position + 1, text);
                }
            }

            (current, next) = (next, current);
        }

        return found;
    }

    private char Fold(char c) => _ignoreCase ? char.ToLowerInvariant(c) : c;

    private void Add(ThreadList list, int pc, int start, int position, string text)
    {
        if (!list.TryMark(pc))
        {
            return;
        }

        Steps++;
        var instruction = _program[pc];
        switch (instruction.Op)
        {
            case Op.Jump:
                Add(list, instruction.X, start, position, text);
                break;
            case Op.Split:
                Add(list, instruction.X, start, position, text);
                Add(list, instruction.Y, start, position, text);
                break;
            case Op.Beginning:
                if (position == 0)
                {
                    Add(list, pc + 1, start, position, text);
                }

                break;
            case Op.End:
                if (position == text.Length || (position == text.Length - 1 && text[position] == '\n'))
                {
                    Add(list, pc + 1, start, position, text);
                }

                break;
            case Op.WordBoundary:
            case Op.NotWordBoundary:
                var before = position > 0 && IsWordChar(text[position - 1]);
                var after = position < text.Length && IsWordChar(text[position]);
                if ((before != after) == (instruction.Op == Op.WordBoundary))
                {
                    Add(list, pc + 1, start, position, text);
                }

                break;
            default:
                list.Append(pc, start);
                break;
        }
    }

    private static bool IsWordChar(char c) => char.IsLetterOrDigit(c) || c == '_' || char.GetUnicodeCategory(c) is System.Globalization.UnicodeCategory.NonSpacingMark or System.Globalization.UnicodeCategory.ConnectorPunctuation;

    private void Emit(Node node)
    {
        switch (node)
        {
            case CharNode c:
                _program.Add(new Instruction(Op.Char) { Accepts = _ignoreCase ? ch => c.Accepts(ch) || c.Accepts(char.ToUpperInvariant(ch)) : c.Accepts });
                break;
            case AssertNode a:
                _program.Add(new Instruction(a.Op));
                break;
            case SequenceNode s:
                foreach (var item in s.Items)
                {
                    Emit(item);
                }

                break;
            case AlternationNode alternation:
                EmitAlternation(alternation.Branches, 0);
                break;
            case RepeatNode r:
                EmitRepeat(r);
                break;
            default:
                throw new NotSupportedException(node.GetType().Name);
        }
    }

    private void EmitAlternation(IReadOnlyList<Node> branches, int index)
    {
        if (index == branches.Count - 1)
        {
            Emit(branches[index]);
            return;
        }

        var split = Placeholder();
        Emit(branches[index]);
        var jump = Placeholder();
        _program[split] = new Instruction(Op.Split) { X = split + 1, Y = _program.Count };
        EmitAlternation(branches, index + 1);
        _program[jump] = new Instruction(Op.Jump) { X = _program.Count };
    }

    private void EmitRepeat(RepeatNode r)
    {
        for (var i = 0; i < r.Min; i++)
        {
            Emit(r.Body);
        }

        if (r.Max is null)
        {
            // Star: L: split(body, out); body; jump L.
            var loop = Placeholder();
            Emit(r.Body);
            _program.Add(new Instruction(Op.Jump) { X = loop });
            _program[loop] = Split(loop + 1, _program.Count, r.Lazy);
            return;
        }

        var optionals = new List<int>();
        for (var i = r.Min; i < r.Max; i++)
        {
            optionals.Add(Placeholder());
            Emit(r.Body);
        }

        foreach (var at in optionals)
        {
            _program[at] = Split(at + 1, _program.Count, r.Lazy);
        }
    }

    private static Instruction Split(int body, int skip, bool lazy) =>
        lazy ? new Instruction(Op.Split) { X = skip, Y = body } : new Instruction(Op.Split) { X = body, Y = skip };

    private int Placeholder()
    {
        _program.Add(new Instruction(Op.Jump));
        return _program.Count - 1;
    }

    private enum Op
    {
        Char,
        Split,
        Jump,
        Match,
        Beginning,
        End,
        WordBoundary,
        NotWordBoundary,
    }

    private sealed record Instruction(Op Op)
    {
        public Func<char, bool> Accepts { get; init; } = static _ => false;

        public int X { get; init; }

        public int Y { get; init; }
    }

    /// <summary>The threads of one position, in priority order, at most one per instruction.</summary>
    private sealed class ThreadList(int size)
    {
        private readonly int[] _generation = new int[size];
        private readonly List<(int Pc, int Start)> _threads = [];
        private int _current = 1;

        public int Count => _threads.Count;

        public (int Pc, int Start) this[int index] => _threads[index];

        public bool TryMark(int pc)
        {
            if (_generation[pc] == _current)
            {
                return false;
            }

            _generation[pc] = _current;
            return true;
        }

        public void Append(int pc, int start) => _threads.Add((pc, start));

        public void Clear()
        {
            _threads.Clear();
            _current++;
        }
    }

    private abstract record Node;

    private sealed record CharNode(Func<char, bool> Accepts) : Node;

    private sealed record AssertNode(Op Op) : Node;

    private sealed record SequenceNode(IReadOnlyList<Node> Items) : Node;

    private sealed record AlternationNode(IReadOnlyList<Node> Branches) : Node;

    private sealed record RepeatNode(Node Body, int Min, int? Max, bool Lazy) : Node;

    private sealed class Parser(string pattern)
    {
        public int Position { get; private set; }

        public bool AtEnd => Position >= pattern.Length;

        public Node ParseAlternation()
        {
            var branches = new List<Node> { ParseSequence() };
            while (!AtEnd && pattern[Position] == '|')
            {
                Position++;
                branches.Add(ParseSequence());
            }

            return branches.Count == 1 ? branches[0] : new AlternationNode(branches);
        }

        private Node ParseSequence()
        {
            var items = new List<Node>();
            while (!AtEnd && pattern[Position] is not '|' and not ')')
            {
                items.Add(ParseQuantified(ParseAtom()));
            }

            return items.Count == 1 ? items[0] : new SequenceNode(items);
        }

        private Node ParseQuantified(Node atom)
        {
            while (!AtEnd)
            {
                int min;
                int? max;
                switch (pattern[Position])
                {
                    case '*':
                        (min, max) = (0, null);
                        Position++;
                        break;
                    case '+':
                        (min, max) = (1, null);
                        Position++;
                        break;
                    case '?':
                        (min, max) = (0, 1);
                        Position++;
                        break;
                    case '{' when TryParseBraces(out min, out max):
                        break;
                    default:
                        return atom;
                }

                var lazy = !AtEnd && pattern[Position] == '?';
                if (lazy)
                {
                    Position++;
                }

                atom = new RepeatNode(atom, min, max, lazy);
            }

            return atom;
        }

        private bool TryParseBraces(out int min, out int? max)
        {
            var close = pattern.IndexOf('}', Position);
            var body = close < 0 ? string.Empty : pattern[(Position + 1)..close];
            var parts = body.Split(',');
            min = 0;
            max = null;
            if (parts.Length is < 1 or > 2 || !int.TryParse(parts[0], out min))
            {
                return false;
            }

            if (parts.Length == 1)
            {
                max = min;
            }
            else if (parts[1].Length > 0)
            {
                if (!int.TryParse(parts[1], out var upper))
                {
                    return false;
                }

                max = upper;
            }

            Position = close + 1;
            return true;
        }

        private Node ParseAtom()
        {
            var c = pattern[Position++];
            switch (c)
            {
                case '(':
                    if (pattern[Position] == '?')
                    {
                        if (pattern[Position + 1] == ':')
                        {
                            Position += 2;
                        }
                        else if (pattern[Position + 1] == '<' && pattern[Position + 2] is not '=' and not '!')
                        {
                            Position = pattern.IndexOf('>', Position) + 1;
                        }
                        else
                        {
                            throw new NotSupportedException($"Group construct at {Position} in '{pattern}'.");
                        }
                    }

                    var inner = ParseAlternation();
                    if (AtEnd || pattern[Position] != ')')
                    {
                        throw new NotSupportedException($"Unclosed group in '{pattern}'.");
                    }

                    Position++;
                    return inner;
                case '[':
                    return ParseClass();
                case '.':
                    return new CharNode(static ch => ch != '\n');
                case '^':
                    return new AssertNode(Op.Beginning);
                case '$':
                    return new AssertNode(Op.End);
                case '\\':
                    return ParseEscape(pattern[Position++]) ?? (Node)new AssertNode(pattern[Position - 1] == 'b' ? Op.WordBoundary : Op.NotWordBoundary);
                default:
                    return new CharNode(ch => ch == c);
            }
        }

        private static CharNode? ParseEscape(char e) => e switch
        {
            'b' or 'B' => null,
            _ => new CharNode(EscapeClass(e)),
        };

        private static Func<char, bool> EscapeClass(char e) => e switch
        {
            's' => char.IsWhiteSpace,
            'S' => static ch => !char.IsWhiteSpace(ch),
            'd' => char.IsDigit,
            'D' => static ch => !char.IsDigit(ch),
            'w' => IsWordChar,
            'W' => static ch => !IsWordChar(ch),
            'n' => static ch => ch == '\n',
            'r' => static ch => ch == '\r',
            't' => static ch => ch == '\t',
            _ when char.IsLetterOrDigit(e) => throw new NotSupportedException($"Escape \\{e}."),
            _ => ch => ch == e,
        };

        private CharNode ParseClass()
        {
            var negated = pattern[Position] == '^';
            if (negated)
            {
                Position++;
            }

            var members = new List<Func<char, bool>>();
            var first = true;
            while (pattern[Position] != ']' || first)
            {
                first = false;
                Func<char, bool> member;
                char low;
                if (pattern[Position] == '\\')
                {
                    var e = pattern[Position + 1];
                    Position += 2;
                    member = EscapeClass(e);
                    if (char.IsLetter(e) && e is not 'n' and not 'r' and not 't')
                    {
                        members.Add(member);
                        continue;
                    }

                    low = e switch { 'n' => '\n', 'r' => '\r', 't' => '\t', _ => e };
                }
                else
                {
                    low = pattern[Position++];
                }

                if (pattern[Position] == '-' && pattern[Position + 1] != ']')
                {
                    var high = pattern[Position + 1] == '\\' ? pattern[Position + 2] : pattern[Position + 1];
                    Position += pattern[Position + 1] == '\\' ? 3 : 2;
                    members.Add(ch => ch >= low && ch <= high);
                }
                else
                {
                    members.Add(ch => ch == low);
                }
            }

            Position++;
            var all = members.ToArray();
            return new CharNode(negated ? ch => !all.Any(m => m(ch)) : ch => all.Any(m => m(ch)));
        }
    }
}
