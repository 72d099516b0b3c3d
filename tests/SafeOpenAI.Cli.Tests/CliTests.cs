
namespace SafeOpenAI.Cli.Tests;

/// <summary>The built <c>safeopenai</c> tool, run as a process the way a user or CI runs it.</summary>
public class CliTests
{
    [Test]
    public void A_malformed_row_stops_the_run_with_exit_code_2_and_names_the_file_and_line()
    {
        var data = Path.Combine(Path.GetTempPath(), $"safeopenai-bad-{Guid.NewGuid():N}.jsonl");
        File.WriteAllText(data, "{\"text\":\"hello\",\"label\":0}\n{\"text\": oops\n");
        try
        {
            foreach (var detector in new[] { "injection", "pii" })
            {
                var (exit, stdout, stderr) = CliProcess.Run($"eval {detector} --data \"{data}\" --json");

                Assert.That(exit, Is.EqualTo(2), detector);
                Assert.That(stderr, Does.Contain($"{data}:2:"), detector);
                Assert.That(stderr, Does.Not.Contain(" at "), "no stack trace for bad input");
                Assert.That(stdout, Is.Empty, detector);
            }
        }
        finally
        {
            File.Delete(data);
        }
    }

    [Test]
    public void A_malformed_groundedness_row_stops_the_run_with_exit_code_2_and_names_the_file_and_line()
    {
        var data = Path.Combine(Path.GetTempPath(), $"safeopenai-bad-{Guid.NewGuid():N}.jsonl");
        File.WriteAllText(data, "{\"context\":\"c\",\"answer\":\"a\",\"label\":0}\n{\"context\":\"c\",\"label\":1}\n");
        try
        {
            var (exit, stdout, stderr) = CliProcess.Run($"eval groundedness --data \"{data}\" --json");

            Assert.That(exit, Is.EqualTo(2));
            Assert.That(stderr, Does.Contain($"{data}:2:").And.Contain("answer"));
            Assert.That(stderr, Does.Not.Contain(" at "), "no stack trace for bad input");
            Assert.That(stdout, Is.Empty);
        }
        finally
        {
            File.Delete(data);
        }
    }

    [Test]
    public void A_missing_file_is_refused_with_exit_code_2()
    {
        var (exit, _, stderr) = CliProcess.Run("eval injection --data /nonexistent/rows.jsonl");

        Assert.That(exit, Is.EqualTo(2));
        Assert.That(stderr, Does.Contain("No such file"));
    }
}
