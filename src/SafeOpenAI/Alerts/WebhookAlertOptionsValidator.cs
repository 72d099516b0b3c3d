using System.Globalization;
using Microsoft.Extensions.Options;

namespace SafeOpenAI;

/// <summary>Validates <see cref="WebhookAlertOptions"/> when the host starts; each message names the option. Thread-safe.</summary>
internal sealed class WebhookAlertOptionsValidator : IValidateOptions<WebhookAlertOptions>
{
    public ValidateOptionsResult Validate(string? name, WebhookAlertOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = Errors(options).ToList();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    internal static IEnumerable<string> Errors(WebhookAlertOptions options)
    {
        if (options.Url is not { IsAbsoluteUri: true } url || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
        {
            yield return string.Create(CultureInfo.InvariantCulture, $"WebhookAlertOptions.Url must be an absolute http or https address (was '{options.Url}').");
        }

        if (options.Secret is not { Length: >= 32 })
        {
            yield return "WebhookAlertOptions.Secret is required: at least 32 characters, for example from 'openssl rand -hex 32'.";
        }

        if (options.MaxRetries is < 0 or > 10)
        {
            yield return string.Create(CultureInfo.InvariantCulture, $"WebhookAlertOptions.MaxRetries must be between 0 and 10 (was {options.MaxRetries}).");
        }

        if (options.RetryDelay <= TimeSpan.Zero)
        {
            yield return string.Create(CultureInfo.InvariantCulture, $"WebhookAlertOptions.RetryDelay must be a positive duration (was {options.RetryDelay}).");
        }

        if (options.AttemptTimeout < TimeSpan.FromMilliseconds(10) || options.AttemptTimeout > TimeSpan.FromDays(1))
        {
            yield return string.Create(CultureInfo.InvariantCulture, $"WebhookAlertOptions.AttemptTimeout must be between 10 milliseconds and 1 day (was {options.AttemptTimeout}).");
        }
    }
}
