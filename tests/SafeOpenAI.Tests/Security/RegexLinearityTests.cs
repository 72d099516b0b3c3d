using System.Reflection;
using System.Text.RegularExpressions;

namespace SafeOpenAI.Tests.Security;

/// <summary>
/// Every regular expression SafeOpenAI runs over user text or model output is linear-time by
/// construction (<see cref="RegexOptions.NonBacktracking"/>, .NET's automaton engine) or bounded
/// (a match timeout): no input can make it backtrack without end.
/// </summary>
public class RegexLinearityTests
{
    private const int SmallLength = 500;
    private const double MaxLinearRatio = 150;

    private static readonly HashSet<string> InjectionSignalPatterns = RegexInventory.Of(typeof(SafeChatClient).Assembly)
        .Where(r => r.Name.StartsWith("InjectionSignals", StringComparison.Ordinal)).Select(r => r.Regex.ToString()).ToHashSet();

    private static long Work(CountingAutomaton automaton, string text, bool enumerate)
    {
        var before = automaton.Steps;
        _ = enumerate ? automaton.CountMatches(text) : automaton.IsMatch(text) ? 1 : 0;
        return automaton.Steps - before;
    }

    private static IEnumerable<TestCaseData> Regexes() =>
        RegexInventory.Of(typeof(SafeChatClient).Assembly).Select(r => new TestCaseData(r.Regex).SetArgDisplayNames(r.Name));

    [Test]
    public void The_inventory_finds_the_library_regexes()
    {
        var names = RegexInventory.Of(typeof(SafeChatClient).Assembly).Select(r => r.Name).ToList();

        // The known owners: the secrets detector, the injection signals and the groundedness quote finder.
        Assert.That(names, Has.Some.StartsWith("SecretDetector."));
        Assert.That(names, Has.Some.StartsWith("InjectionSignals"));
        Assert.That(names, Has.Some.StartsWith("LexicalGroundednessChecker."));
        Assert.That(names, Has.Count.GreaterThanOrEqualTo(10));
    }

    [TestCaseSource(nameof(Regexes))]
    public void Each_regex_does_at_most_linear_work_from_a_1x_to_a_100x_hostile_input(Regex regex)
    {
        // The injection signals are only ever asked IsMatch; the other regexes enumerate matches.
        var enumerates = !InjectionSignalPatterns.Contains(regex.ToString());
        var automaton = new CountingAutomaton(regex.ToString(), regex.Options);
        var worst = (Ratio: 0.0, Unit: string.Empty);
        foreach (var unit in HostileUnits.For(regex.ToString()))
        {
            var small = HostileUnits.Repeat(unit, SmallLength);
            var large = HostileUnits.Repeat(unit, SmallLength * 100);
            var ratio = (double)Work(automaton, large, enumerates) / Work(automaton, small, enumerates);
            if (ratio > worst.Ratio)
            {
                worst = (ratio, unit.Length > 40 ? unit[..40] + "…" : unit);
            }
        }

        // Linear work grows about 100-fold; a quadratic pattern grows about 10,000-fold.
        TestContext.Out.WriteLine($"worst growth {worst.Ratio:N1}x on repetitions of '{worst.Unit}'");
        Assert.That(worst.Ratio, Is.LessThanOrEqualTo(MaxLinearRatio), $"'{regex}' grew {worst.Ratio:N0}-fold on repetitions of '{worst.Unit}'");
    }

    [Test]
    public void The_work_count_tells_a_quadratic_enumeration_from_a_linear_one()
    {
        // a*b|a over a run of a: every match is one 'a', but each attempt scans to the end of the run
        // looking for the preferred a*b. .NET's NonBacktracking engine takes about 45 times as long
        // for 10 times the input on this pattern; the count must see it (shorter runs here, as the
        // quadratic count itself is slow to make).
        var quadratic = new CountingAutomaton("a*b|a", RegexOptions.None);
        var linear = new CountingAutomaton("a+b|a", RegexOptions.None);
        var small = new string('a', 100);
        var large = new string('a', 10_000);

        var quadraticRatio = (double)Work(quadratic, large, enumerate: true) / Work(quadratic, small, enumerate: true);
        var oneMatchRatio = (double)Work(new CountingAutomaton("a*b", RegexOptions.None), large, enumerate: true) / Work(new CountingAutomaton("a*b", RegexOptions.None), small, enumerate: true);

        Assert.That(quadraticRatio, Is.GreaterThan(MaxLinearRatio * 10));
        Assert.That(oneMatchRatio, Is.LessThanOrEqualTo(MaxLinearRatio));
        Assert.That(quadratic.CountMatches("aaab"), Is.EqualTo(1));
        Assert.That(linear.CountMatches("aaa"), Is.EqualTo(3));
        Assert.That(new CountingAutomaton(@"\b(ignore|skip)\b[^.\n]{0,5}\brules\b", RegexOptions.None).IsMatch("please ignore the rules now"), Is.True);
        Assert.That(new CountingAutomaton(@"\b(ignore|skip)\b[^.\n]{0,5}\brules\b", RegexOptions.None).IsMatch("please ignore all of the rules"), Is.False);
    }

