using System.ClientModel;
using System.ClientModel.Primitives;
using System.Net;
using System.Text;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using OpenAI;
using OpenAI.Chat;

namespace SafeOpenAI.Benchmarks;

/// <summary>
/// What the off-topic check adds in process, the judge's network round trip excluded: building the
/// judge's request from a 10-turn conversation (turns of about 400 characters), reading its strict
/// answer, and a whole call through <see cref="SafeChatClient"/> with and without the check, with the
/// main model and the judge both answered by in-memory transports (so the judge call's SDK
/// serialisation, reservation, settlement and pricing are measured).
/// </summary>
[MemoryDiagnoser]
public class ScopeCheckBenchmarks : IDisposable
{
    private const string Scope = "Customer support for an online shop: orders, returns, refunds, shipping and products.";
    private const string Turn = "I ordered a pair of walking boots last Tuesday and the tracking page still says the parcel is waiting at the depot. ";

    private readonly SafetyRequest _conversation = Conversation();
    private readonly ScopeCheck _check = ScopeCheck.OffTopic(Scope, new ScopeCheckOptions(), new ConstantJudge());
    private readonly ServiceProvider _withCheck = Services(withCheck: true);
    private readonly ServiceProvider _withoutCheck = Services(withCheck: false);
    private readonly SafeChatRequest _question = new([ChatMessage.CreateSystemMessage("You are the shop's assistant."), ChatMessage.CreateUserMessage("Where is my order? It should have shipped on Monday.")])
    {
        Identity = new SafetyIdentity("bench-user", "bench-session"),
    };

    /// <summary>Plans the judge call (builds its prompt) for a 10-turn conversation.</summary>
    [Benchmark]
    public int Plan10Turns() => _check.PlanModelCall(_conversation, null)!.Prompt.Count;

    /// <summary>The check with an in-process judge: the prompt is built and the verdict made, no HTTP.</summary>
    [Benchmark]
    public async Task<SafetyAction> InspectInProcessJudge10Turns() => (await _check.InspectAsync(_conversation, CancellationToken.None)).Verdict.Action;

    /// <summary>Reading the judge's strict JSON answer.</summary>
    [Benchmark]
    public bool ParseJudgeAnswer() => OpenAIScopeJudge.Parse("""{"flagged":false,"confidence":0.93}""", null).Flagged;

    /// <summary>A whole call through SafeChatClient (default stages, budget on) without the check.</summary>
    [Benchmark(Baseline = true)]
    public async Task<SafeChatStatus> CallWithoutCheck() => (await _withoutCheck.GetRequiredService<SafeChatClient>().CompleteAsync(_question)).Status;

    /// <summary>The same call with the off-topic check deciding first, its judge answered in memory.</summary>
    [Benchmark]
    public async Task<SafeChatStatus> CallWithOffTopicCheck() => (await _withCheck.GetRequiredService<SafeChatClient>().CompleteAsync(_question)).Status;

    /// <inheritdoc />
    public void Dispose()
    {
        _withCheck.Dispose();
        _withoutCheck.Dispose();
        GC.SuppressFinalize(this);
    }

    private static SafetyRequest Conversation()
    {
        var messages = new List<SafetyMessage> { SafetyMessage.FromText(MessageRole.System, "You are the shop's assistant.") };
        for (var i = 0; i < 10; i++)
        {
            messages.Add(SafetyMessage.FromText(i % 2 == 0 ? MessageRole.User : MessageRole.Assistant, string.Concat(Enumerable.Repeat(Turn, 4))));
        }

        messages.Add(SafetyMessage.FromText(MessageRole.User, "Where is my order?"));
        return new SafetyRequest(messages, "gpt-4o-mini");
    }

    private static ServiceProvider Services(bool withCheck)
    {
        var services = new ServiceCollection();
        services.AddSingleton(Client("gpt-4o-mini", new InMemoryChatHandler()));
        var builder = services.AddSafeOpenAI(o =>
        {
            o.Identity.HashKey = "benchmark-hash-key-0123456789abcdef";
            o.Moderation.Enabled = false;
            o.Budget.Limits.Add(new BudgetLimit { Scope = BudgetScope.User, Window = BudgetWindow.Hour, Tokens = long.MaxValue / 2 });
            o.Budget.RequestsPerMinute = null;
        });
        if (withCheck)
        {
            builder.AddOffTopicCheck(Scope, judgeFactory: _ => new OpenAIScopeJudge(Client(ScopeCheckOptions.DefaultJudgeModel, new JudgeHandler())));
        }

        return services.BuildServiceProvider();
    }

    private static ChatClient Client(string model, HttpMessageHandler handler) =>
        new(model, new ApiKeyCredential("benchmark"), new OpenAIClientOptions
        {
            Endpoint = new Uri("http://in-memory.invalid/v1"),
            Transport = new HttpClientPipelineTransport(new HttpClient(handler)),
        });

    private sealed class ConstantJudge : IScopeJudge
    {
        private static readonly ScopeJudgement s_answer = new(false, 0.93, new ModelCallUsage(ScopeCheckOptions.DefaultJudgeModel, new TokenUsage(300, 12)));

        public ValueTask<ScopeJudgement> JudgeAsync(ScopeJudgeRequest request, CancellationToken cancellationToken) => ValueTask.FromResult(s_answer);
    }

    /// <summary>Answers every request as the judge model would: not flagged, with usage.</summary>
    private sealed class JudgeHandler : HttpMessageHandler
    {
        private static readonly byte[] s_response = Encoding.UTF8.GetBytes("""
            {"id":"chatcmpl-judge","object":"chat.completion","created":1700000000,"model":"gpt-4.1-mini",
             "choices":[{"index":0,"message":{"role":"assistant","content":"{\"flagged\":false,\"confidence\":0.93}"},"finish_reason":"stop"}],
             "usage":{"prompt_tokens":180,"completion_tokens":12,"total_tokens":192}}
            """);

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.Content is not null)
            {
                await request.Content.CopyToAsync(Stream.Null, cancellationToken);
            }

            return new HttpResponseMessage(HttpStatusCode.OK)
            {
                Content = new ByteArrayContent(s_response) { Headers = { { "Content-Type", "application/json" } } },
            };
        }
    }
}
