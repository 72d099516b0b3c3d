using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace SafeOpenAI.Redis;

/// <summary>Validates <see cref="RedisBudgetOptions"/> at start-up; messages name the configuration key.</summary>
internal sealed class RedisBudgetOptionsValidator(string sectionPath, bool hasMultiplexer) : IValidateOptions<RedisBudgetOptions>
{
    public ValidateOptionsResult Validate(string? name, RedisBudgetOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Configuration))
        {
            if (!hasMultiplexer)
            {
                failures.Add($"{sectionPath}:Configuration is required (a StackExchange.Redis configuration string such as 'localhost:6379') unless an IConnectionMultiplexer is registered.");
            }
        }
        else
        {
            try
            {
                _ = ConfigurationOptions.Parse(options.Configuration);
            }
            catch (ArgumentException)
            {
                failures.Add($"{sectionPath}:Configuration is not a valid StackExchange.Redis configuration string.");
            }
        }

        if (!HasHashTag(options.KeyPrefix))
        {
            failures.Add($"{sectionPath}:KeyPrefix must contain a non-empty hash tag such as '{{safeopenai}}', so that all keys share one cluster slot.");
        }

        if (options.ReservationTimeout < TimeSpan.FromSeconds(1) || options.ReservationTimeout > TimeSpan.FromHours(24))
        {
            failures.Add($"{sectionPath}:ReservationTimeout must be between 00:00:01 and 1.00:00:00.");
        }

        if (options.OperationTimeout < TimeSpan.FromMilliseconds(10) || options.OperationTimeout > TimeSpan.FromMinutes(1))
        {
            failures.Add($"{sectionPath}:OperationTimeout must be between 00:00:00.010 and 00:01:00.");
        }

        if (options.MaxPendingCompletions < 1)
        {
            failures.Add($"{sectionPath}:MaxPendingCompletions must be at least 1.");
        }

        if (!Enum.IsDefined(options.FailureMode))
        {
            failures.Add($"{sectionPath}:FailureMode must be FailClosed or FailOpen.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    internal static bool HasHashTag(string? prefix)
    {
        if (string.IsNullOrEmpty(prefix))
        {
            return false;
        }

        var open = prefix.IndexOf('{', StringComparison.Ordinal);
        if (open < 0)
        {
            return false;
        }

        var close = prefix.IndexOf('}', open + 1);
        return close > open + 1;
    }
}
