namespace SafeOpenAI;

/// <summary>
/// The names of SafeOpenAI's traces and metrics, for wiring an OpenTelemetry SDK:
/// <c>.AddSource(SafeOpenAITelemetry.SourceName)</c> and <c>.AddMeter(SafeOpenAITelemetry.SourceName)</c>.
/// </summary>
/// <remarks>
/// <para>
/// One <see cref="System.Diagnostics.ActivitySource"/> and one <see cref="System.Diagnostics.Metrics.Meter"/>,
/// both named <see cref="SourceName"/>; the meter is created from the container's
/// <see cref="System.Diagnostics.Metrics.IMeterFactory"/>. Names, attributes and histogram bucket
/// boundaries of the <c>gen_ai.*</c> spans and instruments follow the OpenTelemetry semantic
/// conventions for generative AI, version 1.37.0
/// (https://github.com/open-telemetry/semantic-conventions/tree/v1.37.0/docs/gen-ai); everything
/// specific to SafeOpenAI is named <c>safeopenai.*</c>. Every span and attribute is listed in
/// <c>docs/telemetry.md</c>.
/// </para>
/// <para>
/// Message content is never recorded unless <see cref="TelemetryOptions.CaptureMessageContent"/> is
/// on and the environment variable <c>OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT</c> is
/// <c>true</c>. Metric attributes never carry user identifiers or free text: only models, statuses,
/// stage names, phases, verdict codes, moderation categories, feedback categories and review outcomes, all from bounded sets. Spans
/// carry the call's audit id (<c>safeopenai.audit_id</c>), never the hashed safety identifier,
/// session hash or tenant: the audit record, under the audit store's access control, links a
/// trace to its user.
/// </para>
/// <para>Constants only; thread-safe.</para>
/// </remarks>
public static class SafeOpenAITelemetry
{
    /// <summary>The name of SafeOpenAI's activity source and meter: <c>SafeOpenAI</c>.</summary>
    public const string SourceName = "SafeOpenAI";

    /// <summary>
    /// Histogram of the duration of a whole call through the pipeline, in seconds (<c>s</c>):
    /// <c>gen_ai.client.operation.duration</c>, bucket boundaries as the semantic conventions advise
    /// (0.01 s to 81.92 s, doubling). Attributes: <c>gen_ai.operation.name</c>, <c>gen_ai.provider.name</c>,
    /// <c>gen_ai.request.model</c>, <c>gen_ai.response.model</c> when known, <c>error.type</c> when
    /// the call failed, <c>safeopenai.status</c>.
    /// </summary>
    public const string OperationDurationMetric = "gen_ai.client.operation.duration";

    /// <summary>
    /// Histogram of billed tokens per call (<c>{token}</c>): <c>gen_ai.client.token.usage</c>, one
    /// measurement per <c>gen_ai.token.type</c> (<c>input</c>, <c>output</c>), bucket boundaries as
    /// the semantic conventions advise (1 to 67,108,864, ×4). Recorded only for calls that reached
    /// the model; tokens the endpoint did not report are counted with the model's tokenizer.
    /// </summary>
    public const string TokenUsageMetric = "gen_ai.client.token.usage";

    /// <summary>
    /// Counter of calls (<c>{request}</c>) by <c>safeopenai.status</c> (<c>completed</c>,
    /// <c>blocked</c>, <c>pending_review</c>, <c>failed</c>, <c>cancelled</c>) and <c>gen_ai.request.model</c>.
    /// </summary>
    public const string RequestsMetric = "safeopenai.requests";

    /// <summary>
    /// Counter of blocked calls (<c>{request}</c>) by the decisive verdict's <c>safeopenai.stage</c>,
    /// <c>safeopenai.phase</c> and <c>safeopenai.verdict.code</c> (for example <c>moderation.flagged:violence</c>).
    /// </summary>
    public const string BlocksMetric = "safeopenai.blocks";

