using System.ClientModel;
using OpenAI.Chat;
using SafeOpenAI.Samples.WebApp.Hosting;
using SafeOpenAI.Samples.WebApp.Visitors;

namespace SafeOpenAI.Samples.WebApp.Chat;

/// <summary>
/// What the chat page does: asks <see cref="SafeChatClient"/> and records the outcome in the
/// visitor's conversation, brings held answers up to date with the review queue, and files
/// "Report this answer" with the <see cref="IFeedbackSink"/>. Thread-safe.
/// </summary>
public sealed partial class ChatService
{
    private readonly SafeChatClient _client;
    private readonly IHumanReviewQueue _reviews;
    private readonly IFeedbackSink _feedback;
    private readonly ConversationStore _conversations;
    private readonly TopicCatalog _topics;
    private readonly WebAppOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<ChatService> _logger;

    /// <summary>Creates the service.</summary>
    /// <param name="client">The guarded chat client.</param>
    /// <param name="reviews">The review queue that holds high-risk answers.</param>
    /// <param name="feedback">Takes the visitors' reports.</param>
    /// <param name="conversations">The visitors' conversations.</param>
    /// <param name="topics">The topics of the picker.</param>
    /// <param name="options">The sample's settings.</param>
    /// <param name="time">The clock of the entries.</param>
    /// <param name="logger">Logs failures (ids and codes, never text).</param>
    public ChatService(
        SafeChatClient client,
        IHumanReviewQueue reviews,
        IFeedbackSink feedback,
        ConversationStore conversations,
        TopicCatalog topics,
        WebAppOptions options,
        TimeProvider time,
        ILogger<ChatService> logger)
    {
        _client = client;
        _reviews = reviews;
        _feedback = feedback;
        _conversations = conversations;
        _topics = topics;
        _options = options;
        _time = time;
        _logger = logger;
    }

    /// <summary>
    /// Sends a question through the pipeline and adds the outcome to the visitor's conversation.
    /// The identity comes from the registered <see cref="ISafetyIdentityAccessor"/> (the current
    /// request), the risk domain and the sources from the topic.
    /// </summary>
    /// <param name="visitor">Who asks; the accessor must report the same user for this request.</param>
    /// <param name="topic">The topic picked.</param>
    /// <param name="question">The question; not blank, at most <see cref="WebAppOptions.MaxQuestionCharacters"/> characters.</param>
    /// <param name="cancellationToken">Cancels the call (the request was aborted).</param>
    /// <returns>The new entry.</returns>
    /// <exception cref="ArgumentException">The question is blank or too long.</exception>
    public async Task<ChatEntry> AskAsync(Visitor visitor, ChatTopic topic, string question, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(visitor);
        ArgumentNullException.ThrowIfNull(topic);
        ArgumentException.ThrowIfNullOrWhiteSpace(question);
        if (question.Length > _options.MaxQuestionCharacters)
        {
            throw new ArgumentException($"The question is {question.Length} characters long; the limit is {_options.MaxQuestionCharacters}.", nameof(question));
        }

        var conversation = _conversations.Get(visitor.ConversationKey);
        var request = new SafeChatRequest(Messages(conversation, question))
        {
            RiskDomain = topic.RiskDomain,
            Sources = _topics.SourcesOf(topic),
        };
        var entry = new ChatEntry(Guid.NewGuid().ToString("N"), topic.Label, question, _time.GetUtcNow(), ChatEntryStatus.Failed);
        try
        {
            entry = Record(entry, await _client.CompleteAsync(request, cancellationToken).ConfigureAwait(false));
        }
        catch (ClientResultException ex)
        {
            // The model endpoint failed after the SDK's retries: the visitor sees that, the log has the status.
            Log.ModelUnreachable(_logger, ex.Status, ex);
            entry = entry with { Notice = "The assistant could not be reached. Please try again in a moment." };
        }

        conversation.Add(entry);
        return entry;
    }

