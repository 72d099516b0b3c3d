using System.Text.Json;
using SafeOpenAI.Cli.Evaluation.Groundedness;

namespace SafeOpenAI.Cli.Tests.Groundedness;

public class GroundednessEvalCommandTests
{
    private static readonly string[] Keys =
        ["n", "tp", "fp", "tn", "fn", "tpr", "fpr", "precision", "recall", "f1", "balanced_accuracy", "mean_us_per_item"];

    private static readonly string[] Rows =
    [
        """{"context":"The museum is closed on Mondays. Entry costs 15 euros.","question":"Is it open on Monday?","answer":"No, it is closed on Mondays.","label":0,"source":"museum"}""",
        """{"context":"The museum is closed on Mondays. Entry costs 15 euros.","question":"How much is entry?","answer":"Entry costs 25 euros, and students pay half price on weekends.","label":1,"source":"museum"}""",
        """{"context":"Lake Baikal is in Siberia.","answer":"Siberia","label":0}""",
        """{"context":"Lake Baikal is in Siberia.","answer":"Mongolia","label":true}""",
    ];

    private static string WriteRows(params string[] rows)
    {
        var path = Path.GetTempFileName();
        File.WriteAllLines(path, rows);
        return path;
    }

    [Test]
    public void Json_output_has_the_injection_keys_by_source_and_the_length_baseline()
    {
        var path = WriteRows(Rows);
        try
        {
            using var output = new StringWriter();

            var exit = GroundednessEvalCommand.Run(new FileInfo(path), json: true, output);

            using var doc = JsonDocument.Parse(output.ToString());
            var root = doc.RootElement;
            Assert.Multiple(() =>
            {
                Assert.That(exit, Is.Zero);
                Assert.That(root.EnumerateObject().Select(p => p.Name), Is.EqualTo(Keys.Append("by_source").Append("length_baseline")));
                Assert.That(root.GetProperty("n").GetInt32(), Is.EqualTo(4));
                Assert.That(root.GetProperty("tp").GetInt32(), Is.EqualTo(2), "both unsupported answers are flagged");
                Assert.That(root.GetProperty("fp").GetInt32(), Is.Zero);
                Assert.That(root.GetProperty("by_source").EnumerateObject().Select(p => p.Name), Is.EquivalentTo(new[] { "museum", "unknown" }));
                var baseline = root.GetProperty("length_baseline");
                Assert.That(baseline.EnumerateObject().Select(p => p.Name), Is.EqualTo(Keys.Prepend("threshold_characters")));
                Assert.That(baseline.GetProperty("n").GetInt32(), Is.EqualTo(4));
            });
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void The_length_baseline_picks_the_threshold_with_the_best_balanced_accuracy()
    {
        // Long answers are the unsupported ones here: a length threshold separates them perfectly.
        var path = WriteRows(
            """{"context":"c","answer":"short","label":0}""",
            """{"context":"c","answer":"tiny","label":0}""",
            """{"context":"c","answer":"a much longer answer","label":1}""");
        try
        {
            using var output = new StringWriter();
            GroundednessEvalCommand.Run(new FileInfo(path), json: true, output);

            using var doc = JsonDocument.Parse(output.ToString());
            var baseline = doc.RootElement.GetProperty("length_baseline");
            Assert.That(baseline.GetProperty("balanced_accuracy").GetDouble(), Is.EqualTo(1.0));
            Assert.That(baseline.GetProperty("threshold_characters").GetInt32(), Is.EqualTo("a much longer answer".Length));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void Table_output_names_every_source_the_total_and_the_baseline()
    {
        var path = WriteRows(Rows);
        try
        {
            using var output = new StringWriter();
            GroundednessEvalCommand.Run(new FileInfo(path), json: false, output);
            Assert.That(output.ToString(), Does.Contain("museum").And.Contain("ALL").And.Contain("length>=").And.Contain("bal.acc"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [TestCase("""{"answer":"x","label":0}""", "context")]
    [TestCase("""{"context":"c","answer":"x","label":2}""", "label")]
    [TestCase("{\"context\":\"c\",\"answer\":", "")]
    public void A_bad_row_names_the_file_and_line(string badRow, string field)
    {
        var path = WriteRows(Rows[0], badRow);
        try
        {
            var ex = Assert.Throws<InvalidDataException>(() => GroundednessEvalCommand.Run(new FileInfo(path), json: true, TextWriter.Null));
            Assert.That(ex!.Message, Does.StartWith($"{path}:2:").And.Contain(field));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void The_eval_group_has_the_groundedness_subcommand() =>
        Assert.That(EvalCommands.Create().Subcommands.Select(c => c.Name), Does.Contain("groundedness"));
}
