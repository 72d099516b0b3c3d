using System.Globalization;

namespace SafeOpenAI;

/// <summary>
/// Builds the verdicts of budget trackers, so that every <see cref="IBudgetTracker"/> (in memory,
/// Redis, or your own) denies with the same codes, evidence and user messages
/// (<see cref="BudgetCodes"/>). User messages never contain keys or amounts of other users.
/// </summary>
/// <remarks>Pure functions; thread-safe.</remarks>
public static class BudgetVerdicts
{
    /// <summary>Builds the denial of a call by one limit.</summary>
    /// <param name="stage">The tracker's name.</param>
    /// <param name="limit">The limit that ran out.</param>
    /// <param name="metric">The metric that ran out.</param>
    /// <param name="used">Committed in the current window, in the metric's unit.</param>
    /// <param name="reserved">Held by outstanding reservations, in the metric's unit.</param>
    /// <param name="requested">Asked for by the call, in the metric's unit.</param>
    /// <param name="now">The tracker's current time.</param>
    /// <param name="retryAfter">How long until the window resets, or <see langword="null"/> when the call asks for more than the whole limit and no wait can help.</param>
    /// <returns>A Block verdict with code <see cref="BudgetCodes.Exceeded"/> and the evidence listed on <see cref="BudgetCodes"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="stage"/> or <paramref name="limit"/> is null.</exception>
    public static SafetyVerdict Exceeded(string stage, BudgetLimit limit, BudgetMetric metric, decimal used, decimal reserved, decimal requested, DateTimeOffset now, out TimeSpan? retryAfter)
    {
        ArgumentNullException.ThrowIfNull(stage);
        ArgumentNullException.ThrowIfNull(limit);
        var amount = limit.AmountOf(metric) ?? 0m;
        var resetsAt = BudgetWindows.EndOf(limit.Window, now);
        var evidence = new Dictionary<string, string>(10, StringComparer.Ordinal)
        {
            [BudgetCodes.EvidenceScope] = BudgetCodes.Name(limit.Scope),
            [BudgetCodes.EvidenceWindow] = BudgetCodes.Name(limit.Window),
            [BudgetCodes.EvidenceMetric] = BudgetCodes.Name(metric),
            [BudgetCodes.EvidenceLimit] = BudgetCodes.FormatAmount(amount),
            [BudgetCodes.EvidenceUsed] = BudgetCodes.FormatAmount(used),
            [BudgetCodes.EvidenceReserved] = BudgetCodes.FormatAmount(reserved),
            [BudgetCodes.EvidenceRequested] = BudgetCodes.FormatAmount(requested),
            [BudgetCodes.EvidenceResetsAt] = BudgetCodes.FormatInstant(resetsAt),
        };

        string message;
        if (requested > amount)
        {
            evidence[BudgetCodes.EvidenceReason] = BudgetCodes.RequestExceedsLimit;
            retryAfter = null;
            message = "This request needs more than the whole usage limit allows.";
        }
        else
        {
            retryAfter = resetsAt - now;
            evidence[BudgetCodes.EvidenceRetryAfterSeconds] = BudgetCodes.FormatSeconds(retryAfter.Value);
            message = string.Format(
                CultureInfo.InvariantCulture,
                limit.Scope == BudgetScope.User || limit.Scope == BudgetScope.Session
                    ? "You have reached your usage limit; it resets at {0}."
                    : "The service has reached its usage limit; it resets at {0}.",
                BudgetCodes.FormatInstant(resetsAt));
        }

        return SafetyVerdict.Block(stage, BudgetCodes.Exceeded(limit.Scope, limit.Window, metric), message, evidence);
    }

