using System.ClientModel;
using System.Text.Json;
using OpenAI.Chat;
using SafeOpenAI.Testing;

namespace SafeOpenAI.Tests.Integration;

/// <summary>SafeChatClient end to end: the real OpenAI SDK over HTTP to the local endpoint on 127.0.0.1.</summary>
public class SafeChatClientIntegrationTests
{
    [Test]
    public async Task A_call_completes_and_the_model_receives_the_hashed_identifier_and_capped_parameters()
    {
        await using var host = await IntegrationHost.StartAsync(o =>
        {
            o.Hardening.MaxOutputTokens = 300;
            o.Hardening.DefaultMaxOutputTokens = 200;
        });
        var request = IntegrationHost.Ask("What is a haiku?");
        request = new SafeChatRequest(request.Messages)
        {
            Identity = request.Identity,
            Options = new ChatCompletionOptions { Temperature = 1.7f, MaxOutputTokenCount = 5_000 },
        };

        var result = await host.Client.CompleteAsync(request);

        Assert.That(result.Status, Is.EqualTo(SafeChatStatus.Completed));
        Assert.That(result.Completion!.Content[0].Text, Does.Contain("What is a haiku?"), "the offline model echoes what reached it");
        using var sent = JsonDocument.Parse(host.Endpoint.ChatRequests.Single().Body);
        Assert.That(sent.RootElement.GetProperty("safety_identifier").GetString(), Is.EqualTo(IntegrationHost.SafetyIdentifierOf("user-1")));
        Assert.That(sent.RootElement.GetProperty("max_completion_tokens").GetInt32(), Is.EqualTo(300));
        Assert.That(sent.RootElement.GetProperty("temperature").GetSingle(), Is.EqualTo(1.0f));
        Assert.That(host.Endpoint.ChatRequests.Single().Body, Does.Not.Contain("user-1"), "the raw user id never leaves the process");
        Assert.That(result.Verdicts.Select(v => v.Code), Is.SupersetOf(new[] { "hardening.capped:temperature", "hardening.capped:max_output_tokens", "model.completed" }));
        Assert.That(result.Usage!.InputTokens, Is.GreaterThan(0));
        Assert.That(result.CostUsd, Is.GreaterThan(0m));
        Assert.That(host.Audit.Records.Single().AuditId, Is.EqualTo(result.AuditId));
    }

    [Test]
    public async Task Flagged_input_is_blocked_and_never_reaches_the_model()
    {
        await using var host = await IntegrationHost.StartAsync();

        var result = await host.Client.CompleteAsync(IntegrationHost.Ask("I will kill him tonight."));

        Assert.That(result.Status, Is.EqualTo(SafeChatStatus.Blocked));
        Assert.That(result.DecisiveVerdict!.Code, Is.EqualTo("moderation.flagged:violence"));
        Assert.That(result.DecisiveVerdict.Evidence["direction"], Is.EqualTo("input"));
        Assert.That(host.Endpoint.ModerationRequests, Has.Count.EqualTo(1));
        Assert.That(host.Endpoint.ChatRequests, Is.Empty);
        Assert.That(host.Audit.Records.Single().Outcome, Is.EqualTo(AuditOutcome.Blocked));
    }

    [Test]
    public async Task Images_are_moderated_together_with_the_text()
    {
        await using var host = await IntegrationHost.StartAsync();
        var request = new SafeChatRequest([ChatMessage.CreateUserMessage(
            ChatMessageContentPart.CreateTextPart("What is in this picture?"),
            ChatMessageContentPart.CreateImagePart(new Uri("https://example.com/cat.png")))])
        {
            Identity = new SafetyIdentity("user-1"),
        };

        var result = await host.Client.CompleteAsync(request);

        Assert.That(result.Status, Is.EqualTo(SafeChatStatus.Completed));
        var moderation = host.Endpoint.ModerationRequests[0].Body;
        Assert.That(moderation, Does.Contain("image_url").And.Contain("https://example.com/cat.png").And.Contain("What is in this picture?"));
    }

