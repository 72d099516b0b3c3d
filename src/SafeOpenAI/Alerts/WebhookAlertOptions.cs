namespace SafeOpenAI;

/// <summary>
/// Options of the <see cref="WebhookSafetyAlertSink"/> (set in code with
/// <c>builder.AddWebhookAlerts(o =&gt; ...)</c>; validated when the host starts).
/// </summary>
public sealed class WebhookAlertOptions
{
    /// <summary>Gets or sets the absolute http or https address the alerts are POSTed to. Required.</summary>
    public Uri? Url { get; set; }

    /// <summary>
    /// Gets or sets the shared secret of the HMAC-SHA256 signature (its UTF-8 bytes are the key).
    /// Required, at least 32 characters, for example from <c>openssl rand -hex 32</c>. Keep it out
    /// of source control; the receiver checks each body with <see cref="WebhookAlertSignature.Verify"/>.
    /// </summary>
    public string? Secret { get; set; }

    /// <summary>
    /// Gets or sets how many times a delivery that failed transiently (HTTP 408, 429, 5xx, a network
    /// error or an attempt timeout) is retried, with exponential backoff and jitter, honouring
    /// <c>Retry-After</c>. 0 sends once. Default: 3, the default of
    /// Microsoft.Extensions.Http.Resilience's standard retry strategy.
    /// </summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>Gets or sets the delay before the first retry; each next one doubles (with jitter). Default: 2 seconds, the standard retry strategy's default.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Gets or sets how long one attempt may take. Default: 10 seconds, the standard resilience handler's attempt timeout.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
