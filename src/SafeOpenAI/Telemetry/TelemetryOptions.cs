namespace SafeOpenAI;

/// <summary>Options of SafeOpenAI's traces and metrics (configuration section <c>SafeOpenAI:Telemetry</c>).</summary>
public sealed class TelemetryOptions
{
    /// <summary>
    /// Gets or sets a value indicating whether spans may carry message content (the user text and
    /// the answer). Content is recorded only when this is on <em>and</em> the environment variable
    /// <c>OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT</c> is <c>true</c>, the opt-in of the
    /// OpenTelemetry gen_ai semantic conventions. Off by default.
    /// </summary>
    public bool CaptureMessageContent { get; set; }
}
