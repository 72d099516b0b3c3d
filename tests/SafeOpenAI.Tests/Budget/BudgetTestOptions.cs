namespace SafeOpenAI.Tests.Budget;

/// <summary>Budget options for tests: only the limits a test names, no request rate limit unless asked.</summary>
internal static class BudgetTestOptions
{
    public static BudgetOptions With(params BudgetLimit[] limits)
    {
        var options = new BudgetOptions { RequestsPerMinute = null };
        foreach (var limit in limits)
        {
            options.Limits.Add(limit);
        }

        return options;
    }

    public static BudgetOptions TokenLimit(long limit, BudgetWindow window = BudgetWindow.Hour, BudgetScope scope = BudgetScope.User) =>
        With(new BudgetLimit { Scope = scope, Window = window, Tokens = limit });

    public static BudgetRequest Ask(long tokens, string user = "user-a", string? session = null, string? tenant = null, decimal? costUsd = null) =>
        new(new BudgetSubject(user, session, tenant), "gpt-4o-mini", PromptTokens: (int)(tokens / 2), MaxOutputTokens: (int)(tokens - (tokens / 2)), EstimatedCostUsd: costUsd);
}
