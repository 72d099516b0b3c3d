using System.ClientModel;
using System.Text;
using System.Text.Json;
using OpenAI;
using OpenAI.Chat;

namespace SafeOpenAI.Testing.Tests;

/// <summary>Chat completions through the unmodified OpenAI SDK against the local endpoint.</summary>
[TestFixture]
public sealed class ChatCompletionTests : LocalEndpointFixture
{
    [Test]
    public async Task BaseUri_is_loopback_v1_and_the_sdk_reaches_chat_completions()
    {
        var client = new ChatClient("gpt-4o-mini", new ApiKeyCredential("any"), new OpenAIClientOptions { Endpoint = Endpoint.BaseUri });

        await client.CompleteChatAsync([new UserChatMessage("ping")]);

        Assert.Multiple(() =>
        {
            Assert.That(Endpoint.BaseUri.Host, Is.EqualTo("127.0.0.1"));
            Assert.That(Endpoint.BaseUri.AbsolutePath, Is.EqualTo("/v1/"));
            Assert.That(Endpoint.Requests.Single().Path, Is.EqualTo("/v1/chat/completions"));
            Assert.That(Endpoint.Requests.Single().Method, Is.EqualTo("POST"));
        });
    }

    [Test]
    public async Task Offline_model_describes_what_it_received()
    {
        var client = Endpoint.CreateChatClient();

        ChatCompletion completion = await client.CompleteChatAsync(
            [new SystemChatMessage("You are terse."), new UserChatMessage("What is the capital of France?")]);

        Assert.Multiple(() =>
        {
            Assert.That(completion.Content[0].Text, Does.StartWith(OfflineChatModel.Marker));
            Assert.That(completion.Content[0].Text, Does.Contain("Received 2 messages (system, user)"));
            Assert.That(completion.Content[0].Text, Does.Contain("safety_identifier: not set"));
            Assert.That(completion.Content[0].Text, Does.Contain("last user message: \"What is the capital of France?\""));
            Assert.That(completion.Role, Is.EqualTo(ChatMessageRole.Assistant));
            Assert.That(completion.FinishReason, Is.EqualTo(ChatFinishReason.Stop));
            Assert.That(completion.Model, Is.EqualTo("gpt-4o-mini"));
            Assert.That(completion.Id, Does.StartWith("chatcmpl-"));
            Assert.That(completion.Usage.InputTokenCount, Is.GreaterThan(0));
            Assert.That(completion.Usage.OutputTokenCount, Is.EqualTo(OfflineChatModel.EstimateTokens(completion.Content[0].Text)));
            Assert.That(completion.Usage.TotalTokenCount, Is.EqualTo(completion.Usage.InputTokenCount + completion.Usage.OutputTokenCount));
        });
    }

