using System.Globalization;
using System.Text;

namespace SafeOpenAI;

/// <summary>
/// Answers a request from a curated knowledge base when it can, before the model is called:
/// OpenAI's safety best practices advise to "return outputs from a validated set of materials
/// where possible". The user's last message is matched against the articles with Okapi BM25
/// (<see cref="CuratedKnowledgeBase"/>).
/// </summary>
/// <remarks>
/// <para>
/// At or above <see cref="CuratedAnswerOptions.AnswerThreshold"/> the best article's body is the
/// answer: the model is not called, nothing is billed, the budget reservation is released and the
/// output stages do not run (<see cref="InputGuardResult.Answered"/>); verdict Allow with code
/// <c>curated.answered</c>. At or above <see cref="CuratedAnswerOptions.SourceThreshold"/> the
/// best articles (up to <see cref="CuratedAnswerOptions.MaxSources"/>, each at or above the
/// threshold) are added to the request's sources, and, unless
/// <see cref="CuratedAnswerOptions.InlineArticles"/> is off, written into a system message for the
/// model; verdict Rewrite with code <c>curated.sources_added</c>. Otherwise Allow.
/// </para>
/// <para>
/// Only the last user message is the query (the question being asked now), and only its text
/// parts. A request with a <see cref="SafetyRequest.ResponseSchema"/> (structured output) is
/// allowed unchanged: an article is not JSON of the schema. Evidence: <c>article_id</c> (or <c>article_ids</c>, comma-separated) and
/// <c>confidence</c> (0–1, two decimals); never the query. Thread-safe; the options are read
/// once. Cost: one BM25 lookup, linear in the postings of the query's terms.
/// </para>
/// </remarks>
public sealed class CuratedAnswerRouter : IInputGuard
{
    /// <summary>The verdict code of a request answered from the knowledge base: <c>curated.answered</c>.</summary>
    public const string AnsweredCode = "curated.answered";

    /// <summary>The verdict code of a request given curated articles as sources: <c>curated.sources_added</c>.</summary>
    public const string SourcesAddedCode = "curated.sources_added";

    private const string StageName = "CuratedAnswer";

    private readonly CuratedKnowledgeBase _knowledgeBase;
    private readonly double _answerThreshold;
    private readonly double _sourceThreshold;
    private readonly int _maxSources;
    private readonly bool _inline;

