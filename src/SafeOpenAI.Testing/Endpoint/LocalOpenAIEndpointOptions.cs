using Microsoft.Extensions.Logging;

namespace SafeOpenAI.Testing;

/// <summary>Settings of a <see cref="LocalOpenAIEndpoint"/>. Read once, when the endpoint starts.</summary>
public sealed class LocalOpenAIEndpointOptions
{
    /// <summary>Gets or sets the TCP port on 127.0.0.1; 0 (the default) picks a free port.</summary>
    public int Port { get; set; }

    /// <summary>Gets or sets a value indicating whether requests are recorded in <see cref="LocalOpenAIEndpoint.Requests"/>. Default <see langword="true"/>.</summary>
    public bool RecordRequests { get; set; } = true;

    /// <summary>
    /// Gets or sets the most requests kept in <see cref="LocalOpenAIEndpoint.Requests"/>; older ones
    /// are dropped first, so long load tests do not hold every body. Default 10,000.
    /// </summary>
    public int MaxRecordedRequests { get; set; } = 10_000;

    /// <summary>Gets or sets how many characters of the answer each streamed content chunk carries. Default 16.</summary>
    public int StreamChunkCharacters { get; set; } = 16;

    /// <summary>Gets or sets a pause between streamed chunks. Default none.</summary>
    public TimeSpan StreamChunkDelay { get; set; } = TimeSpan.Zero;

    /// <summary>
    /// Gets or sets a callback that configures the server's logging. By default every logging
    /// provider is removed, so the endpoint writes nothing to the console.
    /// </summary>
    public Action<ILoggingBuilder>? ConfigureLogging { get; set; }
}