    /// <summary>
    /// Returns the visitor's conversation after asking the review queue about every held answer:
    /// a decided review becomes the released answer, or a withheld notice with the reviewer's note.
    /// A review is only shown after checking that it belongs to this visitor (its safety identifier).
    /// </summary>
    /// <param name="visitor">Whose conversation.</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <returns>The entries, oldest first.</returns>
    /// <exception cref="ReviewNotFoundException">The review store no longer holds a held answer's review.</exception>
    public async Task<IReadOnlyList<ChatEntry>> LoadAsync(Visitor visitor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(visitor);
        var conversation = _conversations.Get(visitor.ConversationKey);
        foreach (var entry in conversation.Snapshot())
        {
            if (entry is not { Status: ChatEntryStatus.PendingReview, ReviewId: { } reviewId }
                || !await BelongsToAsync(visitor, reviewId, cancellationToken).ConfigureAwait(false)
                || await _reviews.GetDecisionAsync(reviewId, cancellationToken).ConfigureAwait(false) is not { } decision)
            {
                continue;
            }

            conversation.TryReplace(entry, Decided(entry, decision));
        }

        return conversation.Snapshot();
    }

    /// <summary>
    /// Waits, for at most <paramref name="timeout"/>, until a held answer of the visitor's
    /// conversation is decided (on this instance or any other sharing the review store), and
    /// returns the entry as it stands then. An entry that is not held is returned at once.
    /// </summary>
    /// <param name="visitor">Whose conversation.</param>
    /// <param name="entryId">The entry id.</param>
    /// <param name="timeout">The longest wait; positive. A page asks again after it, so that no request stays open for long.</param>
    /// <param name="cancellationToken">Cancels the wait (the request was aborted, or the app stops).</param>
    /// <returns>The entry with its decision applied, <see langword="null"/> when it is still held after <paramref name="timeout"/>.</returns>
    /// <exception cref="KeyNotFoundException">The visitor's conversation has no such entry, or its review was asked for by another user.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is not positive.</exception>
    /// <exception cref="ReviewNotFoundException">The review store no longer holds the entry's review.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<ChatEntry?> WaitForDecisionAsync(Visitor visitor, string entryId, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(visitor);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        var conversation = _conversations.Get(visitor.ConversationKey);
        var entry = conversation.Find(entryId) ?? throw new KeyNotFoundException($"Your conversation has no entry '{entryId}'.");
        if (entry is not { Status: ChatEntryStatus.PendingReview, ReviewId: { } reviewId })
        {
            return entry;
        }

        if (!await BelongsToAsync(visitor, reviewId, cancellationToken).ConfigureAwait(false))
        {
            throw new KeyNotFoundException($"Your conversation has no entry '{entryId}'.");
        }

        ReviewDecision decision;
        using (var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            bounded.CancelAfter(timeout);
            try
            {
                decision = await _reviews.WaitForDecisionAsync(reviewId, bounded.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // The bound passed, not the caller's token: still held.
                return null;
            }
        }

        // A page load may have applied the decision meanwhile: then the stored entry is already decided.
        conversation.TryReplace(entry, Decided(entry, decision));
        return conversation.Find(entryId);
    }

    /// <summary>Finds an entry of the visitor's conversation.</summary>
    /// <param name="visitor">Whose conversation.</param>
    /// <param name="entryId">The entry id.</param>
    /// <returns>The entry, or <see langword="null"/> when the conversation has none with that id.</returns>
    public ChatEntry? Find(Visitor visitor, string entryId)
    {
        ArgumentNullException.ThrowIfNull(visitor);
        return _conversations.Get(visitor.ConversationKey).Find(entryId);
    }

