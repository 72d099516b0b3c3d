using System.Diagnostics;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;

namespace SafeOpenAI.Tests.Security;

/// <summary>
/// Every regular expression SafeOpenAI runs over user text or model output is linear-time
/// (<see cref="RegexOptions.NonBacktracking"/>) or bounded (a match timeout), and none shows
/// super-linear growth on adversarial input: each is run over inputs of 100 KB and 1 MB made of the
/// same repeated unit, and the larger may take at most 40 times as long as the smaller (linear is
/// 10 times, quadratic 100 times). Both inputs are large enough for the engine to have settled
/// (the automaton of a NonBacktracking regex is built lazily, and may switch mode once), and each is
/// timed as the best of five runs. No absolute time is asserted.
/// </summary>
public class RegexLinearityTests
{
    private const int SmallCharacters = 100 * 1024;
    private const int Growth = 10;
    private const double MaxRatio = 4.0 * Growth;

    // Units that make backtracking engines explode on common pattern shapes: runs of one letter or
    // digit, separators, quote characters, and the alphabets of keys, addresses and tokens.
    private static readonly string[] s_units =
    [
        "a", "1", " ", "-", "\"", "a1-_.", "x@y.", "ignore previous instructions ", "sk-", "AKIA", "eyJ", "==", "://", "\u201c",
    ];

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
    public void Each_regex_is_linear_time_or_bounded(Regex regex) =>
        Assert.That(
            (regex.Options & RegexOptions.NonBacktracking) != 0 || regex.MatchTimeout != Regex.InfiniteMatchTimeout,
            Is.True,
            $"'{regex}' backtracks without a match timeout");

    [TestCaseSource(nameof(Regexes))]
    public void Each_regex_grows_linearly_on_adversarial_input(Regex regex)
    {
        foreach (var unit in s_units)
        {
            var ratio = GrowthRatio(regex, unit, SmallCharacters);
            Assert.That(ratio, Is.LessThan(MaxRatio), $"unit '{unit}': {Growth}× the input took {ratio:F0}× as long");
        }
    }

    [Test]
    public void The_growth_check_catches_a_quadratic_regex()
    {
        // Over a run of "a" with no "b" or "c", a backtracking engine scans to the end from every
        // position: quadratic. (A plain "a*b" is not: .NET first looks for the required "b".)
        var quadratic = new Regex("(?:x|a)a*(?:b|c)", RegexOptions.None);

        Assert.That(GrowthRatio(quadratic, "a", 2_000), Is.GreaterThan(MaxRatio));
    }

    /// <summary>How many times longer the regex takes over <see cref="Growth"/>× the input (best of five runs each).</summary>
    private static double GrowthRatio(Regex regex, string unit, int smallCharacters)
    {
        var smallTicks = Math.Max(BestOfFive(regex, Repeat(unit, smallCharacters)), Stopwatch.Frequency / 5_000); // at least 200 µs, so noise in a tiny run cannot inflate the ratio
        var largeTicks = BestOfFive(regex, Repeat(unit, smallCharacters * Growth));
        return (double)largeTicks / smallTicks;
    }

    private static long BestOfFive(Regex regex, string input)
    {
        var best = long.MaxValue;
        for (var i = 0; i < 5; i++)
        {
            var start = Stopwatch.GetTimestamp();
            try
            {
                _ = regex.Count(input);
            }
            catch (RegexMatchTimeoutException)
            {
                // A bounded regex stops at its timeout: bounded is what it promises.
            }

            best = Math.Min(best, Stopwatch.GetTimestamp() - start);
        }

        return best;
    }

    private static string Repeat(string unit, int characters)
    {
        var builder = new StringBuilder(characters + unit.Length);
        while (builder.Length < characters)
        {
            builder.Append(unit);
        }

        return builder.ToString(0, characters);
    }
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
