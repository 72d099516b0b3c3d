using System.Globalization;
using Microsoft.Extensions.Logging;

namespace SafeOpenAI;

/// <summary>
/// Writes each <see cref="AuditRecord"/> as one structured log event (category
/// <c>SafeOpenAI.Audit</c>, event id 1000, level Information; Warning for blocked and failed
/// calls). The event holds hashes, codes and numbers only. Thread-safe.
/// </summary>
public sealed partial class LoggerAuditSink : IAuditSink
{
    private readonly ILogger _logger;

    /// <summary>Creates the sink.</summary>
    /// <param name="loggerFactory">The logger factory.</param>
    /// <exception cref="ArgumentNullException"><paramref name="loggerFactory"/> is null.</exception>
    public LoggerAuditSink(ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(loggerFactory);
        _logger = loggerFactory.CreateLogger("SafeOpenAI.Audit");
    }

    /// <inheritdoc />
    public ValueTask WriteAsync(AuditRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        var level = record.Outcome is AuditOutcome.Blocked or AuditOutcome.Failed ? LogLevel.Warning : LogLevel.Information;
        if (_logger.IsEnabled(level))
        {
            var verdictCodes = string.Join(' ', record.VerdictCodes);
            var costUsd = record.CostUsd?.ToString("0.########", CultureInfo.InvariantCulture);
            LogAuditRecord(
                _logger,
                level,
                record.AuditId,
                record.Outcome,
                record.Model,
                record.SafetyIdentifier,
                record.SessionHash,
                record.DecisiveCode,
                verdictCodes,
                record.Usage?.InputTokens ?? 0,
                record.Usage?.OutputTokens ?? 0,
                costUsd,
                record.Duration.TotalMilliseconds,
                record.InputHash,
                record.OutputHash,
                record.ErrorType);
        }

        return ValueTask.CompletedTask;
    }

    [LoggerMessage(
        EventId = 1000,
        EventName = "SafeOpenAIAudit",
        Message = "SafeOpenAI call {AuditId} {Outcome}: model={Model} safety_identifier={SafetyIdentifier} session={SessionHash} decisive={DecisiveCode} verdicts=[{VerdictCodes}] input_tokens={InputTokens} output_tokens={OutputTokens} cost_usd={CostUsd} duration_ms={DurationMs} input_hash={InputHash} output_hash={OutputHash} error={ErrorType}")]
    private static partial void LogAuditRecord(
        ILogger logger,
        LogLevel level,
        string auditId,
        AuditOutcome outcome,
        string model,
        string? safetyIdentifier,
        string? sessionHash,
        string? decisiveCode,
        string verdictCodes,
        int inputTokens,
        int outputTokens,
        string? costUsd,
        double durationMs,
        string inputHash,
        string? outputHash,
        string? errorType);
}
