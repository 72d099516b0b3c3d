using System.Text;
using BenchmarkDotNet.Attributes;

namespace SafeOpenAI.Benchmarks;

/// <summary>
/// The curated-answer router's lookup over 1,000 generated articles (BM25), the index build, and
/// the PII leak check on a 1 KB answer with and without personal data.
/// </summary>
[MemoryDiagnoser]
public class CuratedAndLeakBenchmarks
{
    private const int ArticleCount = 1_000;

    private static readonly string[] s_syllables = ["ba", "ce", "di", "fo", "gu", "ha", "je", "ki", "lo", "mu", "na", "pe", "qui", "ro", "su", "ta", "ve", "wi", "xo", "ze"];
    private static readonly string s_cleanAnswer = Repeat("To change the plan, open the billing page, choose a new plan and confirm; the change applies at the next renewal. ", 1024);
    private static readonly string s_leakyAnswer = Repeat("Your account manager is mary.major@contoso.com, reachable on +1 212 555 0147 during office hours, ask for the team. ", 1024);

    private CuratedKnowledgeBase _knowledgeBase = null!;
    private CuratedAnswerRouter _router = null!;
    private CuratedArticle[] _articles = null!;
    private SafetyRequest _routerRequest = null!;
    private string _query = null!;
    private PiiLeakValidator _leakCheck = null!;
    private SafetyRequest _leakRequest = null!;
    private SafetyResponse _clean = null!;
    private SafetyResponse _leaky = null!;

    [GlobalSetup]
    public void Setup()
    {
        // A Zipf-like vocabulary of 5,000 made-up words: article i draws its words with a bias to the head.
        var random = new Random(42);
        var vocabulary = Enumerable.Range(0, 5_000).Select(i => Word(i)).ToArray();
        string Draw() => vocabulary[(int)(vocabulary.Length * Math.Pow(random.NextDouble(), 3))];
        _articles = new CuratedArticle[ArticleCount];
        for (var i = 0; i < ArticleCount; i++)
        {
            var title = string.Join(' ', Enumerable.Range(0, 5).Select(_ => Draw()));
            var body = string.Join(' ', Enumerable.Range(0, 120).Select(_ => Draw())) + ".";
            _articles[i] = new CuratedArticle("article-" + i, title, body);
        }

        _knowledgeBase = new CuratedKnowledgeBase(_articles);
        _router = new CuratedAnswerRouter(_knowledgeBase, new CuratedAnswerOptions());

        // A question made of words from article 500's title and body plus filler words.
        var target = _articles[500];
        _query = "How do I " + string.Join(' ', target.Title.Split(' ').Take(3)) + " with " + string.Join(' ', target.Body.Split(' ').Skip(10).Take(3)) + "?";
        _routerRequest = new SafetyRequest([SafetyMessage.FromText(MessageRole.System, "You are the help desk."), SafetyMessage.FromText(MessageRole.User, _query)], "gpt-4o-mini");

        _leakCheck = new PiiLeakValidator(new PiiLeakOptions());
        _leakRequest = new SafetyRequest(
            [SafetyMessage.FromText(MessageRole.System, "You are the help desk."), SafetyMessage.FromText(MessageRole.User, "I am jane.doe@example.com; who is my account manager and how do I change my plan?")],
            "gpt-4o-mini");
        _clean = new SafetyResponse([MessagePart.FromText(s_cleanAnswer)], null);
        _leaky = new SafetyResponse([MessagePart.FromText(s_leakyAnswer)], null);
    }

    /// <summary>BM25 search of the 1,000 articles for a 9-word question (top 3).</summary>
    [Benchmark]
    public int Search1000() => _knowledgeBase.Search(_query).Count;

    /// <summary>The router's whole input-guard step on that question (last user message, search, verdict).</summary>
    [Benchmark]
    public async Task<SafetyAction> Router1000() => (await _router.InspectAsync(_routerRequest, CancellationToken.None)).Verdict.Action;

    /// <summary>Building the index of the 1,000 articles (about 125 words each).</summary>
    [Benchmark]
    public int BuildIndex1000() => new CuratedKnowledgeBase(_articles).TermCount;

    /// <summary>The PII leak check on a 1 KB answer without personal data (the request's allowed values cached, as for every window after the first).</summary>
    [Benchmark]
    public async Task<SafetyAction> LeakCheckClean1KB() => (await _leakCheck.ValidateAsync(_leakRequest, _clean, CancellationToken.None)).Verdict.Action;

    /// <summary>The PII leak check on a 1 KB answer with an e-mail address and a phone number every 115 characters, redacted.</summary>
    [Benchmark]
    public async Task<SafetyAction> LeakCheckRedact1KB() => (await _leakCheck.ValidateAsync(_leakRequest, _leaky, CancellationToken.None)).Verdict.Action;

    /// <summary>The same clean check on a fresh request: the user's message is analysed for allowed values first.</summary>
    [Benchmark]
    public async Task<SafetyAction> LeakCheckClean1KBFirstCall()
    {
        var request = new SafetyRequest(_leakRequest.Messages, "gpt-4o-mini");
        return (await _leakCheck.ValidateAsync(request, _clean, CancellationToken.None)).Verdict.Action;
    }

    private static string Word(int index)
    {
        var builder = new StringBuilder();
        var n = index + 20;
        while (n > 0)
        {
            builder.Append(s_syllables[n % s_syllables.Length]);
            n /= s_syllables.Length;
        }

        return builder.ToString();
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
