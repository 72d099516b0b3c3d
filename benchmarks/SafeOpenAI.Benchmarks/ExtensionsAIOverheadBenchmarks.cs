using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.AI;
using SafeOpenAI.Extensions.AI;

namespace SafeOpenAI.Benchmarks;

/// <summary>
/// What the IChatClient door costs on top of Microsoft.Extensions.AI's OpenAI client for one call: the
/// raw <c>ChatClient.AsIChatClient()</c> against <see cref="SafeOpenAIChatClient"/> wrapping it, over the
/// same in-memory transport and local stages as <see cref="PipelineOverheadBenchmarks"/> (1 KB prompt;
/// moderation, a network call, off).
/// </summary>
[MemoryDiagnoser]
public class ExtensionsAIOverheadBenchmarks
{
    private static readonly ChatOptions s_options = new() { MaxOutputTokens = 256 };

    private InMemoryPipeline _pipeline = null!;
    private IChatClient _raw = null!;
    private SafeOpenAIChatClient _safe = null!;
    private List<ChatMessage> _messages = null!;
    private IDisposable _identity = null!;

    [GlobalSetup]
    public void Setup()
    {
        _pipeline = InMemoryPipeline.Create();
        _raw = _pipeline.Raw.AsIChatClient();
        _safe = new SafeOpenAIChatClient(_raw, _pipeline.Safe.SafetyPipeline, new AmbientSafetyIdentityAccessor());
        _messages = [new(ChatRole.System, "You are a concise assistant."), new(ChatRole.User, PipelineOverheadBenchmarks.BuildPrompt(1024))];
        _identity = AmbientSafetyIdentityAccessor.Use(new SafetyIdentity("benchmark-user", "benchmark-session"));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _identity.Dispose();
        _pipeline.Dispose();
    }

    [Benchmark(Baseline = true, Description = "raw IChatClient (AsIChatClient)")]
    public Task<ChatResponse> Raw() => _raw.GetResponseAsync(_messages, s_options);

    [Benchmark(Description = "SafeOpenAIChatClient.GetResponseAsync")]
    public Task<ChatResponse> Safe() => _safe.GetResponseAsync(_messages, s_options);
}