    /// <summary>Creates the router.</summary>
    /// <param name="knowledgeBase">The curated articles.</param>
    /// <param name="options">The thresholds; read once.</param>
    /// <exception cref="ArgumentNullException"><paramref name="knowledgeBase"/> or <paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A threshold is outside 0–1, the source threshold is above the answer threshold, or <see cref="CuratedAnswerOptions.MaxSources"/> is outside 1–10.</exception>
    public CuratedAnswerRouter(CuratedKnowledgeBase knowledgeBase, CuratedAnswerOptions options)
    {
        ArgumentNullException.ThrowIfNull(knowledgeBase);
        ArgumentNullException.ThrowIfNull(options);
        if (options.AnswerThreshold is < 0 or > 1 || double.IsNaN(options.AnswerThreshold))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.AnswerThreshold, "CuratedAnswerOptions.AnswerThreshold is between 0 and 1.");
        }

        if (options.SourceThreshold is < 0 or > 1 || double.IsNaN(options.SourceThreshold) || options.SourceThreshold > options.AnswerThreshold)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.SourceThreshold, "CuratedAnswerOptions.SourceThreshold is between 0 and the answer threshold.");
        }

        if (options.MaxSources is < 1 or > 10)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxSources, "CuratedAnswerOptions.MaxSources is between 1 and 10.");
        }

        _knowledgeBase = knowledgeBase;
        _answerThreshold = options.AnswerThreshold;
        _sourceThreshold = options.SourceThreshold;
        _maxSources = options.MaxSources;
        _inline = options.InlineArticles;
    }

    /// <summary>Gets the stage name: <c>CuratedAnswer</c>.</summary>
    public string Name => StageName;

    /// <summary>Gets the knowledge base the router searches.</summary>
    public CuratedKnowledgeBase KnowledgeBase => _knowledgeBase;

    /// <inheritdoc />
    /// <exception cref="ArgumentNullException"><paramref name="request"/> is null.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public ValueTask<InputGuardResult> InspectAsync(SafetyRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(Inspect(request));
    }

    /// <summary>The text of the last user message the application sent (not one a stage added), or <see langword="null"/>.</summary>
    internal static string? LastUserText(IReadOnlyList<SafetyMessage> messages)
    {
        for (var i = messages.Count - 1; i >= 0; i--)
        {
            var message = messages[i];
            if (message.Role == MessageRole.User && !AddedInstruction.IsAdded(message))
            {
                var builder = new StringBuilder();
                foreach (var part in message.Parts)
                {
                    if (part.Kind == MessagePartKind.Text && !string.IsNullOrEmpty(part.Text))
                    {
                        builder.Append(part.Text).Append('\n');
                    }
                }

                return builder.ToString();
            }
        }

        return null;
    }

    private InputGuardResult Inspect(SafetyRequest request)
    {
        // A request for structured output expects JSON of its schema, which an article is not.
        var query = request.ResponseSchema is null ? LastUserText(request.Messages) : null;
        if (string.IsNullOrWhiteSpace(query))
        {
            return InputGuardResult.Allow(StageName);
        }

        var matches = _knowledgeBase.Search(query, _maxSources);
        if (matches.Count == 0 || matches[0].Confidence < _sourceThreshold)
        {
            return InputGuardResult.Allow(StageName);
        }

        var best = matches[0];
        if (best.Confidence >= _answerThreshold)
        {
            var evidence = new Dictionary<string, string>(2, StringComparer.Ordinal)
            {
                ["article_id"] = best.Article.Id,
                ["confidence"] = Format(best.Confidence),
            };
            var answer = new SafetyResponse([MessagePart.FromText(best.Article.Body)], TokenUsage.Zero, "stop");
            return InputGuardResult.Answered(new SafetyVerdict(StageName, SafetyAction.Allow, AnsweredCode, null, evidence), answer);
        }

        var chosen = matches.Where(m => m.Confidence >= _sourceThreshold || ReferenceEquals(m, best)).ToList();
        var sources = new List<SourceDocument>(request.Sources.Count + chosen.Count);
        sources.AddRange(request.Sources);
        foreach (var match in chosen)
        {
            if (!sources.Any(s => string.Equals(s.Id, match.Article.Id, StringComparison.Ordinal)))
            {
                sources.Add(new SourceDocument(match.Article.Id, match.Article.Title + "\n" + match.Article.Body));
            }
        }

        var messages = request.Messages;
        if (_inline)
        {
            var list = new List<SafetyMessage>(messages);
            list.Insert(AddedInstruction.AfterLeadingInstructions(list), AddedInstruction.Create(AddedInstruction.InstructionRole(messages), Instruction(chosen)));
            messages = list;
        }

        var sourceEvidence = new Dictionary<string, string>(2, StringComparer.Ordinal)
        {
            ["article_ids"] = string.Join(',', chosen.Select(m => m.Article.Id)),
            ["confidence"] = Format(best.Confidence),
        };
        return InputGuardResult.Rewrite(new SafetyVerdict(StageName, SafetyAction.Rewrite, SourcesAddedCode, null, sourceEvidence), messages, sources);
    }

    private static string Instruction(List<CuratedMatch> chosen)
    {
        var builder = new StringBuilder();
        builder.Append("Curated help articles that may answer the user's question follow. Where they apply, answer from them and do not contradict them; if they do not answer the question, say so rather than guess.");
        foreach (var match in chosen)
        {
            builder.Append("\n\nArticle ").Append(match.Article.Id).Append(": ").Append(match.Article.Title).Append('\n').Append(match.Article.Body);
        }

        return builder.ToString();
    }

    private static string Format(double value) => value.ToString("0.00", CultureInfo.InvariantCulture);
}
