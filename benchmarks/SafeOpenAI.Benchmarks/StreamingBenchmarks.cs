using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using OpenAI.Chat;
using SafeOpenAI.Testing;

namespace SafeOpenAI.Benchmarks;

/// <summary>
/// Time to first token and total time of a streamed answer through the real SDK and HTTP against
/// the local endpoint's scripted stream (800 characters in word-aligned chunks of about 8
/// characters, 1 ms apart, like a model producing tokens: a tokenizer ends a piece at a word or a
/// full stop), for the raw <see cref="ChatClient"/> and for <see cref="SafeChatClient"/>
/// in <see cref="StreamingMode.HoldBack"/> and <see cref="StreamingMode.CutOff"/> mode with
/// 300-character windows. Output moderation runs per window against the endpoint's moderation
/// route; input moderation is off so that only the streaming side is measured.
/// Goals: HoldBack's first token comes at most one window check after the raw stream has
/// delivered the first window ("raw: first window", read up to the same sentence end); CutOff adds
/// at most 1 ms to the raw first token. A "first token" run stops reading there, so it also
/// includes cancelling the rest of the stream (and, for SafeChatClient, settling and auditing).
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 15)]
public class StreamingBenchmarks
{
    private const int WindowCharacters = 300;
    private static readonly string s_answer = BuildAnswer(800);

    // A window closes at the first sentence end at or after WindowCharacters: the raw stream's
    // "first window" is read up to the same character.
    private static readonly int s_firstWindowEnd = s_answer.IndexOf(". ", WindowCharacters - 1, StringComparison.Ordinal) + 1;

    private LocalOpenAIEndpoint _endpoint = null!;
    private ChatClient _raw = null!;
    private ServiceProvider _holdBackServices = null!;
    private ServiceProvider _cutOffServices = null!;
    private SafeChatClient _holdBack = null!;
    private SafeChatClient _cutOff = null!;
    private ChatMessage[] _messages = null!;

    [GlobalSetup]
    public async Task Setup()
    {
        _endpoint = await LocalOpenAIEndpoint.StartAsync(new LocalOpenAIEndpointOptions
        {
            StreamChunkDelay = TimeSpan.FromMilliseconds(1),
        });
        var pieces = WordAlignedPieces(s_answer, 8);
        _endpoint.Chat.Handler = _ => ScriptedChatResponse.Streamed(pieces);
        _raw = _endpoint.CreateChatClient("gpt-4o-mini", maxRetries: 0);
        (_holdBackServices, _holdBack) = CreateSafeClient(StreamingMode.HoldBack);
        (_cutOffServices, _cutOff) = CreateSafeClient(StreamingMode.CutOff);
        _messages = [ChatMessage.CreateSystemMessage("You are a concise assistant."), ChatMessage.CreateUserMessage("Tell me about the sea.")];
        AmbientSafetyIdentityAccessor.Use(new SafetyIdentity("benchmark-user", "benchmark-session"));
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        await _holdBackServices.DisposeAsync();
        await _cutOffServices.DisposeAsync();
        await _endpoint.DisposeAsync();
    }

    [Benchmark(Baseline = true, Description = "raw: first token")]
    public Task<int> RawFirstToken() => ReadAsync(_raw, untilCharacters: 1);

    [Benchmark(Description = "raw: first window")]
    public Task<int> RawFirstWindow() => ReadAsync(_raw, untilCharacters: s_firstWindowEnd);

    [Benchmark(Description = "HoldBack: first token")]
    public Task<int> HoldBackFirstToken() => ReadAsync(_holdBack, untilCharacters: 1);

    [Benchmark(Description = "CutOff: first token")]
    public Task<int> CutOffFirstToken() => ReadAsync(_cutOff, untilCharacters: 1);

    [Benchmark(Description = "raw: whole stream")]
    public Task<int> RawTotal() => ReadAsync(_raw, untilCharacters: int.MaxValue);

    [Benchmark(Description = "HoldBack: whole stream")]
    public Task<int> HoldBackTotal() => ReadAsync(_holdBack, untilCharacters: int.MaxValue);

    [Benchmark(Description = "CutOff: whole stream")]
    public Task<int> CutOffTotal() => ReadAsync(_cutOff, untilCharacters: int.MaxValue);

    private async Task<int> ReadAsync(ChatClient client, int untilCharacters)
    {
        var received = 0;
        await foreach (var update in client.CompleteChatStreamingAsync(_messages))
        {
            foreach (var part in update.ContentUpdate)
            {
                received += part.Text.Length;
            }

            if (received >= untilCharacters)
            {
                break;
            }
        }

        return received;
    }

    private (ServiceProvider Services, SafeChatClient Client) CreateSafeClient(StreamingMode mode)
    {
        var services = new ServiceCollection();
        services.AddSingleton(_endpoint.CreateChatClient("gpt-4o-mini", maxRetries: 0));
        services.AddSingleton(_endpoint.CreateModerationClient(maxRetries: 0));
        services.AddSafeOpenAI(o =>
        {
            o.Identity.HashKey = "benchmark-hash-key-0123456789abcdef";
            o.Moderation.CheckInput = false;
            o.Budget.Limits.Add(new BudgetLimit { Scope = BudgetScope.User, Window = BudgetWindow.Hour, Tokens = long.MaxValue / 2 });
            o.Budget.RequestsPerMinute = null;
            o.Streaming.Mode = mode;
            o.Streaming.WindowCharacters = WindowCharacters;
        });
        var provider = services.BuildServiceProvider();
        return (provider, provider.GetRequiredService<SafeChatClient>());
    }

    private static string[] WordAlignedPieces(string text, int minimumCharacters)
    {
        var pieces = new List<string>();
        var current = new System.Text.StringBuilder();
        foreach (var word in System.Text.RegularExpressions.Regex.Split(text, @"(?=\s)"))
        {
            current.Append(word);
            if (current.Length >= minimumCharacters || word.EndsWith('.'))
            {
                pieces.Add(current.ToString());
                current.Clear();
            }
        }

        if (current.Length > 0)
        {
            pieces.Add(current.ToString());
        }

        return pieces.ToArray();
    }

    private static string BuildAnswer(int characters)
    {
        const string Sentence = "The sea covers most of the planet and shapes its weather in many ways. ";
        var builder = new System.Text.StringBuilder(characters + Sentence.Length);
        while (builder.Length < characters)
        {
            builder.Append(Sentence);
        }

        return builder.ToString(0, characters);
    }
}
