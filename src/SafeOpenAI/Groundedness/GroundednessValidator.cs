using System.Globalization;

namespace SafeOpenAI;

/// <summary>
/// Checks that a RAG answer is grounded in the request's sources (<see cref="SafetyRequest.Sources"/>):
/// the answer is split into claims (sentences and list items), each claim's checkable content —
/// quoted strings, numbers (<c>1,000</c> = <c>1000</c> = <c>one thousand</c>), identifiers
/// (<c>30A</c>), named entities (capitalised spans, multi-word) and key content words (stop words
/// removed, light stemming) — is looked up in the sources, and a claim that misses an entity,
/// number, identifier or quote, or whose support score is below
/// <see cref="GroundednessOptions.MinClaimScore"/>, is unsupported. With an
/// <see cref="IGroundednessJudge"/>, the claims the lexical check cannot settle go to the judge.
/// </summary>
/// <remarks>
/// <para>
/// A request without sources is allowed at once, with no work (and <see cref="GetScope"/> tells the
/// pipeline not to call the validator at all). A streamed answer is checked window by window
/// (<see cref="OutputValidationScope.Window"/>): the claims of each window are checked against the
/// sources, claim indices count from 0 within the window, the evidence adds <c>window</c> (the
/// window's index), and claim offsets are counted from the start of the whole answer. The words of the last user message
/// are discounted (<see cref="GroundednessOptions.DiscountQuestionTerms"/>): an answer is not
/// supported because it repeats the question.
/// </para>
/// <para>
/// Verdicts: Allow with code <c>groundedness.supported</c>; or, when a claim is unsupported, code
/// <c>groundedness.unsupported</c> with action Block, Review or Allow (annotate) per
/// <see cref="GroundednessOptions.Policy"/>. Evidence holds numbers and source ids only, never
/// claim text: <c>claims</c> (count), <c>unsupported_claims</c> (comma-separated claim indices,
/// 0-based), <c>min_claim_score</c>, <c>mode</c> (<c>lexical</c> or <c>judge</c>), and per claim
/// <c>claim.{i}.score</c> (0..1 with two decimals, or <c>n/a</c> when the claim has nothing to
/// check), <c>claim.{i}.status</c> (<c>supported</c>/<c>unsupported</c>),
/// <c>claim.{i}.sources</c> (comma-separated ids of the supporting sources, best first),
/// <c>claim.{i}.missing</c> (kinds of content no source has: <c>entity</c>, <c>number</c>,
/// <c>identifier</c>, <c>quote</c>), <c>claim.{i}.decided_by</c>; with a judge also
/// <c>judged_claims</c> and <c>judge</c> (<c>ok</c>, <c>failed</c>, <c>truncated</c>); a failed judge adds <c>failure_policy=treat_as_unsupported</c>.
/// </para>
/// <para>
/// Cost: linear in the answer and source lengths; the source index is built once per request and
/// kept in <see cref="SafetyRequest.Items"/>, so the windows of a streamed answer share it.
/// English stop words and stemming. Thread-safe.
/// </para>
/// </remarks>
public sealed class GroundednessValidator : IOutputValidator, IModelBackedStage
{
    /// <summary>The code of an answer whose claims are all supported: <c>groundedness.supported</c>.</summary>
    public const string SupportedCode = "groundedness.supported";

    /// <summary>The code of an answer with at least one unsupported claim: <c>groundedness.unsupported</c>.</summary>
    public const string UnsupportedCode = "groundedness.unsupported";

    private const string StageName = "Groundedness";
    private const string IndexKey = "SafeOpenAI.Groundedness.Index";
    private const string UnsupportedMessage = "This answer was withheld because part of it is not supported by the provided sources.";

    private readonly GroundednessOptions _options;
    private readonly IGroundednessJudge? _judge;

