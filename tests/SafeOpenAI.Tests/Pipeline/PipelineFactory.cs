using Microsoft.Extensions.Logging.Abstractions;
using Moq;
using SafeOpenAI.Testing;

namespace SafeOpenAI.Tests.Pipeline;

/// <summary>Builds a <see cref="SafetyPipeline"/> from explicit stages for unit tests of its orchestration.</summary>
internal static class PipelineFactory
{
    public const string HashKey = "unit-test-hash-key-0123456789abcdef";

    public static SafetyPipeline Create(
        IReadOnlyList<IInputGuard>? inputGuards = null,
        IModerationCheck? moderation = null,
        IReadOnlyList<IOutputValidator>? outputValidators = null,
        IBudgetTracker? budget = null,
        IAuditSink? auditSink = null,
        Action<SafeOpenAIOptions>? configure = null,
        TimeProvider? timeProvider = null,
        IUserAccessPolicy? accessPolicy = null,
        AnomalyMonitor? anomalyMonitor = null)
    {
        var options = new SafeOpenAIOptions();
        options.Identity.HashKey = HashKey;
        options.Moderation.Enabled = moderation is not null;
        configure?.Invoke(options);
        var tokens = new Mock<ITokenCounter>();
        tokens.Setup(t => t.CountPromptTokens(It.IsAny<IReadOnlyList<SafetyMessage>>(), It.IsAny<string>())).Returns(100);
        tokens.Setup(t => t.CountPromptTokensUpperBound(It.IsAny<IReadOnlyList<SafetyMessage>>(), It.IsAny<string>())).Returns(500);
        tokens.Setup(t => t.CountTokens(It.IsAny<string>(), It.IsAny<string>())).Returns(7);
        return new SafetyPipeline(
            inputGuards ?? [],
            moderation,
            outputValidators ?? [],
            budget,
            tokens.Object,
            new ModelPriceTable(),
            new SafetyHasher(options.Identity),
            auditSink ?? new RecordingAuditSink(),
            new PipelineOversight(
                options.Audit.CaptureContent ? new AuditContentProtector(options.Audit.ContentKey!) : null,
                accessPolicy,
                anomalyMonitor),
            options,
            timeProvider ?? TimeProvider.System,
            NullLogger.Instance);
    }

    public static SafetyRequest Request(string userText = "hello", SafetyIdentity? identity = null) =>
        new([SafetyMessage.FromText(MessageRole.System, "system prompt"), SafetyMessage.FromText(MessageRole.User, userText)], "gpt-4o-mini")
        {
            Identity = identity ?? new SafetyIdentity("user-1", "session-1"),
        };

    public static SafetyResponse Answer(string text = "answer", TokenUsage? usage = null) =>
        new([MessagePart.FromText(text)], usage ?? new TokenUsage(100, 20), "stop");
}
