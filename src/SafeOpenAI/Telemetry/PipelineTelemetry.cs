using System.Buffers;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using OpenAI.Chat;

namespace SafeOpenAI;

/// <summary>
/// Turns one pipeline call into spans and metrics (names in <see cref="SafeOpenAITelemetry"/>,
/// gen_ai semantic conventions v1.37.0). The pipeline calls it at call start, stage start and end
/// (through <see cref="PipelineCall.Mark"/> and <see cref="PipelineCall.Timed"/>) and call end.
/// Spans are created only while a listener samples the source; instruments are recorded only
/// while a listener is enabled for them. Thread-safe: one instance serves every call.
/// </summary>
internal sealed class PipelineTelemetry
{
    /// <summary>The environment variable of the gen_ai semantic conventions that opts in to message content.</summary>
    internal const string CaptureContentVariable = "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT";

    internal const string OperationName = "gen_ai.operation.name";
    internal const string ProviderName = "gen_ai.provider.name";
    internal const string SystemName = "gen_ai.system";
    internal const string RequestModel = "gen_ai.request.model";
    internal const string RequestMaxTokens = "gen_ai.request.max_tokens";
    internal const string RequestTemperature = "gen_ai.request.temperature";
    internal const string RequestTopP = "gen_ai.request.top_p";
    internal const string ResponseModel = "gen_ai.response.model";
    internal const string ResponseId = "gen_ai.response.id";
    internal const string ResponseFinishReasons = "gen_ai.response.finish_reasons";
    internal const string UsageInputTokens = "gen_ai.usage.input_tokens";
    internal const string UsageOutputTokens = "gen_ai.usage.output_tokens";
    internal const string TokenType = "gen_ai.token.type";
    internal const string InputMessages = "gen_ai.input.messages";
    internal const string OutputMessages = "gen_ai.output.messages";
    internal const string ErrorType = "error.type";
    internal const string Status = "safeopenai.status";
    internal const string AuditId = "safeopenai.audit_id";
    internal const string DecisiveStage = "safeopenai.decisive.stage";
    internal const string DecisiveCode = "safeopenai.decisive.code";
    internal const string VerdictCodes = "safeopenai.verdict.codes";
    internal const string CostUsd = "safeopenai.cost_usd";
    internal const string Stage = "safeopenai.stage";
    internal const string Phase = "safeopenai.phase";
    internal const string VerdictCode = "safeopenai.verdict.code";
    internal const string VerdictAction = "safeopenai.verdict.action";
    internal const string ModerationCategory = "safeopenai.moderation.category";

    internal const string Chat = "chat";
    internal const string OpenAI = "openai";

    private static readonly ActivitySource s_source = new(SafeOpenAITelemetry.SourceName, typeof(PipelineTelemetry).Assembly.GetName().Version?.ToString());
    private static readonly Lazy<Meter> s_unmanagedMeter = new(() => new Meter(SafeOpenAITelemetry.SourceName));

