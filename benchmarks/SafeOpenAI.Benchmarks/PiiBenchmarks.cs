using System.Text;
using BenchmarkDotNet.Attributes;

namespace SafeOpenAI.Benchmarks;

/// <summary>
/// The PII analyzer and the secrets detector on a 1 KB prompt with and without personal data, and
/// on 1 MB of text with scattered personal data (linearity: 1 MB should cost about 1000 × 1 KB).
/// </summary>
[MemoryDiagnoser]
public class PiiBenchmarks
{
    private static readonly string s_clean = Repeat("Please summarise the attached quarterly report and list the three main risks for the board. ", 1024);
    private static readonly string s_withPii = Repeat("Contact jane.doe@example.com or +44 20 7946 0958 about card 4111 1111 1111 1111, IBAN GB82WEST12345698765432, host 192.168.1.20. ", 1024);
    private static readonly string s_megabyte = Repeat("Please summarise the attached quarterly report for the board, then mail jane.doe@example.com or call +44 20 7946 0958 tomorrow. ", 1024 * 1024);

    private readonly PiiAnalyzer _analyzer = PiiAnalyzer.Default;
    private readonly SecretDetector _secrets = SecretDetector.Default;

    /// <summary>Analyze a 1 KB prompt without personal data.</summary>
    [Benchmark(Baseline = true)]
    public int PiiClean1KB() => _analyzer.Analyze(s_clean).Count;

    /// <summary>Analyze a 1 KB prompt full of personal data.</summary>
    [Benchmark]
    public int PiiWithPii1KB() => _analyzer.Analyze(s_withPii).Count;

    /// <summary>Analyze 1 MB of text with scattered personal data.</summary>
    [Benchmark]
    public int Pii1MB() => _analyzer.Analyze(s_megabyte).Count;

    /// <summary>Detect secrets in a 1 KB prompt without any.</summary>
    [Benchmark]
    public int SecretsClean1KB() => _secrets.Detect(s_clean).Count;

    /// <summary>Detect secrets in 1 MB of text.</summary>
    [Benchmark]
    public int Secrets1MB() => _secrets.Detect(s_megabyte).Count;

    private static string Repeat(string unit, int length)
    {
        var builder = new StringBuilder(length + unit.Length);
        while (builder.Length < length)
        {
            builder.Append(unit);
        }

        return builder.ToString(0, length);
    }
}