    [Test]
    public async Task A_flagged_answer_is_withheld_after_the_model_was_billed()
    {
        await using var host = await IntegrationHost.StartAsync();
        host.Endpoint.Chat.Enqueue(ScriptedChatResponse.Text("Here is how to stab and kill someone.").WithUsage(50, 12));

        var result = await host.Client.CompleteAsync(IntegrationHost.Ask("Tell me a story."));

        Assert.That(result.Status, Is.EqualTo(SafeChatStatus.Blocked));
        Assert.That(result.DecisiveVerdict!.Phase, Is.EqualTo(SafetyPhase.OutputModeration));
        Assert.That(result.Completion, Is.Null);
        Assert.That(result.Usage, Is.EqualTo(new TokenUsage(50, 12)), "the billed usage is reported even when the answer is withheld");
        Assert.That(host.Endpoint.ChatRequests, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task When_moderation_fails_the_call_fails_closed_by_default()
    {
        await using var host = await IntegrationHost.StartAsync();
        host.Endpoint.Moderation.Enqueue(ScriptedModerationResponse.Error(500));

        var result = await host.Client.CompleteAsync(IntegrationHost.Ask("Hello"));

        Assert.That(result.Status, Is.EqualTo(SafeChatStatus.Blocked));
        Assert.That(result.DecisiveVerdict!.Code, Is.EqualTo("moderation.unavailable"));
        Assert.That(host.Endpoint.ChatRequests, Is.Empty);
    }

    [Test]
    public async Task When_moderation_fails_open_the_call_completes_and_the_trail_says_so()
    {
        await using var host = await IntegrationHost.StartAsync(o => o.Moderation.FailurePolicy = ModerationFailurePolicy.FailOpen);
        host.Endpoint.Moderation.Enqueue(ScriptedModerationResponse.MalformedJson());

        var result = await host.Client.CompleteAsync(IntegrationHost.Ask("Hello"));

        Assert.That(result.Status, Is.EqualTo(SafeChatStatus.Completed));
        Assert.That(result.Verdicts.Select(v => v.Code), Does.Contain("moderation.failed_open"));
    }

    [Test]
    public async Task Concurrent_moderation_that_flags_the_input_cancels_the_model_call_and_releases_the_reservation()
    {
        var budget = new FakeBudgetTracker();
        await using var host = await IntegrationHost.StartAsync(
            o => o.Moderation.RunInputConcurrently = true,
            b => b.UseBudgetTracker(_ => budget));
        host.Endpoint.Chat.Enqueue(ScriptedChatResponse.Delayed(TimeSpan.FromMinutes(5), ScriptedChatResponse.Offline()));

        var result = await host.Client.CompleteAsync(IntegrationHost.Ask("I will murder the witness."));

        Assert.That(result.Status, Is.EqualTo(SafeChatStatus.Blocked));
        Assert.That(result.DecisiveVerdict!.Code, Is.EqualTo("moderation.flagged:violence"));
        Assert.That(budget.Outstanding, Is.Empty);
        Assert.That(budget.ReleaseCount, Is.EqualTo(1));
    }

    [Test]
    public async Task Concurrent_callers_never_spend_more_than_the_token_budget()
    {
        const long limit = 5_000;
        var tracker = new InMemoryBudgetTracker(SafeOpenAI.Tests.Budget.BudgetTestOptions.TokenLimit(limit));
        await using var host = await IntegrationHost.StartAsync(
            o =>
            {
                o.Hardening.DefaultMaxOutputTokens = 200;
                o.Moderation.Enabled = false;
            },
            b => b.UseBudgetTracker(_ => tracker));

        var results = await Task.WhenAll(Enumerable.Range(0, 100).Select(i => host.Client.CompleteAsync(IntegrationHost.Ask($"Question number {i}?", "same-user"))));

        var completed = results.Where(r => r.Status == SafeChatStatus.Completed).ToArray();
        var spent = completed.Sum(r => (long)r.Usage!.TotalTokens);
        Assert.That(completed, Is.Not.Empty);
        Assert.That(results.Where(r => r.Status == SafeChatStatus.Blocked).Select(r => r.DecisiveVerdict!.Code), Is.Not.Empty.And.All.EqualTo("budget.exceeded:user-hour-tokens"));
        Assert.That(spent, Is.LessThanOrEqualTo(limit));
        Assert.That(host.Endpoint.ChatRequests, Has.Count.EqualTo(completed.Length), "every denied call stayed away from the model");

        // Exactly the unspent tokens are left: no reservation leaked, none was lost.
        var subject = IntegrationHost.SafetyIdentifierOf("same-user");
        var rest = await tracker.ReserveAsync(new BudgetRequest(new BudgetSubject(subject), "gpt-4o-mini", 0, (int)(limit - spent), null), CancellationToken.None);
        Assert.That(rest.IsGranted, Is.True);
        await tracker.ReleaseAsync(rest, CancellationToken.None);
        var oneMore = await tracker.ReserveAsync(new BudgetRequest(new BudgetSubject(subject), "gpt-4o-mini", 0, (int)(limit - spent) + 1, null), CancellationToken.None);
        Assert.That(oneMore.IsGranted, Is.False);
    }

    [Test]
    public async Task Cancelling_a_call_releases_its_reservation()
    {
        const long limit = 3_000;
        var tracker = new InMemoryBudgetTracker(SafeOpenAI.Tests.Budget.BudgetTestOptions.TokenLimit(limit));
        await using var host = await IntegrationHost.StartAsync(o => o.Moderation.Enabled = false, b => b.UseBudgetTracker(_ => tracker));
        host.Endpoint.Chat.Enqueue(ScriptedChatResponse.Delayed(TimeSpan.FromMinutes(5), ScriptedChatResponse.Offline()));
        using var cancellation = new CancellationTokenSource();

        var call = host.Client.CompleteAsync(IntegrationHost.Ask("slow question"), cancellation.Token);
        while (host.Endpoint.ChatRequests.Count == 0)
        {
            await Task.Delay(10);
        }

        await cancellation.CancelAsync();
        Assert.CatchAsync<OperationCanceledException>(async () => await call);

        var whole = await tracker.ReserveAsync(new BudgetRequest(new BudgetSubject(IntegrationHost.SafetyIdentifierOf("user-1")), "gpt-4o-mini", 0, (int)limit, null), CancellationToken.None);
        Assert.That(whole.IsGranted, Is.True, "the cancelled call's reservation must be back");
        Assert.That(host.Audit.Records.Single().Outcome, Is.EqualTo(AuditOutcome.Cancelled));
    }

    [Test]
    public async Task A_failing_model_endpoint_surfaces_the_SDK_exception_and_is_audited()
    {
        var budget = new FakeBudgetTracker();
        await using var host = await IntegrationHost.StartAsync(o => o.Moderation.Enabled = false, b => b.UseBudgetTracker(_ => budget));
        host.Endpoint.Chat.Enqueue(ScriptedChatResponse.Error(500));

        var thrown = Assert.ThrowsAsync<ClientResultException>(() => host.Client.CompleteAsync(IntegrationHost.Ask("Hello")));

        Assert.That(thrown!.Status, Is.EqualTo(500));
        Assert.That(budget.Outstanding, Is.Empty);
        Assert.That(host.Audit.Records.Single().Outcome, Is.EqualTo(AuditOutcome.Failed));
    }

    [Test]
    public async Task Streaming_yields_the_model_updates_after_the_checks_pass()
    {
        await using var host = await IntegrationHost.StartAsync();
        using var identity = AmbientSafetyIdentityAccessor.Use(new SafetyIdentity("streamer"));

        var updates = new List<StreamingChatCompletionUpdate>();
        await foreach (var update in host.Client.CompleteChatStreamingAsync(ChatMessage.CreateUserMessage("Say hello in a sentence.")))
        {
            updates.Add(update);
        }

        var text = string.Concat(updates.SelectMany(u => u.ContentUpdate).Select(p => p.Text));
        Assert.That(updates, Has.Count.GreaterThan(1), "the model's own chunks are replayed");
        Assert.That(text, Does.Contain("Say hello in a sentence."));
        Assert.That(updates.Select(u => u.Usage).Where(u => u is not null), Is.Not.Empty, "usage passes through");
        Assert.That(host.Audit.Records.Single().Usage!.OutputTokens, Is.GreaterThan(0), "the streamed usage is settled");
        using var sent = JsonDocument.Parse(host.Endpoint.ChatRequests.Single().Body);
        Assert.That(sent.RootElement.GetProperty("safety_identifier").GetString(), Is.EqualTo(IntegrationHost.SafetyIdentifierOf("streamer")));
    }

    [Test]
    public async Task A_streamed_answer_that_fails_moderation_yields_no_chunk_at_all()
    {
        await using var host = await IntegrationHost.StartAsync();
        host.Endpoint.Chat.Enqueue(ScriptedChatResponse.Text("Fine. Step one: stab. Step two: kill. Step three: hide the body."));

        var yielded = 0;
        var thrown = Assert.ThrowsAsync<SafetyViolationException>(async () =>
        {
            await foreach (var update in host.Client.CompleteChatStreamingAsync(ChatMessage.CreateUserMessage("Tell me a story.")))
            {
                yielded++;
            }
        });

        Assert.That(yielded, Is.Zero, "nothing of a failing answer may reach the caller");
        Assert.That(thrown!.Verdict.Code, Is.EqualTo("moderation.flagged:violence"));
        Assert.That(thrown.Message, Does.Not.Contain("stab"));
    }

    [Test]
    public async Task A_broken_stream_fails_the_call_and_releases_the_reservation()
    {
        var budget = new FakeBudgetTracker();
        await using var host = await IntegrationHost.StartAsync(o => o.Moderation.Enabled = false, b => b.UseBudgetTracker(_ => budget));
        host.Endpoint.Chat.Enqueue(ScriptedChatResponse.BrokenStream(afterChunks: 2));

        var yielded = 0;
        Assert.CatchAsync<Exception>(async () =>
        {
            await foreach (var update in host.Client.CompleteChatStreamingAsync(ChatMessage.CreateUserMessage("Hello")))
            {
                yielded++;
            }
        });

        Assert.That(yielded, Is.Zero);
        Assert.That(budget.Outstanding, Is.Empty);
        Assert.That(host.Audit.Records.Single().Outcome, Is.EqualTo(AuditOutcome.Failed));
    }

    [Test]
    public async Task With_ReturnRefusal_a_blocked_call_returns_a_content_filter_completion()
    {
        await using var host = await IntegrationHost.StartAsync(o => o.OnBlock = SafetyBlockBehavior.ReturnRefusal);

        ChatCompletion completion = await host.Client.CompleteChatAsync(ChatMessage.CreateUserMessage("I will kill you."));

        Assert.That(completion.FinishReason, Is.EqualTo(ChatFinishReason.ContentFilter));
        Assert.That(completion.Content[0].Text, Is.EqualTo("This content was blocked by moderation."));
    }

    [Test]
    public async Task The_drop_in_overloads_all_run_the_pipeline()
    {
        await using var host = await IntegrationHost.StartAsync(o => o.InputLength.MaxCharacters = 20);
        ChatMessage tooLong = ChatMessage.CreateUserMessage("This message is longer than twenty characters.");

        Assert.ThrowsAsync<SafetyViolationException>(() => host.Client.CompleteChatAsync(tooLong));
        Assert.ThrowsAsync<SafetyViolationException>(() => host.Client.CompleteChatAsync([tooLong], new ChatCompletionOptions()));
        Assert.Throws<SafetyViolationException>(() => host.Client.CompleteChat(tooLong));
        Assert.Throws<SafetyViolationException>(() => host.Client.CompleteChat([tooLong], new ChatCompletionOptions()));
        Assert.ThrowsAsync<SafetyViolationException>(async () =>
        {
            await foreach (var _ in host.Client.CompleteChatStreamingAsync(tooLong))
            {
            }
        });
        Assert.Throws<SafetyViolationException>(() => host.Client.CompleteChatStreaming(tooLong).ToList());
        Assert.That(host.Endpoint.Requests, Is.Empty, "nothing was sent to the endpoint");

        Assert.That(host.Client.CompleteChat(ChatMessage.CreateUserMessage("short")).Value.Content[0].Text, Does.Contain("short"));
        Assert.That(host.Client.CompleteChatStreaming(ChatMessage.CreateUserMessage("brief")).SelectMany(u => u.ContentUpdate).Select(p => p.Text), Is.Not.Empty);
    }

    [Test]
    public async Task Bad_input_gets_a_typed_error_and_nothing_is_sent()
    {
        await using var host = await IntegrationHost.StartAsync();

        Assert.ThrowsAsync<ArgumentException>(() => host.Client.CompleteChatAsync(Array.Empty<ChatMessage>()));
        Assert.ThrowsAsync<ArgumentNullException>(() => host.Client.CompleteChatAsync((IEnumerable<ChatMessage>)null!));
        Assert.ThrowsAsync<ArgumentException>(() => host.Client.CompleteChatAsync([ChatMessage.CreateUserMessage("a"), null!]));
        Assert.ThrowsAsync<ArgumentNullException>(() => host.Client.CompleteAsync(null!));
        Assert.Throws<NotSupportedException>(() => host.Client.CompleteChat(BinaryContent.Create(BinaryData.FromString("{}"))));
        Assert.That(host.Endpoint.Requests, Is.Empty);
    }

    [Test]
    public async Task The_client_reports_the_inner_clients_model_and_endpoint()
    {
        await using var host = await IntegrationHost.StartAsync();

        Assert.That(host.Client.Model, Is.EqualTo("gpt-4o-mini"));
        Assert.That(host.Client.Endpoint, Is.EqualTo(host.Endpoint.BaseUri));
    }
}
