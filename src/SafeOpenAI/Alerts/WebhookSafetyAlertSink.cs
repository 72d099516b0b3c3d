using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace SafeOpenAI;

/// <summary>
/// An <see cref="ISafetyAlertSink"/> for paging: POSTs each alert as JSON to
/// <see cref="WebhookAlertOptions.Url"/>, signed with HMAC-SHA256 (<see cref="WebhookAlertSignature"/>).
/// Register with <c>builder.AddWebhookAlerts(o =&gt; ...)</c>, which also sets up the named
/// <see cref="HttpClient"/> <see cref="HttpClientName"/> with retries (exponential backoff with
/// jitter, Microsoft.Extensions.Http.Resilience) and a timeout per attempt.
/// </summary>
/// <remarks>
/// <para>The body (UTF-8 JSON, <c>application/json</c>), with no raw user data (<c>scope</c> is <c>user</c>, <c>global</c> or <c>review</c>; a review's subject is its review id):</para>
/// <code>
/// {"type":"safety_alert","rule":"anomaly.repeated_moderation_flags","scope":"user","subject":"&lt;user key&gt;",
///  "observed":3,"threshold":3,"unit":"count","window_seconds":3600,
///  "raised_at":"2026-01-01T12:00:00+00:00","suspended_until":"2026-01-01T13:00:00+00:00"}
/// </code>
/// <para>
/// A delivery that still fails after the retries throws <see cref="HttpRequestException"/> with
/// the status code; the <see cref="SafetyAlertDispatcher"/> logs it with the alert (event id 3202).
/// Thread-safe.
/// </para>
/// </remarks>
public sealed class WebhookSafetyAlertSink : ISafetyAlertSink
{
    /// <summary>The name of the <see cref="IHttpClientFactory"/> client the sink sends with: <c>SafeOpenAI.AlertWebhook</c>.</summary>
    public const string HttpClientName = "SafeOpenAI.AlertWebhook";

    private static readonly MediaTypeHeaderValue JsonType = new("application/json") { CharSet = "utf-8" };

    private readonly HttpClient _client;
    private readonly Uri _url;
    private readonly string _secret;
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates the sink.</summary>
    /// <param name="httpClientFactory">Creates the <see cref="HttpClientName"/> client.</param>
    /// <param name="options">The options; <see cref="WebhookAlertOptions.Url"/> and <see cref="WebhookAlertOptions.Secret"/> are required.</param>
    /// <param name="timeProvider">The clock of the signature's timestamp.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The url or the secret is missing or invalid.</exception>
    public WebhookSafetyAlertSink(IHttpClientFactory httpClientFactory, IOptions<WebhookAlertOptions> options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(httpClientFactory);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        var value = options.Value;
        if (WebhookAlertOptionsValidator.Errors(value).FirstOrDefault() is { } error)
        {
            throw new ArgumentException(error, nameof(options));
        }

        // One client for the sink's lifetime, created now: alerts queued when the host stops are
        // still delivered after the container stopped creating services. The builder extension
        // gives it a SocketsHttpHandler that renews connections (and DNS) every 2 minutes.
        _client = httpClientFactory.CreateClient(HttpClientName);
        _url = value.Url!;
        _secret = value.Secret!;
        _timeProvider = timeProvider;
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentNullException"><paramref name="alert"/> is null.</exception>
    /// <exception cref="HttpRequestException">The receiver did not accept the alert (a non-success status after the retries, or a network failure).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async ValueTask PublishAsync(SafetyAlert alert, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(alert);
        var body = Serialize(alert);
        var timestamp = _timeProvider.GetUtcNow().ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, _url)
        {
            Content = new ByteArrayContent(body) { Headers = { ContentType = JsonType } },
        };
        request.Headers.Add(WebhookAlertSignature.TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add(WebhookAlertSignature.SignatureHeader, WebhookAlertSignature.Compute(_secret, timestamp, body));
        using var response = await _client.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException(
                string.Create(CultureInfo.InvariantCulture, $"The alert webhook answered {(int)response.StatusCode} ({response.ReasonPhrase})."),
                inner: null,
                response.StatusCode);
        }
    }

    /// <summary>The scope as the body names it: <c>user</c>, <c>global</c> or <c>review</c>.</summary>
    internal static string ScopeName(AlertScope scope) => scope switch
    {
        AlertScope.User => "user",
        AlertScope.Global => "global",
        AlertScope.Review => "review",
        _ => ((int)scope).ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>Writes the JSON body of an alert.</summary>
    internal static byte[] Serialize(SafetyAlert alert)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("type", "safety_alert");
            json.WriteString("rule", alert.Rule);
            json.WriteString("scope", ScopeName(alert.Scope));
            json.WriteString("subject", alert.Subject);
            json.WriteNumber("observed", alert.Observed);
            json.WriteNumber("threshold", alert.Threshold);
            json.WriteString("unit", alert.Unit);
            json.WriteNumber("window_seconds", alert.Window.TotalSeconds);
            json.WriteString("raised_at", alert.RaisedAt);
            if (alert.SuspendedUntil is { } until)
            {
                json.WriteString("suspended_until", until);
            }
            else
            {
                json.WriteNull("suspended_until");
            }

            json.WriteEndObject();
        }

        return buffer.ToArray();
    }
}
