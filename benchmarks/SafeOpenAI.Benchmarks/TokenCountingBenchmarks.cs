using BenchmarkDotNet.Attributes;

namespace SafeOpenAI.Benchmarks;

/// <summary>
/// Exact token counting (o200k_base) of the inputs a denial-of-wallet attack sends: one long run of a
/// single letter, where byte-pair encoding of one pre-token is quadratic in its length, against prose of
/// the same size. <see cref="TiktokenTokenCounter"/> cuts runs longer than
/// <see cref="TiktokenTokenCounter.MaxRunCharacters"/> characters, so both stay linear.
/// </summary>
[MemoryDiagnoser]
public class TokenCountingBenchmarks
{
    private const string Prose = "Payments to a new payee can take up to two working days; card freezes apply at once. ";

    private string _text = string.Empty;

    /// <summary>Gets or sets the input: a run of one letter or prose, 200,000 or 2,000,000 characters.</summary>
    [Params("run-200K", "prose-200K", "run-2M")]
    public string Input { get; set; } = "run-200K";

    [GlobalSetup]
    public void Setup()
    {
        var size = Input.EndsWith("2M", StringComparison.Ordinal) ? 2_000_000 : 200_000;
        _text = Input.StartsWith("run", StringComparison.Ordinal)
            ? new string('A', size)
            : string.Concat(Enumerable.Repeat(Prose, (size / Prose.Length) + 1))[..size];
    }

    [Benchmark(Description = "CountTokens")]
    public int CountTokens() => TiktokenTokenCounter.Shared.CountTokens(_text, "gpt-4o-mini");
}
