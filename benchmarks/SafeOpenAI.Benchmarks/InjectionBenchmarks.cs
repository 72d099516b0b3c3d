using System.Text;
using BenchmarkDotNet.Attributes;
using SafeOpenAI;

namespace SafeOpenAI.Benchmarks;

// dotnet run -c Release --project benchmarks/SafeOpenAI.Benchmarks -- --filter '*Injection*' --job short
[MemoryDiagnoser]
public class InjectionBenchmarks
{
    private const string Paragraph =
        "Hi! I'm planning a trip to Lisbon next spring with two friends. Could you suggest a three-day itinerary that mixes museums, " +
        "food markets and a day trip to Sintra? We prefer public transport, and one of us is vegetarian. Also, what should we ignore " +
        "among the usual tourist traps, and is it worth buying the city card? ";

    private string _prompt1K = string.Empty;
    private string _prompt1M = string.Empty;
    private SafetyRequest _request1K = null!;
    private PromptInjectionGuard _guard = null!;
    private PromptInjectionDetector _detector = null!;
    private string _normalized1K = string.Empty;

    [GlobalSetup]
    public void Setup()
    {
        _prompt1K = Repeat(1024);
        _prompt1M = Repeat(1024 * 1024);
        _request1K = new SafetyRequest([SafetyMessage.FromText(MessageRole.User, _prompt1K)], "gpt-4o-mini");
        _guard = new PromptInjectionGuard();
        _detector = PromptInjectionDetector.Default;
        _normalized1K = TextNormalizer.NormalizeForDetection(_prompt1K);
    }

    [Benchmark]
    public string Normalize1KB() => TextNormalizer.NormalizeForDetection(_prompt1K);

    [Benchmark]
    public int Signals1KB() => InjectionSignals.EvaluateRegex(_normalized1K);

    [Benchmark]
    public double Model1KB() => InjectionModel.Default.Score(_normalized1K, 0);

    [Benchmark]
    public bool Detector1KB() => _detector.Detect(_prompt1K, PromptInjectionMode.Prompt).IsInjection;

    [Benchmark]
    public async ValueTask<SafetyAction> Guard1KB() => (await _guard.InspectAsync(_request1K, CancellationToken.None)).Verdict.Action;

    [Benchmark]
    public bool Detector1MB() => _detector.Detect(_prompt1M, PromptInjectionMode.Prompt).IsInjection;

    private static string Repeat(int length)
    {
        var builder = new StringBuilder(length + Paragraph.Length);
        while (builder.Length < length)
        {
            builder.Append(Paragraph);
        }

        return builder.ToString(0, length);
    }
}