    [TestCaseSource(nameof(Regexes))]
    public void The_work_count_finds_what_the_library_regex_finds(Regex regex)
    {
        var automaton = new CountingAutomaton(regex.ToString(), regex.Options);
        foreach (var unit in HostileUnits.For(regex.ToString()))
        {
            var text = HostileUnits.Repeat(unit, 300);
            var expected = regex.Matches(text).Select(m => (m.Index, m.Index + m.Length)).ToList();
            Assert.That(automaton.Matches(text), Is.EqualTo(expected), $"matches of '{regex}' in repetitions of '{unit}'");
        }
    }

    [TestCaseSource(nameof(Regexes))]
    public void Each_regex_is_linear_time_or_bounded(Regex regex) =>
        Assert.That(
            (regex.Options & RegexOptions.NonBacktracking) != 0 || regex.MatchTimeout != Regex.InfiniteMatchTimeout,
            Is.True,
            $"'{regex}' backtracks without a match timeout");
}

/// <summary>
/// Finds the regular expressions an assembly holds: static <see cref="Regex"/> fields, the
/// <see cref="Regex"/> fields of objects held in static arrays and lists (a table of signals), and
/// source-generated regex methods (<see cref="GeneratedRegexAttribute"/>).
/// </summary>
internal static class RegexInventory
{
    private const BindingFlags Static = BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly;
    private const BindingFlags Instance = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic;

    public static IReadOnlyList<(string Name, Regex Regex)> Of(Assembly assembly)
    {
        var found = new List<(string, Regex)>();
        foreach (var type in assembly.GetTypes().Where(static t => !t.ContainsGenericParameters))
        {
            foreach (var method in type.GetMethods(Static).Where(static m => m.GetCustomAttribute<GeneratedRegexAttribute>() is not null && m.GetParameters().Length == 0))
            {
                found.Add(($"{type.Name}.{method.Name}", (Regex)method.Invoke(null, null)!));
            }

            foreach (var field in type.GetFields(Static).Where(static f => !f.IsLiteral))
            {
                object? value;
                try
                {
                    value = field.GetValue(null);
                }
                catch (TargetInvocationException)
                {
                    continue;
                }

                switch (value)
                {
                    case Regex regex:
                        found.Add(($"{type.Name}.{field.Name}", regex));
                        break;
                    case System.Collections.IEnumerable items when value is not string:
                        var index = 0;
                        foreach (var item in items)
                        {
                            if (item is null || item.GetType().IsPrimitive || item is string)
                            {
                                break;
                            }

                            foreach (var inner in item.GetType().GetFields(Instance).Where(static f => f.FieldType == typeof(Regex)))
                            {
                                if (inner.GetValue(item) is Regex held)
                                {
                                    found.Add(($"{type.Name}.{field.Name}[{index}]", held));
                                }
                            }

                            index++;
                        }

                        break;
                }
            }
        }

        return found;
    }
}

/// <summary>
/// Hostile inputs for a pattern: repetitions of near misses built from the pattern itself (its
/// words, its literal skeleton, each of its prefixes up to a quantifier), of the quote and
/// separator characters patterns stop at, and of single letters and digits, which keep a greedy
/// class loop running.
/// </summary>
internal static class HostileUnits
{
    public static IEnumerable<string> For(string pattern)
    {
        var words = Regex.Matches(pattern, "[A-Za-z]{2,}", RegexOptions.None, TimeSpan.FromSeconds(1)).Select(m => m.Value).Distinct().ToList();
        yield return string.Join(' ', words.Take(40)) + " ";
        yield return Skeleton(pattern);
        yield return Skeleton(pattern) + "x";
        foreach (var single in new[] { "a", "A", "0", "-", " ", "\"", "“", "=", "/", "_", "." })
        {
            yield return single;
        }

        foreach (var word in words.Take(12))
        {
            yield return word + " ";
        }
    }

    public static string Repeat(string unit, int length)
    {
        var builder = new System.Text.StringBuilder(length + unit.Length);
        while (builder.Length < length)
        {
            builder.Append(unit);
        }

        return builder.ToString(0, length);
    }

    /// <summary>The pattern's literal text: escapes unescaped, a class replaced by its first member, operators dropped.</summary>
    private static string Skeleton(string pattern)
    {
        var text = new System.Text.StringBuilder();
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            switch (c)
            {
                case '\\' when i + 1 < pattern.Length:
                    var e = pattern[++i];
                    text.Append(e switch { 's' => ' ', 'w' => 'a', 'd' => '1', 'n' => '\n', 'b' or 'B' => '\0', _ => e });
                    break;
                case '[':
                    var close = pattern.IndexOf(']', i + 2);
                    var first = pattern[i + 1] == '^' ? 'a' : pattern[i + 1] == '\\' ? ' ' : pattern[i + 1];
                    text.Append(first);
                    i = close < 0 ? pattern.Length : close;
                    break;
                case '{':
                    var end = pattern.IndexOf('}', i);
                    i = end < 0 ? i : end;
                    break;
                case '(' when i + 2 < pattern.Length && pattern[i + 1] == '?' && pattern[i + 2] == '<':
                    i = pattern.IndexOf('>', i);
                    break;
                case '(' when i + 2 < pattern.Length && pattern[i + 1] == '?' && pattern[i + 2] == ':':
                    i += 2;
                    break;
                case '(' or ')' or '|' or '?' or '*' or '+' or '^' or '$':
                    break;
                default:
                    text.Append(c);
                    break;
            }
        }

        return text.ToString().Replace("\0", string.Empty, StringComparison.Ordinal);
    }
}