    [Test]
    public async Task Offline_model_answers_a_json_schema_request_with_json_that_follows_the_schema()
    {
        var client = Endpoint.CreateChatClient();
        const string schema = """
            {"type":"object","properties":{
              "title":{"type":"string"},"count":{"type":"integer","minimum":3},"ratio":{"type":"number"},"done":{"type":"boolean"},
              "when":{"type":"string","format":"date-time"},"kind":{"enum":["a","b"]},"fixed":{"const":"x"},
              "items":{"type":"array","items":{"type":"string"},"minItems":2},
              "note":{"type":["string","null"]},
              "next":{"anyOf":[{"$ref":"#"},{"type":"null"}]},
              "place":{"$ref":"#/$defs/place"}},
             "$defs":{"place":{"type":"object","properties":{"city":{"type":"string"}}}}}
            """;
        var options = new ChatCompletionOptions
        {
            ResponseFormat = ChatResponseFormat.CreateJsonSchemaFormat("thing", BinaryData.FromString(schema), jsonSchemaIsStrict: true),
        };

        ChatCompletion completion = await client.CompleteChatAsync([new UserChatMessage("Make a thing.")], options);

        using var answer = JsonDocument.Parse(completion.Content[0].Text);
        var root = answer.RootElement;
        Assert.Multiple(() =>
        {
            Assert.That(root.GetProperty("title").GetString(), Is.EqualTo(OfflineChatModel.Marker + " title"));
            Assert.That(root.GetProperty("count").GetInt32(), Is.EqualTo(3));
            Assert.That(root.GetProperty("ratio").GetDouble(), Is.Zero);
            Assert.That(root.GetProperty("done").GetBoolean(), Is.False);
            Assert.That(root.GetProperty("when").GetDateTimeOffset(), Is.EqualTo(new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero)));
            Assert.That(root.GetProperty("kind").GetString(), Is.EqualTo("a"));
            Assert.That(root.GetProperty("fixed").GetString(), Is.EqualTo("x"));
            Assert.That(root.GetProperty("items").GetArrayLength(), Is.EqualTo(2));
            Assert.That(root.GetProperty("note").ValueKind, Is.EqualTo(JsonValueKind.String));
            Assert.That(root.GetProperty("next").GetProperty("title").GetString(), Is.Not.Null, "a recursion is followed, then ended with null");
            Assert.That(root.GetProperty("place").GetProperty("city").GetString(), Is.EqualTo(OfflineChatModel.Marker + " city"));
        });
    }

    [Test]
    public async Task Offline_model_truncates_a_long_user_message_it_echoes()
    {
        var client = Endpoint.CreateChatClient();

        ChatCompletion completion = await client.CompleteChatAsync([new UserChatMessage(new string('x', 2000))]);

        Assert.That(completion.Content[0].Text, Does.Contain(new string('x', OfflineChatModel.MaxEchoedCharacters) + "…\""));
        Assert.That(completion.Content[0].Text, Does.Not.Contain(new string('x', OfflineChatModel.MaxEchoedCharacters + 1)));
    }

    [Test]
    public async Task Scripted_text_and_usage_are_returned_in_order_then_the_offline_model_answers()
    {
        Endpoint.Chat.Enqueue(ScriptedChatResponse.Text("first").WithUsage(100, 20, cachedTokens: 40, reasoningTokens: 5));
        Endpoint.Chat.Enqueue(ScriptedChatResponse.Text("second"));
        var client = Endpoint.CreateChatClient();

        ChatCompletion first = await client.CompleteChatAsync([new UserChatMessage("a")]);
        ChatCompletion second = await client.CompleteChatAsync([new UserChatMessage("b")]);
        ChatCompletion third = await client.CompleteChatAsync([new UserChatMessage("c")]);

        Assert.Multiple(() =>
        {
            Assert.That(first.Content[0].Text, Is.EqualTo("first"));
            Assert.That(first.Usage.InputTokenCount, Is.EqualTo(100));
            Assert.That(first.Usage.OutputTokenCount, Is.EqualTo(20));
            Assert.That(first.Usage.InputTokenDetails.CachedTokenCount, Is.EqualTo(40));
            Assert.That(first.Usage.OutputTokenDetails.ReasoningTokenCount, Is.EqualTo(5));
            Assert.That(second.Content[0].Text, Is.EqualTo("second"));
            Assert.That(third.Content[0].Text, Does.StartWith(OfflineChatModel.Marker));
            Assert.That(Endpoint.Chat.Pending, Is.Zero);
        });
    }

    [Test]
    public async Task Streaming_sends_role_content_deltas_finish_reason_and_usage()
    {
        var client = Endpoint.CreateChatClient();
        var text = new StringBuilder();
        var updates = new List<StreamingChatCompletionUpdate>();

        await foreach (var update in client.CompleteChatStreamingAsync([new UserChatMessage("Tell me a story about a lighthouse keeper.")]))
        {
            updates.Add(update);
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
            }
        }

        var usage = updates.Select(u => u.Usage).LastOrDefault(u => u is not null);
        Assert.Multiple(() =>
        {
            Assert.That(text.ToString(), Does.StartWith(OfflineChatModel.Marker));
            Assert.That(text.ToString(), Does.Contain("lighthouse keeper"));
            Assert.That(updates.Count(u => u.ContentUpdate.Count > 0), Is.GreaterThan(2), "the content arrives in several chunks");
            Assert.That(updates[0].Role, Is.EqualTo(ChatMessageRole.Assistant));
            Assert.That(updates.Select(u => u.FinishReason).Last(f => f is not null), Is.EqualTo(ChatFinishReason.Stop));
            Assert.That(usage, Is.Not.Null);
            Assert.That(usage!.OutputTokenCount, Is.EqualTo(OfflineChatModel.EstimateTokens(text.ToString())));
            Assert.That(usage.InputTokenCount, Is.GreaterThan(0));
        });

        var body = Endpoint.ChatRequests.Single().Json!.Value;
        Assert.That(body.GetProperty("stream").GetBoolean(), Is.True);
        Assert.That(body.GetProperty("stream_options").GetProperty("include_usage").GetBoolean(), Is.True);
    }

    [Test]
    public async Task Max_output_tokens_cut_the_answer_with_finish_reason_length()
    {
        var client = Endpoint.CreateChatClient();
        var options = new ChatCompletionOptions { MaxOutputTokenCount = 5 };

        ChatCompletion completion = await client.CompleteChatAsync([new UserChatMessage("Write a long essay.")], options);

        Assert.Multiple(() =>
        {
            Assert.That(completion.FinishReason, Is.EqualTo(ChatFinishReason.Length));
            Assert.That(completion.Usage.OutputTokenCount, Is.EqualTo(5));
            Assert.That(completion.Content[0].Text, Has.Length.EqualTo(20));
            Assert.That(Endpoint.ChatRequests.Single().Json!.Value.GetProperty("max_completion_tokens").GetInt32(), Is.EqualTo(5));
        });
    }

    [Test]
    public async Task Max_output_tokens_cut_a_stream_with_finish_reason_length()
    {
        var client = Endpoint.CreateChatClient();
        Endpoint.Chat.Enqueue(ScriptedChatResponse.Text(new string('a', 400)));
        var text = new StringBuilder();
        ChatFinishReason? finish = null;

        await foreach (var update in client.CompleteChatStreamingAsync([new UserChatMessage("go")], new ChatCompletionOptions { MaxOutputTokenCount = 10 }))
        {
            finish ??= update.FinishReason;
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
            }
        }

        Assert.That(finish, Is.EqualTo(ChatFinishReason.Length));
        Assert.That(text.ToString(), Is.EqualTo(new string('a', 40)));
    }

    [Test]
    public async Task Image_content_part_is_accepted_and_counted()
    {
        var client = Endpoint.CreateChatClient();
        var message = new UserChatMessage(
            ChatMessageContentPart.CreateTextPart("What is in this picture?"),
            ChatMessageContentPart.CreateImagePart(new Uri("https://example.com/cat.png")),
            ChatMessageContentPart.CreateImagePart(BinaryData.FromBytes([0x89, 0x50, 0x4E, 0x47]), "image/png"));

        ChatCompletion completion = await client.CompleteChatAsync([message]);

        Assert.That(completion.Content[0].Text, Does.Contain("images: 2"));
        Assert.That(completion.Content[0].Text, Does.Contain("What is in this picture?"));
        var parts = Endpoint.ChatRequests.Single().Json!.Value.GetProperty("messages")[0].GetProperty("content");
        Assert.That(parts.EnumerateArray().Select(p => p.GetProperty("type").GetString()), Is.EqualTo(new[] { "text", "image_url", "image_url" }));
        Assert.That(parts[2].GetProperty("image_url").GetProperty("url").GetString(), Does.StartWith("data:image/png;base64,"));
    }

    [Test]
    public async Task All_roles_are_accepted_and_listed()
    {
        var client = Endpoint.CreateChatClient();
        var toolCall = ChatToolCall.CreateFunctionToolCall("call_1", "lookup", BinaryData.FromString("{\"q\":\"x\"}"));

        ChatCompletion completion = await client.CompleteChatAsync(
        [
            new SystemChatMessage("s"),
#pragma warning disable OPENAI001 // DeveloperChatMessage is marked experimental in the SDK; the test only checks the wire role.
            new DeveloperChatMessage("d"),
#pragma warning restore OPENAI001
            new UserChatMessage("u1"),
            new AssistantChatMessage([toolCall]),
            new ToolChatMessage("call_1", "tool result"),
            new UserChatMessage("u2"),
        ]);

        Assert.That(completion.Content[0].Text, Does.Contain("Received 6 messages (system, developer, user, assistant, tool, user)"));
        Assert.That(completion.Content[0].Text, Does.Contain("last user message: \"u2\""));
    }

    [Test]
    public async Task Safety_identifier_is_reported_when_sent()
    {
        var client = Endpoint.CreateChatClient();
        var options = new ChatCompletionOptions();
#pragma warning disable SCME0001 // JSON patch of the request body is experimental in System.ClientModel; used only to send safety_identifier.
        options.Patch.Set("$.safety_identifier"u8, "hashed-user-1");
#pragma warning restore SCME0001

        ChatCompletion completion = await client.CompleteChatAsync([new UserChatMessage("hi")], options);

        Assert.That(completion.Content[0].Text, Does.Contain("safety_identifier: set"));
        Assert.That(Endpoint.ChatRequests.Single().GetString("safety_identifier"), Is.EqualTo("hashed-user-1"));
    }

    [Test]
    public void Scripted_500_surfaces_as_ClientResultException_after_the_sdk_retries()
    {
        Endpoint.Chat.Enqueue(ScriptedChatResponse.Error(500), count: 4);
        var client = Endpoint.CreateChatClient();

        var ex = Assert.ThrowsAsync<ClientResultException>(async () => await client.CompleteChatAsync([new UserChatMessage("hi")]));

        Assert.That(ex!.Status, Is.EqualTo(500));
        Assert.That(Endpoint.ChatRequests, Has.Count.EqualTo(4), "the SDK sends the request once and retries it three times");
    }

    [Test]
    public void Scripted_429_surfaces_at_once_when_retries_are_off()
    {
        Endpoint.Chat.Enqueue(ScriptedChatResponse.Error(429, retryAfter: TimeSpan.FromSeconds(1)));
        var client = Endpoint.CreateChatClient(maxRetries: 0);

        var ex = Assert.ThrowsAsync<ClientResultException>(async () => await client.CompleteChatAsync([new UserChatMessage("hi")]));

        Assert.Multiple(() =>
        {
            Assert.That(ex!.Status, Is.EqualTo(429));
            Assert.That(ex.Message, Does.Contain("rate_limit_exceeded").Or.Contain("Rate limit"));
            Assert.That(ex.GetRawResponse()!.Headers.TryGetValue("retry-after", out var retryAfter), Is.True);
            Assert.That(Endpoint.ChatRequests, Has.Count.EqualTo(1));
        });
    }

    [Test]
    public async Task A_retried_error_is_invisible_when_the_retry_succeeds()
    {
        Endpoint.Chat.Enqueue(ScriptedChatResponse.Error(503));
        var client = Endpoint.CreateChatClient();

        ChatCompletion completion = await client.CompleteChatAsync([new UserChatMessage("hi")]);

        Assert.That(completion.Content[0].Text, Does.StartWith(OfflineChatModel.Marker));
        Assert.That(Endpoint.ChatRequests, Has.Count.EqualTo(2));
    }

    [Test]
    public void Delayed_response_is_cancelled_by_the_caller()
    {
        Endpoint.Chat.Enqueue(ScriptedChatResponse.Delayed(TimeSpan.FromMinutes(5), ScriptedChatResponse.Text("too late")));
        var client = Endpoint.CreateChatClient(maxRetries: 0);
        using var cts = new CancellationTokenSource();

        var call = client.CompleteChatAsync([new UserChatMessage("hi")], cancellationToken: cts.Token);
        cts.CancelAfter(TimeSpan.FromMilliseconds(200));

        Assert.That(async () => await call, Throws.InstanceOf<OperationCanceledException>());
    }

    [Test]
    public async Task Delayed_response_arrives_after_the_delay()
    {
        Endpoint.Chat.Enqueue(ScriptedChatResponse.Delayed(TimeSpan.FromMilliseconds(100), ScriptedChatResponse.Text("later")));
        var client = Endpoint.CreateChatClient();

        ChatCompletion completion = await client.CompleteChatAsync([new UserChatMessage("hi")]);

        Assert.That(completion.Content[0].Text, Is.EqualTo("later"));
    }

    [Test]
    public async Task Broken_stream_throws_while_enumerating_after_the_first_chunks()
    {
        Endpoint.Chat.Enqueue(ScriptedChatResponse.BrokenStream(afterChunks: 3, content: "abcdefghijklmnopqrstuvwxyz0123456789"));
        var client = Endpoint.CreateChatClient(maxRetries: 0);
        var received = new StringBuilder();

        Exception? caught = null;
        try
        {
            await foreach (var update in client.CompleteChatStreamingAsync([new UserChatMessage("hi")]))
            {
                foreach (var part in update.ContentUpdate)
                {
                    received.Append(part.Text);
                }
            }
        }
        catch (Exception ex)
        {
            caught = ex;
        }

        Assert.That(caught, Is.Not.Null, "a connection dropped mid-stream surfaces as an exception");
        Assert.That(caught, Is.InstanceOf<IOException>().Or.InstanceOf<HttpRequestException>().Or.InstanceOf<JsonException>().Or.InstanceOf<ClientResultException>());
        Assert.That(received.ToString(), Is.EqualTo("abcdefghijklmnopqrstuvwxyz012345"), "two content chunks of 16 characters arrived before the break");
    }

    [Test]
    public void Broken_non_streaming_response_throws()
    {
        Endpoint.Chat.Enqueue(ScriptedChatResponse.BrokenStream(afterChunks: 0));
        var client = Endpoint.CreateChatClient(maxRetries: 0);

        Assert.That(async () => await client.CompleteChatAsync([new UserChatMessage("hi")]), Throws.Exception);
    }

    [Test]
    public async Task Never_ending_stream_runs_until_the_caller_cancels()
    {
        Endpoint.Chat.Enqueue(ScriptedChatResponse.NeverEndingStream());
        var client = Endpoint.CreateChatClient(maxRetries: 0);
        using var cts = new CancellationTokenSource();
        var updates = 0;

        Exception? caught = null;
        try
        {
            await foreach (var update in client.CompleteChatStreamingAsync([new UserChatMessage("hi")], cancellationToken: cts.Token))
            {
                if (++updates == 5)
                {
                    await cts.CancelAsync();
                }
            }
        }
        catch (Exception ex)
        {
            caught = ex;
        }

        Assert.That(updates, Is.GreaterThanOrEqualTo(5));
        Assert.That(caught, Is.InstanceOf<OperationCanceledException>());
    }

    [Test]
    public async Task Dispose_ends_a_never_ending_stream()
    {
        Endpoint.Chat.Enqueue(ScriptedChatResponse.NeverEndingStream());
        var client = Endpoint.CreateChatClient(maxRetries: 0);
        var updates = 0;

        var consume = Task.Run(async () =>
        {
            await foreach (var update in client.CompleteChatStreamingAsync([new UserChatMessage("hi")]))
            {
                if (++updates == 3)
                {
                    await Endpoint.DisposeAsync();
                }
            }
        });

        Assert.That(async () => await consume, Throws.Exception);
        Assert.That(updates, Is.GreaterThanOrEqualTo(3));
    }

    [Test]
    public async Task Requests_are_recorded_without_the_authorization_value()
    {
        var client = new ChatClient("gpt-4.1", new ApiKeyCredential("sk-secret-value-123"), Endpoint.CreateClientOptions());

        await client.CompleteChatAsync([new SystemChatMessage("be nice"), new UserChatMessage("recorded text 42")], new ChatCompletionOptions { Temperature = 0.5f });

        var recorded = Endpoint.Requests.Single();
        Assert.Multiple(() =>
        {
            Assert.That(recorded.IsChatCompletion, Is.True);
            Assert.That(recorded.Model, Is.EqualTo("gpt-4.1"));
            Assert.That(recorded.Body, Does.Contain("recorded text 42"));
            Assert.That(recorded.Json!.Value.GetProperty("temperature").GetDouble(), Is.EqualTo(0.5).Within(1e-6));
            Assert.That(recorded.Json!.Value.GetProperty("messages")[0].GetProperty("role").GetString(), Is.EqualTo("system"));
            Assert.That(recorded.HasAuthorization, Is.True);
            Assert.That(recorded.Headers.Keys, Has.None.EqualTo("Authorization").IgnoreCase);
            Assert.That(recorded.Headers.Values, Has.None.Contains("sk-secret-value-123"));
            Assert.That(recorded.Body, Does.Not.Contain("sk-secret-value-123"));
            Assert.That(recorded.Headers["Content-Type"], Does.Contain("application/json"));
            Assert.That(recorded.Timestamp, Is.GreaterThan(DateTimeOffset.UtcNow.AddMinutes(-5)));
            Assert.That(Endpoint.ModerationRequests, Is.Empty);
        });

        Endpoint.Clear();
        Assert.That(Endpoint.Requests, Is.Empty);
        Assert.That(Endpoint.TotalRequests, Is.EqualTo(1));
    }

    [Test]
    public async Task Recording_keeps_only_the_newest_requests()
    {
        await using var endpoint = await LocalOpenAIEndpoint.StartAsync(new LocalOpenAIEndpointOptions { MaxRecordedRequests = 3 });
        var client = endpoint.CreateChatClient();

        for (var i = 0; i < 5; i++)
        {
            await client.CompleteChatAsync([new UserChatMessage($"message {i}")]);
        }

        Assert.That(endpoint.Requests.Select(r => r.Sequence), Is.EqualTo(new long[] { 3, 4, 5 }));
        Assert.That(endpoint.TotalRequests, Is.EqualTo(5));
    }

    [Test]
    public async Task Persistent_handler_answers_when_the_queue_is_empty()
    {
        Endpoint.Chat.Handler = request => request.Body.Contains("fail", StringComparison.Ordinal) ? ScriptedChatResponse.Error(400) : null;
        Endpoint.Chat.Enqueue(ScriptedChatResponse.Text("queued first"));
        var client = Endpoint.CreateChatClient(maxRetries: 0);

        ChatCompletion queued = await client.CompleteChatAsync([new UserChatMessage("fail")]);
        ChatCompletion offline = await client.CompleteChatAsync([new UserChatMessage("ok")]);
        var ex = Assert.ThrowsAsync<ClientResultException>(async () => await client.CompleteChatAsync([new UserChatMessage("fail")]));

        Assert.That(queued.Content[0].Text, Is.EqualTo("queued first"));
        Assert.That(offline.Content[0].Text, Does.StartWith(OfflineChatModel.Marker));
        Assert.That(ex!.Status, Is.EqualTo(400));
    }

    [Test]
    public async Task Malformed_request_gets_a_400_error_body()
    {
        using var http = new HttpClient();
        using var content = new StringContent("{not json", Encoding.UTF8, "application/json");

        using var response = await http.PostAsync(new Uri(Endpoint.BaseUri, "chat/completions"), content);
        var body = await response.Content.ReadAsStringAsync();

        Assert.That((int)response.StatusCode, Is.EqualTo(400));
        using var json = JsonDocument.Parse(body);
        Assert.That(json.RootElement.GetProperty("error").GetProperty("type").GetString(), Is.EqualTo("invalid_request_error"));
    }

    [Test]
    public async Task Unknown_route_gets_a_404()
    {
        using var http = new HttpClient();

        using var response = await http.GetAsync(new Uri(Endpoint.BaseUri, "models"));

        Assert.That((int)response.StatusCode, Is.EqualTo(404));
    }

    [Test]
    public async Task Two_hundred_concurrent_calls_are_all_answered()
    {
        var client = Endpoint.CreateChatClient();
        const int calls = 200;

        var results = await Task.WhenAll(Enumerable.Range(0, calls).Select(async i =>
        {
            if (i % 2 == 0)
            {
                ChatCompletion completion = await client.CompleteChatAsync([new UserChatMessage($"caller {i}")]);
                return completion.Content[0].Text;
            }

            var text = new StringBuilder();
            await foreach (var update in client.CompleteChatStreamingAsync([new UserChatMessage($"caller {i}")]))
            {
                foreach (var part in update.ContentUpdate)
                {
                    text.Append(part.Text);
                }
            }

            return text.ToString();
        }));

        Assert.That(results.Select((text, i) => text.Contains($"\"caller {i}\"", StringComparison.Ordinal)), Is.All.True);
        Assert.That(Endpoint.ChatRequests, Has.Count.EqualTo(calls));
        Assert.That(Endpoint.ChatRequests.Select(r => r.Sequence).Distinct().Count(), Is.EqualTo(calls));
    }
}
