using System.Collections.Concurrent;

namespace SafeOpenAI.Tests.Feedback;

/// <summary>An in-test <see cref="IReviewAccessLog"/> that keeps every entry in order and can be made to fail like a lost database.</summary>
internal sealed class RecordingAccessLog : IReviewAccessLog
{
    private readonly ConcurrentQueue<ReviewAccessEntry> _entries = new();

    /// <summary>Gets or sets a value indicating whether appends throw <see cref="IOException"/>.</summary>
    public bool Failing { get; set; }

    /// <summary>Gets every entry appended, in order.</summary>
    public IReadOnlyList<ReviewAccessEntry> Entries => _entries.ToArray();

    public Task AppendAsync(ReviewAccessEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (Failing)
        {
            throw new IOException("The access log is unavailable.");
        }

        _entries.Enqueue(entry);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<ReviewAccessEntry>> ListAsync(string subjectId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(subjectId);
        return Task.FromResult<IReadOnlyList<ReviewAccessEntry>>(_entries.Where(e => e.SubjectId == subjectId).ToArray());
    }
}
