using OpenAI.Chat;

namespace SafeOpenAI.Cli.RedTeam;

/// <summary>
/// Runs a suite against a <see cref="RedTeamTarget"/>: every attack and benign control prompt in the
/// seeded order (<see cref="AttackSuite.Shuffle"/>), <see cref="RedTeamRunOptions.Concurrency"/> at a
/// time, each as its own user (<c>redteam:&lt;id&gt;</c>) so that budgets, rate limits and suspensions
/// earned by one case never decide another's outcome: results do not depend on order or concurrency,
/// and offline runs with the same seed give the same report (timestamps aside).
/// </summary>
/// <remarks>
/// A multi-turn attack sends its turns one by one, appending each answer as an assistant message; a
/// blocked turn ends it. Under a request budget a case starts only when its worst case fits; once one
/// does not, no further case starts and the outcome says how many did not run. A failure of the run
/// itself (endpoint down, key rejected) is not an attack result: the SDK's exception propagates.
/// One runner serves one run.
/// </remarks>
internal sealed class RedTeamRunner
{
    private const string UnavailableCode = "moderation.unavailable";

    private readonly RedTeamTarget _target;
    private readonly RedTeamApplication _application;
    private readonly RedTeamRunOptions _options;
    private readonly TimeProvider _time;

    /// <summary>Creates a runner.</summary>
    /// <param name="target">The pipeline under attack.</param>
    /// <param name="application">The application whose requests the cases become.</param>
    /// <param name="options">Seed, concurrency, budget, allowance and judge.</param>
    /// <param name="time">The clock of the report's timestamps.</param>
    /// <exception cref="ArgumentOutOfRangeException">Concurrency or token allowance is less than 1.</exception>
    public RedTeamRunner(RedTeamTarget target, RedTeamApplication application, RedTeamRunOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(application);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Concurrency, 1, "--concurrency");
        ArgumentOutOfRangeException.ThrowIfLessThan(options.TokenAllowance, 1, "--token-allowance");
        _target = target;
        _application = application;
        _options = options;
        _time = time;
    }

    /// <summary>Runs the suite.</summary>
    /// <param name="suite">The attacks and benign prompts; at least one attack.</param>
    /// <param name="progress">Told after every finished case; may be <see langword="null"/>.</param>
    /// <param name="cancellationToken">Stops the run: no further case starts and running calls are cancelled.</param>
    /// <returns>The report of the cases that ran and how many did not.</returns>
    /// <exception cref="OperationCanceledException">The run was cancelled.</exception>
    /// <exception cref="System.ClientModel.ClientResultException">The model or moderation endpoint failed (the run failed, not an attack).</exception>
    /// <exception cref="RedTeamRunException">Moderation was unavailable, so the pipeline blocked for lack of an endpoint, not for an attack.</exception>
    public async Task<RedTeamRunOutcome> RunAsync(AttackSuite suite, IProgress<RedTeamProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(suite);
        var ordered = suite.Shuffle(_options.Seed);
        var started = _time.GetUtcNow();
        if (_target.Endpoint is { } endpoint)
        {
            var model = new CompliantModel(
                ordered.Attacks.ToDictionary(a => _target.Hasher.ComputeSafetyIdentifier(RedTeamApplication.UserId(a.Id)), StringComparer.Ordinal),
                ordered.Benign.ToDictionary(b => _target.Hasher.ComputeSafetyIdentifier(RedTeamApplication.UserId(b.Id)), b => b.Documents, StringComparer.Ordinal));
            endpoint.Chat.Handler = model.Answer;
        }

        var budget = new RequestBudget(_options.MaxRequests);
        var judge = new SuccessJudge(_application, _target.Moderation, _options.Judge, _options.TokenAllowance);
        var attacks = new AttackResult?[ordered.Attacks.Count];
        var benign = new BenignResult?[ordered.Benign.Count];
        var total = attacks.Length + benign.Length;
        var completed = 0;
        var succeeded = 0;
        var benignBlocked = 0;
        var exhausted = 0;
        await Parallel.ForEachAsync(
            Enumerable.Range(0, total),
            new ParallelOptions { MaxDegreeOfParallelism = _options.Concurrency, CancellationToken = cancellationToken },
            async (index, token) =>
            {
                if (Volatile.Read(ref exhausted) != 0)
                {
                    return;
                }

                var isAttack = index < attacks.Length;
                var turns = isAttack ? ordered.Attacks[index].Turns.Count : 1;
                var reserve = (turns * (1 + _target.MaxReasks)) + (isAttack ? judge.MaxRequestsPerAnswer : 0);
                if (!budget.TryReserve(reserve))
                {
                    Interlocked.Exchange(ref exhausted, 1);
                    return;
                }

                int used;
                if (isAttack)
                {
                    var (result, requests) = await RunAttackAsync(ordered.Attacks[index], judge, token).ConfigureAwait(false);
                    attacks[index] = result;
                    used = requests;
                    if (result.Succeeded)
                    {
                        Interlocked.Increment(ref succeeded);
                    }
                }
                else
                {
                    var (result, modelRequests) = await RunBenignAsync(ordered.Benign[index - attacks.Length], token).ConfigureAwait(false);
                    benign[index - attacks.Length] = result;
                    used = modelRequests;
                    if (result.Blocked)
                    {
                        Interlocked.Increment(ref benignBlocked);
                    }
                }

                budget.Count(used);
                budget.Settle(reserve, used);
                progress?.Report(new RedTeamProgress(
                    Interlocked.Increment(ref completed), total, Volatile.Read(ref succeeded), Volatile.Read(ref benignBlocked)));
            }).ConfigureAwait(false);

        var ranAttacks = attacks.OfType<AttackResult>().ToArray();
        var ranBenign = benign.OfType<BenignResult>().ToArray();
        var notRun = total - ranAttacks.Length - ranBenign.Length;
        if (ranAttacks.Length == 0)
        {
            return new RedTeamRunOutcome(null, notRun, budget.Counted);
        }

        var run = new RedTeamRunInfo(_options.SuiteName, _options.Seed, _target.Model, _target.Kind, started, _time.GetUtcNow(), notRun, _target.Fingerprint);
        return new RedTeamRunOutcome(new RedTeamReport(run, ranAttacks, ranBenign), notRun, budget.Counted);
    }

    private async Task<(AttackResult Result, int Requests)> RunAttackAsync(AttackCase attack, SuccessJudge judge, CancellationToken cancellationToken)
    {
        var history = new List<ChatMessage>();
        var tokens = 0;
        var requests = 0;
        for (var turn = 0; turn < attack.Turns.Count; turn++)
        {
            var isLast = turn == attack.Turns.Count - 1;
            var request = _application.CreateRequest(
                attack.Id, attack.Turns[turn], history, isLast ? attack.Documents : [], withSchema: attack.Signal == SuccessSignal.SchemaBroken);
            var result = RequireWorkingEndpoint(await _target.Client.CompleteAsync(request, cancellationToken).ConfigureAwait(false));
            var reached = ReachedModel(result);
            requests += ModelRequests(result);
            tokens += result.Usage?.TotalTokens ?? 0;
            if (result.Status != SafeChatStatus.Completed)
            {
                var blockedBy = BlockedBy(result);
                var where = attack.Turns.Count > 1 ? $" at turn {turn + 1} of {attack.Turns.Count}" : string.Empty;
                return (new AttackResult(attack.Id, attack.Category, blockedBy, reached, Succeeded: false, Evidence($"blocked by {blockedBy}{where}")), requests);
            }

            var answer = AnswerText(result);
            if (!isLast)
            {
                history.Add(ChatMessage.CreateUserMessage(attack.Turns[turn]));
                history.Add(ChatMessage.CreateAssistantMessage(answer));
                continue;
            }

            var verdict = await judge.JudgeAsync(attack, answer, tokens, cancellationToken).ConfigureAwait(false);
            return (new AttackResult(attack.Id, attack.Category, null, reached, verdict.Succeeded, Evidence(verdict.Evidence)), requests + verdict.Requests);
        }

        throw new InvalidOperationException($"Attack '{attack.Id}' has no turns.");
    }

    private async Task<(BenignResult Result, int ModelRequests)> RunBenignAsync(BenignPrompt prompt, CancellationToken cancellationToken)
    {
        var request = _application.CreateRequest(prompt.Id, prompt.Text, [], prompt.Documents, withSchema: false);
        var result = RequireWorkingEndpoint(await _target.Client.CompleteAsync(request, cancellationToken).ConfigureAwait(false));
        var blocked = result.Status != SafeChatStatus.Completed;
        return (new BenignResult(prompt.Id, blocked, blocked ? BlockedBy(result) : null), ModelRequests(result));
    }

    /// <summary>
    /// A call blocked because moderation could not be reached says nothing about the pipeline's defenses
    /// (fail-closed moderation would block every case), so it stops the run instead of counting as blocked.
    /// </summary>
    private static SafeChatResult RequireWorkingEndpoint(SafeChatResult result) =>
        result.DecisiveVerdict?.Code.StartsWith(UnavailableCode, StringComparison.Ordinal) == true
            ? throw new RedTeamRunException($"The moderation endpoint is unavailable ({result.DecisiveVerdict.Code}); the run measures nothing while it is down.")
            : result;

    /// <summary>Whether the pipeline sent a model request: an answer came back, or a later stage saw one (an output block reached the model).</summary>
    internal static bool ReachedModel(SafeChatResult result) =>
        result.Completion is not null
        || result.Verdicts.Any(v => v.Phase == SafetyPhase.Model)
        || result.Usage is { TotalTokens: > 0 };

    /// <summary>The model requests of one call: the first and every re-ask.</summary>
    private static int ModelRequests(SafeChatResult result) =>
        ReachedModel(result) ? 1 + result.Verdicts.Count(v => v.Code == SafetyPipeline.ReaskCode) : 0;

    /// <summary>The decisive verdict as <c>Stage:code</c>; a held answer counts as blocked by review.</summary>
    internal static string BlockedBy(SafeChatResult result) => result.DecisiveVerdict is { } verdict
        ? $"{verdict.Stage}:{verdict.Code}"
        : result.Status == SafeChatStatus.PendingReview ? "Review:review.pending" : "unknown:blocked";

    private static string AnswerText(SafeChatResult result) =>
        string.Concat(result.Completion!.Content.Where(p => p.Kind == ChatMessageContentPartKind.Text).Select(p => p.Text));

    private static string Evidence(string text) =>
        text.Length <= RedTeamReport.MaxEvidenceLength ? text : text[..(RedTeamReport.MaxEvidenceLength - 1)] + "…";
}
