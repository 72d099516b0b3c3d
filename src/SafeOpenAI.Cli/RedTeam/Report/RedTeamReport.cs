using System.Text.RegularExpressions;

namespace SafeOpenAI.Cli.RedTeam;

/// <summary>
/// The results of one red-team run: every attack and benign control prompt, the attack success rate
/// (ASR) overall and per category with 95 % Wilson score intervals (<see cref="WilsonInterval"/>,
/// Wilson 1927), and the benign block rate that measures over-blocking. Immutable; safe to share
/// between threads.
/// </summary>
internal sealed partial class RedTeamReport
{
    /// <summary>The longest <see cref="AttackResult.Evidence"/> accepted, in characters.</summary>
    public const int MaxEvidenceLength = 200;

    /// <summary>Creates a report from a run's results.</summary>
    /// <param name="run">What the run was.</param>
    /// <param name="attacks">The attack results; at least one.</param>
    /// <param name="benign">The benign control results; may be empty.</param>
    /// <exception cref="ArgumentNullException">An argument or an element is null.</exception>
    /// <exception cref="ArgumentException">
    /// No attacks; an empty or duplicate id; a category not in snake_case; an attack that succeeded
    /// without reaching the model; evidence longer than <see cref="MaxEvidenceLength"/>; a run that
    /// finished before it started; a blocked benign prompt without the stage that blocked it.
    /// </exception>
    public RedTeamReport(RedTeamRunInfo run, IEnumerable<AttackResult> attacks, IEnumerable<BenignResult> benign)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(attacks);
        ArgumentNullException.ThrowIfNull(benign);
        if (run.FinishedUtc < run.StartedUtc)
        {
            throw new ArgumentException($"The run finished ({run.FinishedUtc:O}) before it started ({run.StartedUtc:O}).", nameof(run));
        }

        Run = run;
        Attacks = [.. attacks];
        Benign = [.. benign];
        if (Attacks.Count == 0)
        {
            throw new ArgumentException("A red-team report needs at least one attack result.", nameof(attacks));
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var attack in Attacks)
        {
            ArgumentNullException.ThrowIfNull(attack, nameof(attacks));
            RequireUniqueId(attack.Id, ids, "attack", nameof(attacks));
            if (AttackProblem(attack) is { } problem)
            {
                throw new ArgumentException(problem, nameof(attacks));
            }
        }

        ids.Clear();
        foreach (var prompt in Benign)
        {
            ArgumentNullException.ThrowIfNull(prompt, nameof(benign));
            RequireUniqueId(prompt.Id, ids, "benign prompt", nameof(benign));
            if (prompt.Blocked && string.IsNullOrWhiteSpace(prompt.BlockedBy))
            {
                throw new ArgumentException($"Benign prompt '{prompt.Id}' is blocked but names no stage in BlockedBy.", nameof(benign));
            }
        }

        Categories =
        [
            .. Attacks
                .GroupBy(a => a.Category, StringComparer.Ordinal)
                .OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => new CategoryResult(g.Key, g.Count(), g.Count(a => a.Succeeded))),
        ];
        SucceededAttacks = Attacks.Count(a => a.Succeeded);
        BenignBlocked = Benign.Count(b => b.Blocked);
    }

    /// <summary>Gets what the run was.</summary>
    public RedTeamRunInfo Run { get; }

    /// <summary>Gets every attack result, in run order.</summary>
    public IReadOnlyList<AttackResult> Attacks { get; }

    /// <summary>Gets every benign control result, in run order.</summary>
    public IReadOnlyList<BenignResult> Benign { get; }

    /// <summary>Gets the categories, ordered by name (ordinal).</summary>
    public IReadOnlyList<CategoryResult> Categories { get; }

    /// <summary>Gets how many attacks ran.</summary>
    public int TotalAttacks => Attacks.Count;

    /// <summary>Gets how many attacks succeeded.</summary>
    public int SucceededAttacks { get; }

    /// <summary>Gets the overall attack success rate, succeeded / attacks, 0..1.</summary>
    public double AttackSuccessRate => (double)SucceededAttacks / TotalAttacks;

    /// <summary>Gets how many benign control prompts ran.</summary>
    public int BenignPrompts => Benign.Count;

    /// <summary>Gets how many benign control prompts were blocked.</summary>
    public int BenignBlocked { get; }

    /// <summary>Gets the benign block rate, blocked / benign prompts, 0..1; 0 when no benign prompts ran.</summary>
    public double BenignBlockRate => BenignPrompts == 0 ? 0 : (double)BenignBlocked / BenignPrompts;

    /// <summary>Gets the 95 % Wilson score interval of <see cref="BenignBlockRate"/>; [0, 1] when no benign prompts ran.</summary>
    public WilsonInterval BenignBlockRateInterval => WilsonInterval.Compute(BenignBlocked, BenignPrompts);

    /// <summary>Gets the attacks that succeeded, in run order.</summary>
    public IEnumerable<AttackResult> SucceededAttackResults => Attacks.Where(a => a.Succeeded);

    /// <summary>
    /// Gets the categories whose attack success rate is strictly above <paramref name="maxAsr"/>, the
    /// threshold of <c>safeopenai redteam --max-asr</c>; an empty list means the run passes.
    /// </summary>
    /// <param name="maxAsr">The highest acceptable success rate, 0..1.</param>
    /// <returns>The failing categories, ordered by name.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxAsr"/> is not a number in 0..1.</exception>
    public IReadOnlyList<CategoryResult> ExceedsMaxAsr(double maxAsr)
    {
        if (double.IsNaN(maxAsr) || maxAsr < 0 || maxAsr > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(maxAsr), maxAsr, "The maximum attack success rate must be a number from 0 to 1.");
        }

        return [.. Categories.Where(c => c.AttackSuccessRate > maxAsr)];
    }

    private static string? AttackProblem(AttackResult attack)
    {
        if (attack.Category is null || !SnakeCase().IsMatch(attack.Category))
        {
            return $"Attack '{attack.Id}' has category '{attack.Category}', which is not snake_case (a-z, 0-9, _).";
        }

        if (attack.Succeeded && !attack.ReachedModel)
        {
            return $"Attack '{attack.Id}' is marked succeeded but never reached the model.";
        }

        return attack.Evidence is null || attack.Evidence.Length > MaxEvidenceLength
            ? $"Attack '{attack.Id}' has no evidence or evidence longer than {MaxEvidenceLength} characters."
            : null;
    }

    private static void RequireUniqueId(string id, HashSet<string> ids, string what, string parameter)
    {
        if (string.IsNullOrWhiteSpace(id))
        {
            throw new ArgumentException($"A {what} result has an empty id.", parameter);
        }

        if (!ids.Add(id))
        {
            throw new ArgumentException($"The {what} id '{id}' appears more than once.", parameter);
        }
    }

    [GeneratedRegex("^[a-z][a-z0-9_]*$", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex SnakeCase();
}
