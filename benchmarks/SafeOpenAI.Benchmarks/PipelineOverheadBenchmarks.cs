using BenchmarkDotNet.Attributes;
using OpenAI.Chat;

namespace SafeOpenAI.Benchmarks;

/// <summary>
/// What the safety pipeline costs on top of the SDK's own client-side work for one call: the raw
/// <see cref="ChatClient"/> against <see cref="SafeChatClient"/> over the same in-memory transport,
/// with a 1 KB prompt and the local stages only (identity, hardening, in-memory budget, input
/// length with token counting, audit record; moderation is a network call and is off here).
/// Goal: safe/raw time ≤ 2.0 and at most 8 KB more allocated per call.
/// </summary>
[MemoryDiagnoser]
public class PipelineOverheadBenchmarks
{
    private static readonly string s_prompt = BuildPrompt(1024);

    private InMemoryPipeline _pipeline = null!;
    private ChatClient _raw = null!;
    private SafeChatClient _safe = null!;
    private ChatMessage[] _messages = null!;

    [GlobalSetup]
    public void Setup()
    {
        _pipeline = InMemoryPipeline.Create();
        _raw = _pipeline.Raw;
        _safe = _pipeline.Safe;
        _messages = [ChatMessage.CreateSystemMessage("You are a concise assistant."), ChatMessage.CreateUserMessage(s_prompt)];
        AmbientSafetyIdentityAccessor.Use(new SafetyIdentity("benchmark-user", "benchmark-session"));
    }

    [GlobalCleanup]
    public void Cleanup() => _pipeline.Dispose();

    [Benchmark(Baseline = true, Description = "raw ChatClient")]
    public async Task<ChatCompletion> Raw() =>
        (await _raw.CompleteChatAsync(_messages, new ChatCompletionOptions { MaxOutputTokenCount = 256 })).Value;

    [Benchmark(Description = "SafeChatClient (drop-in)")]
    public async Task<ChatCompletion> Safe() =>
        (await _safe.CompleteChatAsync(_messages, new ChatCompletionOptions { MaxOutputTokenCount = 256 })).Value;

    [Benchmark(Description = "SafeChatClient.CompleteAsync")]
    public async Task<SafeChatResult> SafeFullControl() =>
        await _safe.CompleteAsync(new SafeChatRequest(_messages)
        {
            Options = new ChatCompletionOptions { MaxOutputTokenCount = 256 },
            Identity = new SafetyIdentity("benchmark-user", "benchmark-session"),
        });

    internal static string BuildPrompt(int characters)
    {
        const string Sentence = "Please review the following release notes and suggest clearer wording for each item, keeping the meaning. ";
        var builder = new System.Text.StringBuilder(characters + Sentence.Length);
        while (builder.Length < characters)
        {
            builder.Append(Sentence);
        }

        return builder.ToString(0, characters);
    }
}
