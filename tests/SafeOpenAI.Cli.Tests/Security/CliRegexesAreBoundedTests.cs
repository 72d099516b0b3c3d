using System.Reflection;
using System.Text.RegularExpressions;
using SafeOpenAI.Cli.RedTeam;

namespace SafeOpenAI.Cli.Tests.Security;

/// <summary>
/// The command-line tool's regular expressions read attack suites, configuration keys and model
/// answers (the red-team judge's canary pattern), so each one is bounded by a match timeout or runs
/// on the linear NonBacktracking engine, like the library's own.
/// </summary>
public class CliRegexesAreBoundedTests
{
    private static IEnumerable<TestCaseData> Regexes() =>
        typeof(AttackSuiteReader).Assembly.GetTypes()
            .SelectMany(static t => t.GetMethods(BindingFlags.Static | BindingFlags.NonPublic | BindingFlags.Public | BindingFlags.DeclaredOnly))
            .Where(static m => m.GetCustomAttribute<GeneratedRegexAttribute>() is not null && m.GetParameters().Length == 0)
            .Select(static m => new TestCaseData((Regex)m.Invoke(null, null)!).SetArgDisplayNames($"{m.DeclaringType!.Name}.{m.Name}"));

    [Test]
    public void The_cli_regexes_are_found() => Assert.That(Regexes().Count(), Is.GreaterThanOrEqualTo(6));

    [TestCaseSource(nameof(Regexes))]
    public void Each_cli_regex_is_linear_time_or_bounded(Regex regex) =>
        Assert.That(
            (regex.Options & RegexOptions.NonBacktracking) != 0 || regex.MatchTimeout != Regex.InfiniteMatchTimeout,
            Is.True,
            $"'{regex}' backtracks without a match timeout");
}
