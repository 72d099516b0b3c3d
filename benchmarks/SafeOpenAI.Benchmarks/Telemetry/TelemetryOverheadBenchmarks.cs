using System.ClientModel;
using System.ClientModel.Primitives;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using OpenAI;
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

    private ChatClient _raw = null!;
    private SafeChatClient _safe = null!;
    private ServiceProvider _services = null!;
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
        var options = new OpenAIClientOptions
        {
            Endpoint = new Uri("http://in-memory.invalid/v1"),
            Transport = new HttpClientPipelineTransport(new HttpClient(new InMemoryChatHandler())),
        };
        _raw = new ChatClient("gpt-4o-mini", new ApiKeyCredential("benchmark"), options);

        var services = new ServiceCollection();
        services.AddSingleton(_raw);
        services.AddSafeOpenAI(o =>
        {
            o.Identity.HashKey = "benchmark-hash-key-0123456789abcdef";
            o.Moderation.Enabled = false;
            o.Anomaly.Enabled = false;
            o.Budget.Limits.Add(new BudgetLimit { Scope = BudgetScope.User, Window = BudgetWindow.Hour, Tokens = long.MaxValue / 2 });
            o.Budget.RequestsPerMinute = null;
        });
        services.AddSingleton<IUserAccessPolicy, OpenAccess>();
        _services = services.BuildServiceProvider();
        _safe = _services.GetRequiredService<SafeChatClient>();
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
        _services.Dispose();
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

    /// <summary>An access policy that suspends nobody, so the benchmark measures the pipeline alone.</summary>
    private sealed class OpenAccess : IUserAccessPolicy
    {
        public ValueTask<UserSuspension?> GetSuspensionAsync(string userKey, CancellationToken cancellationToken) => ValueTask.FromResult<UserSuspension?>(null);

        public ValueTask<UserSuspension> SuspendAsync(UserSuspension suspension, CancellationToken cancellationToken) => throw new NotSupportedException();

        public ValueTask<bool> LiftAsync(string userKey, CancellationToken cancellationToken) => ValueTask.FromResult(false);

        public ValueTask<IReadOnlyList<UserSuspension>> ListSuspensionsAsync(CancellationToken cancellationToken) => ValueTask.FromResult<IReadOnlyList<UserSuspension>>([]);
    }
}