    /// <summary>Creates the validator.</summary>
    /// <param name="options">The thresholds and policy; read once.</param>
    /// <param name="judge">A judge for the claims the lexical check cannot settle, or <see langword="null"/> for the lexical check alone.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A score is outside 0..1, <see cref="GroundednessOptions.JudgeSkipScore"/> is below <see cref="GroundednessOptions.MinClaimScore"/>, or <see cref="GroundednessOptions.MaxJudgedClaims"/> is below 1.</exception>
    public GroundednessValidator(GroundednessOptions options, IGroundednessJudge? judge = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MinClaimScore, 0, nameof(options) + "." + nameof(options.MinClaimScore));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.MinClaimScore, 1, nameof(options) + "." + nameof(options.MinClaimScore));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.JudgeSkipScore, options.MinClaimScore, nameof(options) + "." + nameof(options.JudgeSkipScore));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.JudgeSkipScore, 1, nameof(options) + "." + nameof(options.JudgeSkipScore));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxJudgedClaims, 1, nameof(options) + "." + nameof(options.MaxJudgedClaims));
        if (!Enum.IsDefined(options.Policy))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Policy, "Unknown groundedness policy.");
        }

        _options = new GroundednessOptions
        {
            Policy = options.Policy,
            MinClaimScore = options.MinClaimScore,
            JudgeSkipScore = options.JudgeSkipScore,
            DiscountQuestionTerms = options.DiscountQuestionTerms,
            JudgeFailure = options.JudgeFailure,
            MaxJudgedClaims = options.MaxJudgedClaims,
        };
        _judge = judge;
    }

    /// <summary>Gets the stage name: <c>Groundedness</c>.</summary>
    public string Name => StageName;

    /// <summary>
    /// Gets what the validator needs to see: <see cref="OutputValidationScope.None"/> when the
    /// request has no sources (nothing to check), otherwise <see cref="OutputValidationScope.Window"/>:
    /// claims are sentences and stream windows are sentence-aligned, so each window's claims are
    /// checked on their own.
    /// </summary>
    /// <param name="request">The request.</param>
    /// <returns>The scope.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="request"/> is null.</exception>
    public OutputValidationScope GetScope(SafetyRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.Sources.Count == 0 ? OutputValidationScope.None : OutputValidationScope.Window;
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentNullException"><paramref name="request"/> or <paramref name="response"/> is null.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <exception cref="GroundednessJudgeException">The judge failed and <see cref="GroundednessOptions.JudgeFailure"/> is <see cref="GroundednessJudgeFailureMode.Throw"/>.</exception>
    public async ValueTask<OutputValidationResult> ValidateAsync(SafetyRequest request, SafetyResponse response, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(response);
        cancellationToken.ThrowIfCancellationRequested();
        if (request.Sources.Count == 0)
        {
            return OutputValidationResult.Allow(StageName);
        }

        var answer = response.Text;
        var (sources, question) = IndexOf(request);
        var assessments = LexicalGroundednessChecker.Assess(answer, sources, question);
        var decisions = new ClaimDecision[assessments.Count];
        var unsettled = new List<int>();
        for (var k = 0; k < assessments.Count; k++)
        {
            var a = assessments[k];
            var lexicalSupported = !a.HasMissingStrictContent && (a.Score is null || a.Score >= _options.MinClaimScore);
            decisions[k] = new ClaimDecision(lexicalSupported, a.SourceIds, "lexical");
            var settled = a.HasMissingStrictContent || (a.Score is double score && score >= _options.JudgeSkipScore);
            if (!settled)
            {
                unsettled.Add(k);
            }
        }

        string? judgeStatus = null;
        var judged = 0;
        ModelCallUsage? usage = _judge is OpenAIGroundednessJudge openAI ? new ModelCallUsage(openAI.Model, TokenUsage.Zero) : null;
        if (_judge is not null && unsettled.Count > 0)
        {
            (judgeStatus, judged, usage) = await JudgeAsync(request, answer, assessments, unsettled, decisions, cancellationToken).ConfigureAwait(false);
        }

        var result = Verdict(assessments, decisions, judgeStatus, judged, response.Window);
        return usage is null ? result : result.WithModelUsage(usage);
    }

    /// <inheritdoc />
    /// <remarks>
    /// Planned only with an <see cref="OpenAIGroundednessJudge"/>, the judge whose calls the validator
    /// can price and report: an upper bound of the judge's prompt about this answer (or window), reserved
    /// before the lexical check decides which claims the judge sees. A judge that was not asked is settled at zero.
    /// </remarks>
    public StageModelCall? PlanModelCall(SafetyRequest request, SafetyResponse? response)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (_judge is not OpenAIGroundednessJudge openAI || response is null || request.Sources.Count == 0 || response.Text.Length == 0)
        {
            return null;
        }

        return new StageModelCall(openAI.Model, OpenAIGroundednessJudge.PlanPrompt(response.Text, request.Sources, _options.MaxJudgedClaims), openAI.MaxOutputTokens);
    }

    private async ValueTask<(string Status, int Judged, ModelCallUsage? Usage)> JudgeAsync(SafetyRequest request, string answer, List<ClaimAssessment> assessments, List<int> unsettled, ClaimDecision[] decisions, CancellationToken cancellationToken)
    {
        var asked = unsettled.Take(_options.MaxJudgedClaims).ToList();
        var status = "ok";
        foreach (var k in unsettled.Skip(asked.Count))
        {
            decisions[k] = decisions[k] with { Supported = false, DecidedBy = "judge" };
            status = "truncated";
        }

        var claims = asked.Select(k => new GroundednessJudgeClaim(assessments[k].Index, answer.Substring(assessments[k].Start, assessments[k].Length))).ToList();
        IReadOnlyList<GroundednessJudgement> judgements;
        ModelCallUsage? usage = null;
        try
        {
            (judgements, usage) = _judge is OpenAIGroundednessJudge openAI
                ? await openAI.JudgeWithUsageAsync(claims, request.Sources, cancellationToken).ConfigureAwait(false)
                : (await _judge!.JudgeAsync(claims, request.Sources, cancellationToken).ConfigureAwait(false), null);
            judgements = CheckJudgements(judgements, claims, request.Sources);
        }
        catch (Exception ex) when (_options.JudgeFailure == GroundednessJudgeFailureMode.TreatAsUnsupported && !(ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            // A judge that failed or timed out (the SDK reports its network timeout as a
            // cancellation nobody asked for) leaves the claims unchecked; only the caller's own
            // cancellation ends the call.
            foreach (var k in asked)
            {
                decisions[k] = decisions[k] with { Supported = false, DecidedBy = "judge" };
            }

            // What the failed call billed is not known here: the pipeline charges the planned upper bound.
            return ("failed", asked.Count, null);
        }

        var byIndex = judgements.ToDictionary(j => j.Index);
        foreach (var k in asked)
        {
            var judgement = byIndex[assessments[k].Index];
            decisions[k] = new ClaimDecision(judgement.Supported, judgement.Supported ? judgement.SourceIds : [], "judge");
        }

        return (status, asked.Count, usage);
    }

    private static IReadOnlyList<GroundednessJudgement> CheckJudgements(IReadOnlyList<GroundednessJudgement>? judgements, List<GroundednessJudgeClaim> claims, IReadOnlyList<SourceDocument> sources)
    {
        if (judgements is null)
        {
            throw new GroundednessJudgeException("The judge returned no judgements.");
        }

        var ids = sources.Select(s => s.Id).ToHashSet(StringComparer.Ordinal);
        var expected = claims.Select(c => c.Index).ToHashSet();
        var seen = new HashSet<int>();
        foreach (var judgement in judgements)
        {
            if (judgement is null || !expected.Contains(judgement.Index) || !seen.Add(judgement.Index))
            {
                throw new GroundednessJudgeException("The judge answered about a claim it was not asked about, or twice about one claim.");
            }

            if (judgement.SourceIds is null || judgement.SourceIds.Any(id => !ids.Contains(id)))
            {
                throw new GroundednessJudgeException("The judge cited a source id it was not given.");
            }
        }

        if (seen.Count != expected.Count)
        {
            throw new GroundednessJudgeException(string.Create(CultureInfo.InvariantCulture, $"The judge decided {seen.Count} of {expected.Count} claims."));
        }

        return judgements;
    }

    private OutputValidationResult Verdict(List<ClaimAssessment> assessments, ClaimDecision[] decisions, string? judgeStatus, int judged, OutputWindow? window)
    {
        var evidence = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["claims"] = assessments.Count.ToString(CultureInfo.InvariantCulture),
            ["mode"] = _judge is null ? "lexical" : "judge",
        };
        var offset = window?.Offset ?? 0;
        if (window is not null)
        {
            evidence["window"] = window.Index.ToString(CultureInfo.InvariantCulture);
        }

        var unsupported = new List<int>();
        double? minScore = null;
        for (var k = 0; k < assessments.Count; k++)
        {
            var a = assessments[k];
            var d = decisions[k];
            var prefix = "claim." + a.Index.ToString(CultureInfo.InvariantCulture) + ".";
            evidence[prefix + "offset"] = (offset + a.Start).ToString(CultureInfo.InvariantCulture);
            evidence[prefix + "length"] = a.Length.ToString(CultureInfo.InvariantCulture);
            evidence[prefix + "score"] = a.Score is double s ? s.ToString("F2", CultureInfo.InvariantCulture) : "n/a";
            evidence[prefix + "status"] = d.Supported ? "supported" : "unsupported";
            evidence[prefix + "sources"] = string.Join(',', d.SourceIds);
            evidence[prefix + "decided_by"] = d.DecidedBy;
            if (a.MissingKinds.Count > 0)
            {
                evidence[prefix + "missing"] = string.Join(',', a.MissingKinds);
            }

            if (a.Score is double score)
            {
                minScore = minScore is double m ? Math.Min(m, score) : score;
            }

            if (!d.Supported)
            {
                unsupported.Add(a.Index);
            }
        }

        evidence["unsupported_claims"] = string.Join(',', unsupported.Select(i => i.ToString(CultureInfo.InvariantCulture)));
        evidence["min_claim_score"] = minScore is double min ? min.ToString("F2", CultureInfo.InvariantCulture) : "n/a";
        if (judgeStatus is not null)
        {
            evidence["judge"] = judgeStatus;
            evidence["judged_claims"] = judged.ToString(CultureInfo.InvariantCulture);
            if (judgeStatus == "failed")
            {
                // The failure and the policy that decided it are in the trail, not only in a log.
                evidence["failure_policy"] = "treat_as_unsupported";
            }
        }

        if (unsupported.Count == 0)
        {
            return OutputValidationResult.FromVerdict(new SafetyVerdict(StageName, SafetyAction.Allow, SupportedCode, evidence: evidence));
        }

        var action = _options.Policy switch
        {
            GroundednessPolicy.Review => SafetyAction.Review,
            GroundednessPolicy.Annotate => SafetyAction.Allow,
            _ => SafetyAction.Block,
        };
        return OutputValidationResult.FromVerdict(new SafetyVerdict(StageName, action, UnsupportedCode, action == SafetyAction.Allow ? null : UnsupportedMessage, evidence));
    }

    private (IReadOnlyList<GroundednessSourceIndex> Sources, GroundednessSourceIndex? Question) IndexOf(SafetyRequest request)
    {
        // Built once per request: the windows of a streamed answer share it.
        var key = _options.DiscountQuestionTerms ? IndexKey + ":question" : IndexKey;
        if (request.Items.TryGetValue(key, out var cached) && cached is Tuple<IReadOnlyList<SourceDocument>, GroundednessSourceIndex[], GroundednessSourceIndex?> hit && ReferenceEquals(hit.Item1, request.Sources))
        {
            return (hit.Item2, hit.Item3);
        }

        var sources = request.Sources.Select(s => new GroundednessSourceIndex(s.Id, s.Text ?? string.Empty)).ToArray();
        GroundednessSourceIndex? question = null;
        if (_options.DiscountQuestionTerms)
        {
            var lastUser = request.Messages.LastOrDefault(m => m.Role == MessageRole.User);
            if (lastUser is not null && !string.IsNullOrWhiteSpace(lastUser.Text))
            {
                question = new GroundednessSourceIndex(string.Empty, lastUser.Text);
            }
        }

        request.Items[key] = Tuple.Create(request.Sources, sources, question);
        return (sources, question);
    }

    private readonly record struct ClaimDecision(bool Supported, IReadOnlyList<string> SourceIds, string DecidedBy);
}
