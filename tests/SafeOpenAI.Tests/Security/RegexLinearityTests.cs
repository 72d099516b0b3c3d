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
