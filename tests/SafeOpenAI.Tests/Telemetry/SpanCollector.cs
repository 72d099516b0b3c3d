using System.Collections.Concurrent;
using System.Diagnostics;

namespace SafeOpenAI.Tests.Telemetry;

/// <summary>
/// Collects the spans of SafeOpenAI and of the HTTP client that belong to one test: the test runs
/// under its own root span and only spans of that trace are kept.
/// </summary>
internal sealed class SpanCollector : IDisposable
{
    private const string HttpSource = "System.Net.Http";
    private const string TestSource = "SafeOpenAI.Tests.Telemetry";
    private static readonly ActivitySource s_testSource = new(TestSource);
    private readonly ActivityListener _listener;
    private readonly ConcurrentQueue<Activity> _stopped = new();

    public SpanCollector()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is SafeOpenAITelemetry.SourceName or HttpSource or TestSource,
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
        Root = s_testSource.StartActivity("test")!;
    }

    public Activity Root { get; }

    /// <summary>Gets every stopped span of this test's trace, in the order they started.</summary>
    public IReadOnlyList<Activity> Spans => _stopped.Where(a => a.TraceId == Root.TraceId && !ReferenceEquals(a, Root)).OrderBy(a => a.StartTimeUtc).ToList();

    public Activity CallSpan => Spans.Single(a => a.Source.Name == SafeOpenAITelemetry.SourceName && a.Kind == ActivityKind.Client);

    /// <summary>Gets SafeOpenAI's stage spans, children of the call span, in the order they started.</summary>
    public IReadOnlyList<Activity> StageSpans => Spans.Where(a => a.Source.Name == SafeOpenAITelemetry.SourceName && a.Kind == ActivityKind.Internal).ToList();

    public IReadOnlyList<Activity> HttpSpans => Spans.Where(a => a.Source.Name == HttpSource).ToList();

    public void Dispose()
    {
        Root.Stop();
        _listener.Dispose();
    }
}