    // Advised boundaries of gen_ai.client.operation.duration and gen_ai.client.token.usage (semantic conventions v1.37.0).
    private static readonly double[] s_operationBuckets = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];
    private static readonly int[] s_tokenBuckets = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];
    private static readonly double[] s_stageBuckets = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

    private static readonly string[] s_phases =
        ["identity", "hardening", "budget", "input", "input_moderation", "model", "output_moderation", "output", "settle", "review", "access"];

    // The JSON goes into a telemetry attribute, never into HTML: non-ASCII text stays readable.
    private static readonly JsonWriterOptions s_jsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly string[] s_actions = ["allow", "rewrite", "review", "block"];
    private static readonly string[] s_statuses = ["completed", "blocked", "pending_review", "failed", "cancelled"];

    private readonly Histogram<double> _operationDuration;
    private readonly Histogram<int> _tokenUsage;
    private readonly Counter<long> _requests;
    private readonly Counter<long> _blocks;
    private readonly Counter<long> _moderationFlags;
    private readonly Counter<long> _budgetTokens;
    private readonly Counter<double> _budgetCost;
    private readonly Counter<long> _budgetDenials;
    private readonly Counter<double> _cost;
    private readonly Histogram<double> _stageDuration;

    /// <summary>Creates the instruments on a meter from <paramref name="meterFactory"/>, or on a process-wide meter when it is null.</summary>
    /// <param name="meterFactory">The container's meter factory; null for pipelines built by hand.</param>
    /// <param name="options">The telemetry options; content is captured only when they and the environment variable opt in.</param>
    public PipelineTelemetry(IMeterFactory? meterFactory, TelemetryOptions options)
        : this(meterFactory, options.CaptureMessageContent && IsTrue(Environment.GetEnvironmentVariable(CaptureContentVariable)))
    {
    }

    internal PipelineTelemetry(IMeterFactory? meterFactory, bool captureContent)
    {
        CapturesContent = captureContent;
        var meter = meterFactory?.Create(new MeterOptions(SafeOpenAITelemetry.SourceName) { Version = s_source.Version }) ?? s_unmanagedMeter.Value;
        _operationDuration = meter.CreateHistogram(
            SafeOpenAITelemetry.OperationDurationMetric, "s", "GenAI operation duration: one call through the SafeOpenAI pipeline.", null, new InstrumentAdvice<double> { HistogramBucketBoundaries = s_operationBuckets });
        _tokenUsage = meter.CreateHistogram(
            SafeOpenAITelemetry.TokenUsageMetric, "{token}", "Number of input and output tokens billed.", null, new InstrumentAdvice<int> { HistogramBucketBoundaries = s_tokenBuckets });
        _requests = meter.CreateCounter<long>(SafeOpenAITelemetry.RequestsMetric, "{request}", "Calls through the SafeOpenAI pipeline, by status.");
        _blocks = meter.CreateCounter<long>(SafeOpenAITelemetry.BlocksMetric, "{request}", "Blocked calls, by the decisive stage and verdict code.");
        _moderationFlags = meter.CreateCounter<long>(SafeOpenAITelemetry.ModerationFlagsMetric, "{flag}", "Moderation checks that flagged, by top category.");
        _budgetTokens = meter.CreateCounter<long>(SafeOpenAITelemetry.BudgetTokensMetric, "{token}", "Tokens settled against the budget tracker.");
        _budgetCost = meter.CreateCounter<double>(SafeOpenAITelemetry.BudgetCostMetric, "{USD}", "Cost settled against the budget tracker, in US dollars.");
        _budgetDenials = meter.CreateCounter<long>(SafeOpenAITelemetry.BudgetDenialsMetric, "{request}", "Calls denied by a budget or rate limit, by limit code.");
        _cost = meter.CreateCounter<double>(SafeOpenAITelemetry.CostMetric, "{USD}", "Cost of calls at list price, in US dollars.");
        _stageDuration = meter.CreateHistogram(
            SafeOpenAITelemetry.StageDurationMetric, "s", "Duration of one stage run.", null, new InstrumentAdvice<double> { HistogramBucketBoundaries = s_stageBuckets });
    }

    /// <summary>Gets a value indicating whether message content goes into spans (options and environment both opted in).</summary>
    public bool CapturesContent { get; }

    internal static string PhaseName(SafetyPhase phase) => (uint)phase < (uint)s_phases.Length ? s_phases[(int)phase] : phase.ToString();

    internal static string StatusName(AuditOutcome outcome) => (uint)outcome < (uint)s_statuses.Length ? s_statuses[(int)outcome] : outcome.ToString();

    /// <summary>Starts the call's span, <c>chat {model}</c> of kind Client, or returns null when nobody listens.</summary>
    public static Activity? StartCall(SafetyRequest request)
    {
        if (!s_source.HasListeners())
        {
            return null;
        }

        // The attributes a sampler may read are given at creation.
        KeyValuePair<string, object?>[] tags =
        [
            new(OperationName, Chat),
            new(ProviderName, OpenAI),
            new(SystemName, OpenAI),
            new(RequestModel, request.Model),
        ];
        return s_source.StartActivity(Chat + " " + request.Model, ActivityKind.Client, default(ActivityContext), tags);
    }

    /// <summary>Starts a stage's span as a child of the call's span (explicitly, so a stage that runs beside the model is its sibling, not its child).</summary>
    public static Activity? StartStage(Activity callSpan, string stage, SafetyPhase phase)
    {
        var span = s_source.StartActivity(stage, ActivityKind.Internal, callSpan.Context);
        span?.SetTag(Phase, PhaseName(phase));
        return span;
    }

    /// <summary>Ends a stage's span with the verdict that stage reported, and makes the span that was current when it started current again.</summary>
    public static void EndStage(Activity span, SafetyVerdict? verdict, Activity? previous)
    {
        if (verdict is not null)
        {
            span.SetTag(VerdictCode, verdict.Code);
            span.SetTag(VerdictAction, ActionName(verdict.Action));
        }

        span.Stop();
        if (!ReferenceEquals(Activity.Current, previous) && previous is not { IsStopped: true })
        {
            Activity.Current = previous;
        }
    }

    /// <summary>Ends a stage span that did not reach its end (its stage threw, or its work was abandoned).</summary>
    public static void AbandonStage(Activity span, string? errorType)
    {
        if (errorType is not null)
        {
            span.SetTag(ErrorType, errorType);
            span.SetStatus(ActivityStatusCode.Error);
        }

        span.Stop();
    }

    /// <summary>Records the call's span attributes and metrics and ends its span. Never throws for a listener's sake.</summary>
    /// <param name="call">The call.</param>
    /// <param name="record">The call's audit record, or null when it could not be built.</param>
    /// <param name="result">The outcome, or null when the call failed.</param>
    /// <param name="failure">The exception the call ends with, or null.</param>
    /// <param name="budgetSettled">Whether a budget tracker settled the call's usage.</param>
    public void EndCall(PipelineCall call, AuditRecord? record, SafetyPipelineResult? result, Exception? failure, bool budgetSettled)
    {
        var errorType = failure?.GetType().FullName;
        var outcome = record?.Outcome ?? (failure is OperationCanceledException ? AuditOutcome.Cancelled : AuditOutcome.Failed);
        var status = StatusName(outcome);
        var model = call.Request.Model;
        var responseModel = (call.Response?.RawRepresentation as ChatCompletion)?.Model;
        var usage = call.AnsweredWithoutModel ? null : call.BilledUsage;

        call.AbandonOpenStages(errorType);
        if (call.Span is { } span)
        {
            TagCall(span, call, result, failure, errorType, status, responseModel, usage);
            span.Stop();
        }

        RecordMetrics(call, record, result, errorType, status, model, responseModel, usage, budgetSettled);
    }

    private void TagCall(Activity span, PipelineCall call, SafetyPipelineResult? result, Exception? failure, string? errorType, string status, string? responseModel, TokenUsage? usage)
    {
        if (!span.IsAllDataRequested)
        {
            return;
        }

        var parameters = call.Request.Parameters;
        if (parameters.MaxOutputTokens is { } maxTokens)
        {
            span.SetTag(RequestMaxTokens, maxTokens);
        }

        if (parameters.Temperature is { } temperature)
        {
            span.SetTag(RequestTemperature, (double)temperature);
        }

        if (parameters.TopP is { } topP)
        {
            span.SetTag(RequestTopP, (double)topP);
        }

        if (responseModel is not null)
        {
            span.SetTag(ResponseModel, responseModel);
        }

        if ((call.Response?.RawRepresentation as ChatCompletion)?.Id is { } id)
        {
            span.SetTag(ResponseId, id);
        }

        if (call.Response?.FinishReason is { } finishReason && !call.AnsweredWithoutModel)
        {
            span.SetTag(ResponseFinishReasons, new[] { finishReason });
        }

        if (usage is { } billed)
        {
            span.SetTag(UsageInputTokens, billed.InputTokens);
            span.SetTag(UsageOutputTokens, billed.OutputTokens);
        }

        span.SetTag(Status, status);
        span.SetTag(AuditId, call.Request.AuditId);
        if (result?.DecisiveVerdict is { } decisive)
        {
            span.SetTag(DecisiveStage, decisive.Stage);
            span.SetTag(DecisiveCode, decisive.Code);
        }

        var verdicts = call.Verdicts;
        if (verdicts.Count > 0)
        {
            var codes = new string[verdicts.Count];
            for (var i = 0; i < codes.Length; i++)
            {
                codes[i] = verdicts[i].Stage + ":" + verdicts[i].Code;
            }

            span.SetTag(VerdictCodes, codes);
        }

        if (call.CostUsd is { } cost)
        {
            span.SetTag(CostUsd, (double)cost);
        }

        if (errorType is not null)
        {
            span.SetTag(ErrorType, errorType);
            span.SetStatus(ActivityStatusCode.Error, failure is OperationCanceledException ? "cancelled" : null);
        }

        if (CapturesContent)
        {
            // What went to the model (after redaction) and what came back to the caller; nothing
            // when the model was not reached, and never an answer the checks withheld. Even opted
            // in, the canary, secrets and PII are masked: a telemetry backend is not a PII store.
            var masker = new CapturedContentMasker(call.Request.Items.TryGetValue(CanaryTokenGuard.ItemsKey, out var canary) ? canary as string : null);
            if (call.Response is not null && !call.AnsweredWithoutModel)
            {
                span.SetTag(InputMessages, InputMessagesJson(call.Request.Messages, masker));
            }

            if (result is { Status: SafeChatStatus.Completed, Response: { } answer })
            {
                span.SetTag(OutputMessages, OutputMessagesJson(answer, masker));
            }
        }
    }

    private void RecordMetrics(PipelineCall call, AuditRecord? record, SafetyPipelineResult? result, string? errorType, string status, string model, string? responseModel, TokenUsage? usage, bool budgetSettled)
    {
        if (_operationDuration.Enabled)
        {
            var tags = GenAITags(model, responseModel);
            if (errorType is not null)
            {
                tags.Add(ErrorType, errorType);
            }

            tags.Add(Status, status);
            _operationDuration.Record((record?.Duration ?? call.Elapsed).TotalSeconds, tags);
        }

        if (usage is { } billed && _tokenUsage.Enabled)
        {
            var input = GenAITags(model, responseModel);
            input.Add(TokenType, "input");
            _tokenUsage.Record(billed.InputTokens, input);
            var output = GenAITags(model, responseModel);
            output.Add(TokenType, "output");
            _tokenUsage.Record(billed.OutputTokens, output);
        }

        if (_tokenUsage.Enabled)
        {
            // A judge's tokens are recorded under its own model, tagged with the stage that asked it.
            foreach (var judge in call.StageModelUsages)
            {
                var input = GenAITags(judge.Model, null);
                input.Add(Stage, judge.Stage);
                input.Add(TokenType, "input");
                _tokenUsage.Record(judge.Usage.InputTokens, input);
                var output = GenAITags(judge.Model, null);
                output.Add(Stage, judge.Stage);
                output.Add(TokenType, "output");
                _tokenUsage.Record(judge.Usage.OutputTokens, output);
            }
        }

        _requests.Add(1, new KeyValuePair<string, object?>(Status, status), new KeyValuePair<string, object?>(RequestModel, model));

        if (result is { Status: SafeChatStatus.Blocked, DecisiveVerdict: { } decisive })
        {
            _blocks.Add(
                1,
                new KeyValuePair<string, object?>(Stage, decisive.Stage),
                new KeyValuePair<string, object?>(Phase, PhaseName(decisive.Phase)),
                new KeyValuePair<string, object?>(VerdictCode, decisive.Code));
        }

        if (record is not null && _moderationFlags.Enabled)
        {
            foreach (var score in record.ModerationScores)
            {
                if (score.Flagged)
                {
                    _moderationFlags.Add(1, new KeyValuePair<string, object?>(ModerationCategory, score.Category), new KeyValuePair<string, object?>(Phase, PhaseName(score.Phase)));
                }
            }
        }

        if (_budgetDenials.Enabled)
        {
            foreach (var verdict in call.Verdicts)
            {
                if (verdict.Phase == SafetyPhase.Budget && verdict.Action == SafetyAction.Block)
                {
                    _budgetDenials.Add(1, new KeyValuePair<string, object?>(VerdictCode, verdict.Code));
                }
            }
        }

        if (budgetSettled && (usage is not null || call.StageModelUsages.Count > 0))
        {
            var settled = call.StageModelUsages.Aggregate(usage ?? TokenUsage.Zero, static (sum, judge) => sum.Add(judge.Usage));
            _budgetTokens.Add(settled.InputTokens, new KeyValuePair<string, object?>(TokenType, "input"));
            _budgetTokens.Add(settled.OutputTokens, new KeyValuePair<string, object?>(TokenType, "output"));
            if (call.CostUsd is { } settledCost)
            {
                _budgetCost.Add((double)settledCost);
            }
        }

        if (call.CostUsd is { } cost && !call.AnsweredWithoutModel)
        {
            _cost.Add((double)cost, new KeyValuePair<string, object?>(RequestModel, model));
        }

        if (_stageDuration.Enabled)
        {
            foreach (var duration in record?.StageDurations ?? call.StageDurations)
            {
                _stageDuration.Record(duration.Duration.TotalSeconds, new KeyValuePair<string, object?>(Stage, duration.Stage), new KeyValuePair<string, object?>(Phase, PhaseName(duration.Phase)));
            }
        }
    }

    private static TagList GenAITags(string model, string? responseModel)
    {
        var tags = new TagList
        {
            { OperationName, Chat },
            { ProviderName, OpenAI },
            { SystemName, OpenAI },
            { RequestModel, model },
        };
        if (responseModel is not null)
        {
            tags.Add(ResponseModel, responseModel);
        }

        return tags;
    }

    private static string ActionName(SafetyAction action) => (uint)action < (uint)s_actions.Length ? s_actions[(int)action] : action.ToString();

    private static bool IsTrue(string? value) => string.Equals(value?.Trim(), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>The messages as the semantic conventions' <c>gen_ai.input.messages</c> JSON (role, parts of type text / tool_call / tool_call_response; images as a part without data).</summary>
    internal static string InputMessagesJson(IReadOnlyList<SafetyMessage> messages, CapturedContentMasker? masker = null)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, s_jsonOptions))
        {
            writer.WriteStartArray();
            foreach (var message in messages)
            {
                writer.WriteStartObject();
                writer.WriteString("role", RoleName(message.Role));
                writer.WriteStartArray("parts");
                if (message.Role == MessageRole.Tool)
                {
                    writer.WriteStartObject();
                    writer.WriteString("type", "tool_call_response");
                    writer.WriteString("id", message.ToolCallId);
                    writer.WriteString("response", masker is null ? message.Text : masker.Mask(message.Text));
                    writer.WriteEndObject();
                }
                else
                {
                    WriteParts(writer, message.Parts, masker);
                    WriteToolCalls(writer, message.ToolCalls, masker);
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>The answer as the semantic conventions' <c>gen_ai.output.messages</c> JSON.</summary>
    internal static string OutputMessagesJson(SafetyResponse answer, CapturedContentMasker? masker = null)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, s_jsonOptions))
        {
            writer.WriteStartArray();
            writer.WriteStartObject();
            writer.WriteString("role", "assistant");
            writer.WriteStartArray("parts");
            WriteParts(writer, answer.Parts, masker);
            WriteToolCalls(writer, answer.ToolCalls, masker);
            writer.WriteEndArray();
            writer.WriteString("finish_reason", answer.FinishReason ?? "stop");
            writer.WriteEndObject();
            writer.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void WriteParts(Utf8JsonWriter writer, IReadOnlyList<MessagePart> parts, CapturedContentMasker? masker)
    {
        foreach (var part in parts)
        {
            switch (part.Kind)
            {
                case MessagePartKind.Text:
                    writer.WriteStartObject();
                    writer.WriteString("type", "text");
                    writer.WriteString("content", masker is null ? part.Text : masker.Mask(part.Text));
                    writer.WriteEndObject();
                    break;
                case MessagePartKind.Image:
                    // Image data is not copied into telemetry: only that an image was there.
                    writer.WriteStartObject();
                    writer.WriteString("type", "image");
                    writer.WriteEndObject();
                    break;
            }
        }
    }

    private static void WriteToolCalls(Utf8JsonWriter writer, IReadOnlyList<ToolCallInfo> toolCalls, CapturedContentMasker? masker)
    {
        foreach (var toolCall in toolCalls)
        {
            writer.WriteStartObject();
            writer.WriteString("type", "tool_call");
            writer.WriteString("id", toolCall.Id);
            writer.WriteString("name", toolCall.FunctionName);
            writer.WriteString("arguments", masker is null ? toolCall.Arguments : masker.Mask(toolCall.Arguments));
            writer.WriteEndObject();
        }
    }

    private static string RoleName(MessageRole role) => role switch
    {
        MessageRole.System => "system",
        MessageRole.Developer => "system",
        MessageRole.User => "user",
        MessageRole.Assistant => "assistant",
        MessageRole.Tool => "tool",
        _ => role.ToString().ToLowerInvariant(),
    };
}
