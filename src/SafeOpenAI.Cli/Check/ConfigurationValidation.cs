using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace SafeOpenAI.Cli.Check;

/// <summary>
/// The <c>configuration.valid</c> item: registers SafeOpenAI from the configuration exactly as an application does
/// (<c>services.AddSafeOpenAI(configuration.GetSection("SafeOpenAI"))</c>) and resolves the options, so that every error
/// the host would stop on at start is reported here, each naming its key.
/// </summary>
internal static partial class ConfigurationValidation
{
    /// <summary>The id of the item.</summary>
    public const string Id = "configuration.valid";

    /// <summary>A placeholder supplied when no API key is configured: the key comes from OPENAI_API_KEY at run time, which the <c>configuration.api_key</c> item reports.</summary>
    private const string PlaceholderApiKey = "sk-safeopenai-check-placeholder";

    private const string Title = "Configuration is valid";
    private const string Source = "SafeOpenAI docs/configuration.md (options are validated when the host starts)";

    /// <summary>Evaluates the item.</summary>
    /// <param name="configuration">The configuration.</param>
    /// <returns>Pass, or Fail with the validation errors; the key is the first key an error names.</returns>
    public static CheckItem Evaluate(CheckConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var builder = new ConfigurationBuilder().AddConfiguration(configuration.Root, shouldDisposeConfiguration: false);
        if (configuration["ApiKey"] is null)
        {
            builder.AddInMemoryCollection([new(CheckConfiguration.Key("ApiKey"), PlaceholderApiKey)]);
        }

        var root = builder.Build();
        var services = new ServiceCollection();
        string? error = null;
        try
        {
            services.AddSafeOpenAI(root.GetSection(CheckConfiguration.Section));
            using var provider = services.BuildServiceProvider();
            _ = provider.GetRequiredService<IOptions<SafeOpenAIOptions>>().Value;
        }
        catch (OptionsValidationException ex)
        {
            error = string.Join(" ", ex.Failures);
        }
        catch (InvalidOperationException ex)
        {
            // The binder's "Failed to convert configuration value at 'SafeOpenAI:...'" and registration conflicts.
            error = ex.InnerException is { } inner ? $"{ex.Message} {inner.Message}" : ex.Message;
        }
        catch (ArgumentException ex)
        {
            error = ex.Message;
        }
        finally
        {
            (root as IDisposable)?.Dispose();
        }

        if (error is null)
        {
            return new CheckItem(Id, Title, CheckStatus.Pass, CheckConfiguration.Section, "SafeOpenAI starts with this configuration: every option passes validation.", Source, CheckGroup.Configuration);
        }

        var key = KeyPattern().Match(error) is { Success: true } match ? match.Value.TrimEnd('.', ',', ':', '\'') : CheckConfiguration.Section;
        return new CheckItem(Id, Title, CheckStatus.Fail, key, "SafeOpenAI would not start: " + error, Source, CheckGroup.Configuration);
    }

    [GeneratedRegex(@"SafeOpenAI(:[A-Za-z0-9_]+)+", RegexOptions.None, matchTimeoutMilliseconds: 1000)]
    private static partial Regex KeyPattern();
}