    /// <summary>Files the visitor's report about one answer of their conversation.</summary>
    /// <param name="visitor">Who reports.</param>
    /// <param name="entryId">The entry whose answer is reported.</param>
    /// <param name="category">What is wrong.</param>
    /// <param name="comment">The visitor's words, or <see langword="null"/>; at most <see cref="FeedbackReport.MaxCommentCharacters"/> characters. Stored encrypted.</param>
    /// <param name="cancellationToken">Cancels the report.</param>
    /// <returns>The entry with its report id.</returns>
    /// <exception cref="KeyNotFoundException">The visitor's conversation has no such entry.</exception>
    /// <exception cref="InvalidOperationException">The entry shows no answer, or it was reported already.</exception>
    /// <exception cref="ArgumentException">The category is not defined, or the comment is too long.</exception>
    public async Task<ChatEntry> ReportAsync(Visitor visitor, string entryId, FeedbackCategory category, string? comment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(visitor);
        var conversation = _conversations.Get(visitor.ConversationKey);
        var entry = conversation.Find(entryId) ?? throw new KeyNotFoundException($"Your conversation has no entry '{entryId}'.");
        if (!entry.HasAnswer || entry.AuditId is null)
        {
            throw new InvalidOperationException("Only an answer that was shown can be reported.");
        }

        if (entry.ReportId is not null)
        {
            throw new InvalidOperationException("This answer was reported already.");
        }

        var receipt = await _feedback.ReportAsync(new FeedbackReport(entry.AuditId, category, comment, visitor.SafetyIdentifier), cancellationToken).ConfigureAwait(false);
        // A page load may release the entry meanwhile: mark whichever state is current.
        while (conversation.Find(entryId) is { } current
            && !conversation.TryReplace(current, current with { ReportId = receipt.ReportId }))
        {
        }

        return conversation.Find(entryId) ?? entry with { ReportId = receipt.ReportId };
    }

    /// <summary>Whether a review was asked for by this visitor: GetDecisionAsync and WaitForDecisionAsync check no principal.</summary>
    private async Task<bool> BelongsToAsync(Visitor visitor, string reviewId, CancellationToken cancellationToken)
    {
        var summary = await _reviews.GetSummaryAsync(reviewId, cancellationToken).ConfigureAwait(false);
        if (string.Equals(summary.SafetyIdentifier, visitor.SafetyIdentifier, StringComparison.Ordinal))
        {
            return true;
        }

        Log.ReviewOfAnotherUser(_logger, reviewId);
        return false;
    }

    private static ChatEntry Decided(ChatEntry entry, ReviewDecision decision) => entry with
    {
        Status = decision.IsReleased ? ChatEntryStatus.Released : ChatEntryStatus.Withheld,
        Answer = decision.IsReleased ? decision.Answer : null,
        ReviewOutcome = decision.Outcome,
        ReviewNote = decision.Note,
    };

    private static ChatEntry Record(ChatEntry entry, SafeChatResult result)
    {
        entry = entry with { AuditId = result.AuditId };
        return result.Status switch
        {
            SafeChatStatus.Completed => entry with
            {
                Status = ChatEntryStatus.Answered,
                Answer = string.Concat(result.Completion!.Content.Select(static part => part.Text)),
            },
            SafeChatStatus.PendingReview => entry with { Status = ChatEntryStatus.PendingReview, ReviewId = result.ReviewId },
            _ => entry with
            {
                Status = ChatEntryStatus.Blocked,
                VerdictCode = result.DecisiveVerdict?.Code,
                Notice = result.DecisiveVerdict?.UserMessage ?? "This request was blocked by a safety check.",
            },
        };
    }

    private List<ChatMessage> Messages(Conversation conversation, string question)
    {
        var messages = new List<ChatMessage> { ChatMessage.CreateSystemMessage(_options.SystemPrompt) };
        var earlier = conversation.Snapshot().Where(static e => e.HasAnswer).TakeLast(_options.HistoryExchanges);
        foreach (var exchange in earlier)
        {
            messages.Add(ChatMessage.CreateUserMessage(exchange.Question));
            messages.Add(ChatMessage.CreateAssistantMessage(exchange.Answer!));
        }

        messages.Add(ChatMessage.CreateUserMessage(question));
        return messages;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1, Level = LogLevel.Error, Message = "The model endpoint failed (HTTP {Status}); the question was not answered.")]
        public static partial void ModelUnreachable(ILogger logger, int status, Exception exception);

        [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Review {ReviewId} in a conversation belongs to another user; its decision is not shown.")]
        public static partial void ReviewOfAnotherUser(ILogger logger, string reviewId);
    }
}
