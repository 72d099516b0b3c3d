using System.Text;
using BenchmarkDotNet.Attributes;

namespace SafeOpenAI.Benchmarks;

/// <summary>
/// The URL filter and the keyword filter on a 10 KB user message: the URL filter with its defaults
/// and with an allow-list (text with three links every ~200 characters), and the keyword filter with 10
/// and with 5,000 terms (text with no match, so the whole text is scanned), plus building the
/// 5,000-term filter.
/// </summary>
[MemoryDiagnoser]
public class FilterBenchmarks
{
    private const int TextLength = 10 * 1024;

    private static readonly string s_withLinks = Repeat(
        "Our guide at https://docs.example.com/setup?step=2 explains it; see also www.example.org/faq and the notes in README.md. " +
        "Mail support@example.com, or read learn.microsoft.com/dotnet for background. ",
        TextLength);

    private static readonly string s_prose = Repeat(
        "Please summarise the attached quarterly report and list the three main risks for the board, with owners and dates. ",
        TextLength);

    private static readonly string[] s_fiveThousandTerms = [.. Enumerable.Range(0, 5_000).Select(i => $"brand{i:D4} product")];

    private readonly SafetyRequest _linksRequest = Request(s_withLinks);
    private readonly SafetyRequest _proseRequest = Request(s_prose);
    private readonly SafetyResponse _linksAnswer = new([MessagePart.FromText(s_withLinks)], null);
    private readonly UrlFilter _urlDefaults = new(new UrlFilterOptions());
    private readonly UrlFilter _urlAllowList = AllowList();
    private readonly KeywordFilter _tenTerms = Keywords(["Acme", "Globex", "Initech", "Umbrella", "Hooli", "Vehement", "Massive Dynamic", "Soylent", "Cyberdyne", "Tyrell"]);
    private readonly KeywordFilter _fiveThousandTerms = Keywords(s_fiveThousandTerms);

    /// <summary>URL filter, default options, 10 KB input with about 155 links.</summary>
    [Benchmark(Baseline = true)]
    public async Task<SafetyAction> UrlDefaults10KB() => (await _urlDefaults.InspectAsync(_linksRequest, CancellationToken.None)).Verdict.Action;

    /// <summary>URL filter with an allow-list, 10 KB answer: the links off the list are redacted.</summary>
    [Benchmark]
    public async Task<SafetyAction> UrlAllowListRedact10KB() => (await _urlAllowList.ValidateAsync(_linksRequest, _linksAnswer, CancellationToken.None)).Verdict.Action;

    /// <summary>Keyword filter with 10 terms, 10 KB input without a match.</summary>
    [Benchmark]
    public async Task<SafetyAction> Keywords10Terms10KB() => (await _tenTerms.InspectAsync(_proseRequest, CancellationToken.None)).Verdict.Action;

    /// <summary>Keyword filter with 5,000 terms, 10 KB input without a match.</summary>
    [Benchmark]
    public async Task<SafetyAction> Keywords5000Terms10KB() => (await _fiveThousandTerms.InspectAsync(_proseRequest, CancellationToken.None)).Verdict.Action;

    /// <summary>Building a keyword filter with 5,000 terms (done once, when the pipeline is built).</summary>
    [Benchmark]
    public string Build5000Terms() => Keywords(s_fiveThousandTerms).Name;

    private static SafetyRequest Request(string text) =>
        new([SafetyMessage.FromText(MessageRole.System, "You are helpful."), SafetyMessage.FromText(MessageRole.User, text)], "gpt-4o-mini");

    private static UrlFilter AllowList()
    {
        var options = new UrlFilterOptions();
        options.AllowedHosts.Add("*.example.com");
        return new UrlFilter(options);
    }

    private static KeywordFilter Keywords(IEnumerable<string> terms)
    {
        var options = new KeywordFilterOptions();
        foreach (var term in terms)
        {
            options.Keywords.Add(term);
        }

        return new KeywordFilter(options);
    }

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
