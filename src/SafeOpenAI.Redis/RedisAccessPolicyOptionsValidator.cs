using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace SafeOpenAI.Redis;

/// <summary>Validates <see cref="RedisAccessPolicyOptions"/>; messages name the configuration key.</summary>
/// <param name="sectionPath">The configuration path the messages name.</param>
/// <param name="hasConnection">Whether a connection is available without <see cref="RedisAccessPolicyOptions.Configuration"/> (the budgets' configuration string, or a multiplexer in dependency injection).</param>
internal sealed class RedisAccessPolicyOptionsValidator(string sectionPath, Func<bool> hasConnection) : IValidateOptions<RedisAccessPolicyOptions>
{
    public ValidateOptionsResult Validate(string? name, RedisAccessPolicyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Configuration))
        {
            if (!hasConnection())
            {
                failures.Add($"{sectionPath}:Configuration is required (a StackExchange.Redis configuration string such as 'localhost:6379') unless UseRedisBudgets sets one or an IConnectionMultiplexer is registered.");
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

        if (!RedisBudgetOptionsValidator.HasHashTag(options.KeyPrefix))
        {
            failures.Add($"{sectionPath}:KeyPrefix must contain a non-empty hash tag such as '{{safeopenai}}', so that all keys share one cluster slot.");
        }

        if (options.OperationTimeout < TimeSpan.FromMilliseconds(10) || options.OperationTimeout > TimeSpan.FromMinutes(1))
        {
            failures.Add($"{sectionPath}:OperationTimeout must be between 00:00:00.010 and 00:01:00.");
        }

        if (!Enum.IsDefined(options.FailureMode))
        {
            failures.Add($"{sectionPath}:FailureMode must be FailClosed or FailOpen.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