    /// <summary>Builds the denial of a call by the per-user request rate limit.</summary>
    /// <param name="stage">The tracker's name.</param>
    /// <param name="requestsPerMinute">The configured rate.</param>
    /// <param name="retryAfter">How long until a permit is available.</param>
    /// <returns>A Block verdict with code <see cref="BudgetCodes.RateLimited"/> and evidence <c>limit_requests_per_minute</c> and <see cref="BudgetCodes.EvidenceRetryAfterSeconds"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="stage"/> is null.</exception>
    public static SafetyVerdict RateLimited(string stage, int requestsPerMinute, TimeSpan retryAfter)
    {
        ArgumentNullException.ThrowIfNull(stage);
        var evidence = new Dictionary<string, string>(2, StringComparer.Ordinal)
        {
            ["limit_requests_per_minute"] = requestsPerMinute.ToString(CultureInfo.InvariantCulture),
            [BudgetCodes.EvidenceRetryAfterSeconds] = BudgetCodes.FormatSeconds(retryAfter),
        };
        return SafetyVerdict.Block(stage, BudgetCodes.RateLimited, "You are sending requests too quickly; please wait a moment.", evidence);
    }

    /// <summary>Builds the denial of a call that has no cost estimate while a USD limit applies.</summary>
    /// <param name="stage">The tracker's name.</param>
    /// <param name="limit">The USD limit.</param>
    /// <param name="model">The model without a price.</param>
    /// <returns>A Block verdict with code <see cref="BudgetCodes.CostUnknown"/>.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static SafetyVerdict CostUnknown(string stage, BudgetLimit limit, string model)
    {
        ArgumentNullException.ThrowIfNull(stage);
        ArgumentNullException.ThrowIfNull(limit);
        ArgumentNullException.ThrowIfNull(model);
        var evidence = new Dictionary<string, string>(3, StringComparer.Ordinal)
        {
            [BudgetCodes.EvidenceScope] = BudgetCodes.Name(limit.Scope),
            [BudgetCodes.EvidenceWindow] = BudgetCodes.Name(limit.Window),
            ["model"] = model,
        };
        return SafetyVerdict.Block(stage, BudgetCodes.CostUnknown, "This request cannot be priced, so it cannot be checked against the spending limit.", evidence);
    }

    /// <summary>Builds the denial of a call whose budget store cannot be reached (fail closed).</summary>
    /// <param name="stage">The tracker's name.</param>
    /// <param name="error">The exception type or a short reason, for the evidence; never a connection string.</param>
    /// <returns>A Block verdict with code <see cref="BudgetCodes.Unavailable"/> and evidence <c>error</c> and <c>failure_policy=fail_closed</c>.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static SafetyVerdict Unavailable(string stage, string error)
    {
        ArgumentNullException.ThrowIfNull(stage);
        ArgumentNullException.ThrowIfNull(error);
        return SafetyVerdict.Block(
            stage,
            BudgetCodes.Unavailable,
            "The service cannot check usage limits right now; please try again shortly.",
            new Dictionary<string, string>(2, StringComparer.Ordinal) { ["error"] = error, ["failure_policy"] = "fail_closed" });
    }

    /// <summary>Builds the verdict of a call admitted by a local fallback tracker because the budget store cannot be reached (fail open).</summary>
    /// <param name="stage">The tracker's name.</param>
    /// <param name="error">The exception type or a short reason, for the evidence.</param>
    /// <param name="fallback">The fallback's verdict (Allow, or its own denial, which is returned unchanged).</param>
    /// <returns>An Allow verdict with code <see cref="BudgetCodes.Degraded"/> and evidence <c>error</c>, <c>fallback</c> and <c>failure_policy=fail_open</c>, or <paramref name="fallback"/> when the fallback denied the call.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static SafetyVerdict Degraded(string stage, string error, SafetyVerdict fallback)
    {
        ArgumentNullException.ThrowIfNull(stage);
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(fallback);
        if (fallback.Action == SafetyAction.Block)
        {
            return fallback;
        }

        return new SafetyVerdict(
            stage,
            SafetyAction.Allow,
            BudgetCodes.Degraded,
            evidence: new Dictionary<string, string>(3, StringComparer.Ordinal) { ["error"] = error, ["fallback"] = fallback.Stage, ["failure_policy"] = "fail_open" });
    }
}
