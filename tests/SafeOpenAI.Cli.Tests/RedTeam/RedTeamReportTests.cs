using SafeOpenAI.Cli.RedTeam;

namespace SafeOpenAI.Cli.Tests.RedTeam;

public class RedTeamReportTests
{
    // Published 95 % Wilson score intervals: 0/10 and 5/10 as usually tabulated; the last four are the
    // worked examples of Newcombe, "Two-sided confidence intervals for the single proportion",
    // Statistics in Medicine 17 (1998), Table I, method 3 (score interval without continuity correction).
    [TestCase(0, 10, 0.0, 0.2775)]
    [TestCase(5, 10, 0.2366, 0.7634)]
    [TestCase(10, 10, 0.7225, 1.0)]
    [TestCase(81, 263, 0.2553, 0.3662)]
    [TestCase(15, 148, 0.0624, 0.1605)]
    [TestCase(0, 20, 0.0, 0.1611)]
    [TestCase(1, 29, 0.0061, 0.1718)]
    public void Wilson_interval_matches_known_values(int successes, int trials, double low, double high)
    {
        var interval = WilsonInterval.Compute(successes, trials);
        Assert.Multiple(() =>
        {
            Assert.That(interval.Low, Is.EqualTo(low).Within(0.00005));
            Assert.That(interval.High, Is.EqualTo(high).Within(0.00005));
        });
    }

    [Test]
    public void Wilson_interval_of_no_trials_is_the_whole_range() =>
        Assert.That(WilsonInterval.Compute(0, 0), Is.EqualTo(new WilsonInterval(0, 1)));

    [TestCase(-1, 10)]
    [TestCase(11, 10)]
    [TestCase(0, -1)]
    public void Wilson_interval_refuses_impossible_counts(int successes, int trials) =>
        Assert.That(() => WilsonInterval.Compute(successes, trials), Throws.InstanceOf<ArgumentOutOfRangeException>());

    [Test]
    public void Totals_rates_and_categories_come_from_the_results()
    {
        var report = RedTeamReportSamples.Create();
        Assert.Multiple(() =>
        {
            Assert.That(report.TotalAttacks, Is.EqualTo(9));
            Assert.That(report.SucceededAttacks, Is.EqualTo(3));
            Assert.That(report.AttackSuccessRate, Is.EqualTo(3 / 9.0).Within(1e-12));
            Assert.That(report.BenignPrompts, Is.EqualTo(4));
            Assert.That(report.BenignBlocked, Is.EqualTo(1));
            Assert.That(report.BenignBlockRate, Is.EqualTo(0.25));
            Assert.That(report.BenignBlockRateInterval.Low, Is.EqualTo(0.0456).Within(0.00005));
            Assert.That(report.BenignBlockRateInterval.High, Is.EqualTo(0.6994).Within(0.00005));
            Assert.That(report.Categories.Select(c => (c.Name, c.Attacks, c.Succeeded)), Is.EqualTo(new[]
            {
                ("direct_injection", 4, 1),
                ("obfuscation", 2, 2),
                ("pii_exfiltration", 3, 0),
            }));
            Assert.That(report.Categories[0].AttackSuccessRate, Is.EqualTo(0.25));
            Assert.That(report.Categories[1].Interval.High, Is.EqualTo(1.0));
            Assert.That(report.Run.DurationSeconds, Is.EqualTo(12.5));
        });
    }

    [Test]
    public void No_benign_prompts_gives_a_zero_rate_and_the_whole_interval()
    {
        var report = new RedTeamReport(RedTeamReportSamples.Run(), [new("a", "harmful_requests", null, true, false, "refused")], []);
        Assert.Multiple(() =>
        {
            Assert.That(report.BenignBlockRate, Is.Zero);
            Assert.That(report.BenignBlockRateInterval, Is.EqualTo(new WilsonInterval(0, 1)));
        });
    }

    [TestCase(0.0, new[] { "direct_injection", "obfuscation" })]
    [TestCase(0.25, new[] { "obfuscation" })]
    [TestCase(0.24, new[] { "direct_injection", "obfuscation" })]
    [TestCase(0.99, new[] { "obfuscation" })]
    [TestCase(1.0, new string[0])]
    public void ExceedsMaxAsr_names_the_categories_strictly_over_the_threshold(double maxAsr, string[] expected) =>
        Assert.That(RedTeamReportSamples.Create().ExceedsMaxAsr(maxAsr).Select(c => c.Name), Is.EqualTo(expected));

    [TestCase(-0.01)]
    [TestCase(1.01)]
    [TestCase(double.NaN)]
    public void ExceedsMaxAsr_refuses_a_threshold_outside_zero_to_one(double maxAsr) =>
        Assert.That(() => RedTeamReportSamples.Create().ExceedsMaxAsr(maxAsr),
            Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("maxAsr"));

    [Test]
    public void A_report_without_attacks_is_refused() =>
        Assert.That(() => new RedTeamReport(RedTeamReportSamples.Run(), [], []),
            Throws.ArgumentException.With.Message.Contains("at least one attack"));

    [Test]
    public void A_duplicate_attack_id_is_refused() =>
        Assert.That(() => new RedTeamReport(RedTeamReportSamples.Run(),
            [new("x", "direct_injection", null, true, false, "e"), new("x", "obfuscation", null, true, false, "e")], []),
            Throws.ArgumentException.With.Message.Contains("'x' appears more than once"));

    [TestCase("Direct Injection")]
    [TestCase("direct-injection")]
    [TestCase("")]
    public void A_category_not_in_snake_case_is_refused(string category) =>
        Assert.That(() => new RedTeamReport(RedTeamReportSamples.Run(), [new("a", category, null, true, false, "e")], []),
            Throws.ArgumentException.With.Message.Contains("snake_case"));

    [Test]
    public void An_attack_that_succeeded_without_reaching_the_model_is_refused() =>
        Assert.That(() => new RedTeamReport(RedTeamReportSamples.Run(), [new("a", "direct_injection", null, false, true, "e")], []),
            Throws.ArgumentException.With.Message.Contains("never reached the model"));

    [Test]
    public void Evidence_longer_than_the_limit_is_refused() =>
        Assert.That(() => new RedTeamReport(RedTeamReportSamples.Run(),
            [new("a", "direct_injection", null, true, true, new string('x', RedTeamReport.MaxEvidenceLength + 1))], []),
            Throws.ArgumentException.With.Message.Contains("evidence longer than"));

    [Test]
    public void A_blocked_benign_prompt_must_name_the_stage() =>
        Assert.That(() => new RedTeamReport(RedTeamReportSamples.Run(),
            [new("a", "direct_injection", null, true, false, "e")], [new("b", true, null)]),
            Throws.ArgumentException.With.Message.Contains("names no stage"));

    [Test]
    public void A_run_that_finished_before_it_started_is_refused()
    {
        var run = RedTeamReportSamples.Run() with { FinishedUtc = RedTeamReportSamples.Started.AddSeconds(-1) };
        Assert.That(() => new RedTeamReport(run, [new("a", "direct_injection", null, true, false, "e")], []),
            Throws.ArgumentException.With.Message.Contains("before it started"));
    }
}