    /// <summary>
    /// Counter of moderation checks that flagged (<c>{flag}</c>) by <c>safeopenai.moderation.category</c>
    /// (the top flagged category, OpenAI's moderation category names) and <c>safeopenai.phase</c>
    /// (<c>input_moderation</c>, <c>output_moderation</c>).
    /// </summary>
    public const string ModerationFlagsMetric = "safeopenai.moderation.flags";

    /// <summary>
    /// Counter of tokens settled against the budget tracker (<c>{token}</c>) by <c>gen_ai.token.type</c>;
    /// recorded only when budgets are on.
    /// </summary>
    public const string BudgetTokensMetric = "safeopenai.budget.tokens";

    /// <summary>
    /// Counter of cost settled against the budget tracker, in US dollars (<c>{USD}</c>); recorded
    /// only when budgets are on and the model has a price.
    /// </summary>
    public const string BudgetCostMetric = "safeopenai.budget.cost";

    /// <summary>
    /// Counter of calls the budget stage denied (<c>{request}</c>) by <c>safeopenai.verdict.code</c>,
    /// the limit that denied it (for example <c>budget.exceeded:user-hour-tokens</c>,
    /// <c>rate_limit.exceeded:user-requests-per-minute</c>, <c>cost.unpriced_model</c>).
    /// </summary>
    public const string BudgetDenialsMetric = "safeopenai.budget.denials";

    /// <summary>
    /// Counter of the cost of calls in US dollars (<c>{USD}</c>) at list price by
    /// <c>gen_ai.request.model</c>, whether budgets are on or not; calls to a model without a price add nothing.
    /// </summary>
    public const string CostMetric = "safeopenai.cost";

    /// <summary>
    /// Histogram of the duration of each stage run, in seconds (<c>s</c>), by <c>safeopenai.stage</c>
    /// (the stage's name) and <c>safeopenai.phase</c>; buckets from 100 µs to 60 s, since local
    /// guards take microseconds and the model seconds.
    /// </summary>
    public const string StageDurationMetric = "safeopenai.stage.duration";

    /// <summary>
    /// Counter of end users' feedback reports about answers (<c>{report}</c>) by
    /// <c>safeopenai.feedback.category</c> (<c>harmful</c>, <c>wrong</c>, <c>privacy</c>,
    /// <c>off_topic</c>, <c>other</c>); recorded by <see cref="FeedbackInbox"/> once a report is stored.
    /// </summary>
    public const string FeedbackReportsMetric = "safeopenai.feedback.reports";

    /// <summary>
    /// Counter of answers held for human review (<c>{review}</c>) by <c>safeopenai.review.reason</c>:
    /// the family of the verdict code that asked for review, the code before any <c>:detail</c>
    /// (for example <c>review.risk_domain</c>, <c>moderation.review</c>, <c>groundedness.unsupported</c>).
    /// Recorded by the <see cref="HumanReviewQueue"/>.
    /// </summary>
    public const string ReviewSubmittedMetric = "safeopenai.review.submitted";

    /// <summary>
    /// Counter of human reviews decided (<c>{review}</c>) by <c>safeopenai.review.outcome</c>
    /// (<c>approved</c>, <c>edited</c>, <c>rejected</c>, <c>expired</c>); an expired review was
    /// decided by the deadline policy. Recorded by the <see cref="HumanReviewQueue"/> that made the decision.
    /// </summary>
    public const string ReviewDecidedMetric = "safeopenai.review.decided";

    /// <summary>
    /// Histogram of the time from holding an answer to its decision, in seconds (<c>s</c>), by
    /// <c>safeopenai.review.outcome</c>; an expired review counts until its (last) deadline. Buckets
    /// from 1 s to 7 days, since reviewers answer in minutes to hours.
    /// </summary>
    public const string ReviewDecisionTimeMetric = "safeopenai.review.decision_time";
}
