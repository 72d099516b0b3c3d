using System.Diagnostics;
using System.Diagnostics.Metrics;
using BenchmarkDotNet.Attributes;
using OpenAI.Chat;

namespace SafeOpenAI.Benchmarks.Telemetry;

/// <summary>
/// What SafeOpenAI's traces and metrics cost per call: the same pipeline as
/// <see cref="PipelineOverheadBenchmarks"/> (1 KB prompt, local stages, in-memory transport) with
/// nobody listening against an <see cref="ActivityListener"/> that records every SafeOpenAI span
/// and a <see cref="MeterListener"/> that receives every SafeOpenAI measurement, the way an
/// OpenTelemetry SDK subscribes. The raw <see cref="ChatClient"/> is the baseline.
/// </summary>
[MemoryDiagnoser]
public class TelemetryOverheadBenchmarks
{
    private static readonly string s_prompt = string.Concat(Enumerable.Repeat("Please review the following release notes and suggest clearer wording. ", 20))[..1024];

    private InMemoryPipeline _pipeline = null!;
    private ChatClient _raw = null!;
    private SafeChatClient _safe = null!;
    private ChatMessage[] _messages = null!;
    private ActivityListener? _activities;
    private MeterListener? _meters;
    private long _spans;
    private double _measured;

    /// <summary>Gets or sets whether a span and metric listener is attached.</summary>
    [Params(false, true)]
    public bool Listening { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        // The anomaly monitor is off so that only telemetry differs between the two cases.
        _pipeline = InMemoryPipeline.Create(o => o.Anomaly.Enabled = false);
        _raw = _pipeline.Raw;
        _safe = _pipeline.Safe;
        _messages = [ChatMessage.CreateSystemMessage("You are a concise assistant."), ChatMessage.CreateUserMessage(s_prompt)];

        if (Listening)
        {
            _activities = new ActivityListener
            {
                ShouldListenTo = source => source.Name == SafeOpenAITelemetry.SourceName,
                Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
                ActivityStopped = _ => Interlocked.Increment(ref _spans),
            };
            ActivitySource.AddActivityListener(_activities);
            _meters = new MeterListener
            {
                InstrumentPublished = (instrument, listener) =>
                {
                    if (instrument.Meter.Name == SafeOpenAITelemetry.SourceName)
                    {
                        listener.EnableMeasurementEvents(instrument);
                    }
                },
            };
            _meters.SetMeasurementEventCallback<double>((_, value, _, _) => _measured += value);
            _meters.SetMeasurementEventCallback<long>((_, value, _, _) => _measured += value);
            _meters.SetMeasurementEventCallback<int>((_, value, _, _) => _measured += value);
            _meters.Start();
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _activities?.Dispose();
        _meters?.Dispose();
        _pipeline.Dispose();
    }

    [Benchmark(Baseline = true, Description = "raw ChatClient")]
    public async Task<ChatCompletion> Raw() =>
        (await _raw.CompleteChatAsync(_messages, new ChatCompletionOptions { MaxOutputTokenCount = 256 })).Value;

    [Benchmark(Description = "SafeChatClient.CompleteAsync")]
    public async Task<SafeChatResult> Safe() =>
        await _safe.CompleteAsync(new SafeChatRequest(_messages)
        {
            Options = new ChatCompletionOptions { MaxOutputTokenCount = 256 },
            Identity = new SafetyIdentity("benchmark-user", "benchmark-session"),
        });
}
