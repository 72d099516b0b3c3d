namespace SafeOpenAI.Samples.WebApp.Chat;

/// <summary>One visitor's entries, oldest first, at most a fixed number (the oldest goes first). Thread-safe.</summary>
public sealed class Conversation
{
    private readonly List<ChatEntry> _entries = [];
    private readonly int _maxEntries;

    /// <summary>Creates an empty conversation.</summary>
    /// <param name="maxEntries">The most entries kept; at least 1.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxEntries"/> is below 1.</exception>
    public Conversation(int maxEntries)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxEntries, 1);
        _maxEntries = maxEntries;
    }

    /// <summary>Gets a snapshot of the entries, oldest first.</summary>
    /// <returns>The entries.</returns>
    public IReadOnlyList<ChatEntry> Snapshot()
    {
        lock (_entries)
        {
            return _entries.ToArray();
        }
    }

    /// <summary>Finds an entry by id.</summary>
    /// <param name="entryId">The entry id.</param>
    /// <returns>The entry, or <see langword="null"/>.</returns>
    public ChatEntry? Find(string entryId)
    {
        lock (_entries)
        {
            return _entries.Find(e => string.Equals(e.Id, entryId, StringComparison.Ordinal));
        }
    }

    /// <summary>Appends an entry, dropping the oldest when the conversation is full.</summary>
    /// <param name="entry">The entry.</param>
    /// <exception cref="ArgumentNullException"><paramref name="entry"/> is null.</exception>
    public void Add(ChatEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        lock (_entries)
        {
            _entries.Add(entry);
            if (_entries.Count > _maxEntries)
            {
                _entries.RemoveAt(0);
            }
        }
    }

    /// <summary>Replaces the entry with the same id, if the stored one is still <paramref name="expected"/> (a compare-and-set, so two page loads never undo each other).</summary>
    /// <param name="expected">The entry the change was made from.</param>
    /// <param name="updated">The new state.</param>
    /// <returns><see langword="true"/> when replaced; <see langword="false"/> when the entry changed meanwhile or is gone.</returns>
    /// <exception cref="ArgumentException">The two entries have different ids.</exception>
    public bool TryReplace(ChatEntry expected, ChatEntry updated)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(updated);
        if (!string.Equals(expected.Id, updated.Id, StringComparison.Ordinal))
        {
            throw new ArgumentException($"Entry {expected.Id} cannot be replaced by entry {updated.Id}.", nameof(updated));
        }

        lock (_entries)
        {
            var index = _entries.FindIndex(e => ReferenceEquals(e, expected));
            if (index < 0)
            {
                return false;
            }

            _entries[index] = updated;
            return true;
        }
    }
}
