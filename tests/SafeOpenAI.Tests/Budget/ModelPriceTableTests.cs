namespace SafeOpenAI.Tests.Budget;

public class ModelPriceTableTests
{
    [TestCase("gpt-4o", 2.50, 1.25, 10.00)]
    [TestCase("gpt-4o-2024-08-06", 2.50, 1.25, 10.00)]
    [TestCase("gpt-4o-mini", 0.15, 0.075, 0.60)]
    [TestCase("gpt-4o-mini-2024-07-18", 0.15, 0.075, 0.60)]
    [TestCase("GPT-4o-Mini", 0.15, 0.075, 0.60)]
    [TestCase("gpt-4.1-nano-2025-04-14", 0.10, 0.025, 0.40)]
    [TestCase("gpt-5-mini-2025-08-07", 0.25, 0.025, 2.00)]
    [TestCase("gpt-5", 1.25, 0.125, 10.00)]
    [TestCase("o4-mini-2025-04-16", 1.10, 0.275, 4.40)]
    public void Finds_exact_names_and_dated_snapshots(string model, double input, double cached, double output)
    {
        Assert.That(ModelPriceTable.Default.TryGetPrice(model, out var price), Is.True);
        Assert.Multiple(() =>
        {
            Assert.That(price!.InputPerMillion, Is.EqualTo((decimal)input));
            Assert.That(price.CachedInputPerMillion, Is.EqualTo((decimal)cached));
            Assert.That(price.OutputPerMillion, Is.EqualTo((decimal)output));
        });
    }

    [TestCase("gpt-4")]
    [TestCase("gpt-4o4")]
    [TestCase("o3x")]
    [TestCase("ft:gpt-4o-mini-2024-07-18:acme::x")]
    [TestCase("")]
    public void Unknown_models_have_no_price(string model)
    {
        Assert.That(ModelPriceTable.Default.TryGetPrice(model, out var price), Is.False);
        Assert.That(price, Is.Null);
    }

    [Test]
    public void Overrides_win_and_extend()
    {
        var table = new ModelPriceTable(new Dictionary<string, ModelPrice>
        {
            ["gpt-4o"] = new() { InputPerMillion = 1m, OutputPerMillion = 2m },
            ["my-model"] = new() { InputPerMillion = 3m, CachedInputPerMillion = 1m, OutputPerMillion = 4m },
        });

        Assert.Multiple(() =>
        {
            Assert.That(table.TryGetPrice("gpt-4o-2024-08-06", out var gpt4o), Is.True);
            Assert.That(gpt4o!.InputPerMillion, Is.EqualTo(1m));
            Assert.That(gpt4o.CachedInputPerMillion, Is.Null);
            Assert.That(table.TryGetPrice("gpt-4o-mini", out var mini), Is.True);
            Assert.That(mini!.InputPerMillion, Is.EqualTo(0.15m));
            Assert.That(table.TryGetPrice("my-model-v2", out var mine), Is.True);
            Assert.That(mine!.OutputPerMillion, Is.EqualTo(4m));
            Assert.That(ModelPriceTable.Default.TryGetPrice("my-model", out _), Is.False);
        });
    }

    [Test]
    public void Returned_prices_are_copies()
    {
        var source = new ModelPrice { InputPerMillion = 1m, OutputPerMillion = 1m };
        var table = new ModelPriceTable(new Dictionary<string, ModelPrice> { ["m"] = source });
        source.InputPerMillion = 99m;
        table.TryGetPrice("m", out var first);
        first!.InputPerMillion = 42m;

        table.TryGetPrice("m", out var second);

        Assert.That(second!.InputPerMillion, Is.EqualTo(1m));
    }

    [Test]
    public void Cost_math_uses_uncached_cached_and_output_prices()
    {
        var usage = new TokenUsage(InputTokens: 1_000_000, OutputTokens: 500_000, CachedInputTokens: 200_000);

        // gpt-4o-mini: 800k × 0.15 + 200k × 0.075 + 500k × 0.60, per million = 0.12 + 0.015 + 0.30.
        Assert.Multiple(() =>
        {
            Assert.That(ModelPriceTable.Default.EstimateCost("gpt-4o-mini-2024-07-18", usage), Is.EqualTo(0.435m));
            Assert.That(ModelPriceTable.Default.EstimateCost("gpt-5-nano", new TokenUsage(1_000, 2_000)), Is.EqualTo(0.00085m));
            Assert.That(ModelPriceTable.Default.EstimateCost("unknown", usage), Is.Null);
        });
    }

    [Test]
    public void Invalid_overrides_are_rejected()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => new ModelPriceTable(new Dictionary<string, ModelPrice> { [" "] = new() }), Throws.ArgumentException);
            Assert.That(() => new ModelPriceTable(new Dictionary<string, ModelPrice> { ["m"] = new() { InputPerMillion = -1m } }), Throws.ArgumentException);
        });
    }

    [Test]
    public void Prices_are_dated()
    {
        Assert.That(ModelPriceTable.PricesAsOf, Does.Match(@"^\d{4}-\d{2}$"));
    }
}
