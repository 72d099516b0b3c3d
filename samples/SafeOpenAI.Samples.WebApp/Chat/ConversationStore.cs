namespace SafeOpenAI.Samples.WebApp.Chat;

/// <summary>
/// The visitors' conversations, in memory: a sample's stand-in for a database. At most a fixed
/// number are kept; when a new visitor arrives at the limit, the conversation used least recently
/// is forgotten. A restart forgets every conversation (held reviews stay in the review store).
/// Thread-safe.
/// </summary>
public sealed class ConversationStore
{
    private readonly Dictionary<string, (Conversation Conversation, long LastUsed)> _conversations = new(StringComparer.Ordinal);
    private readonly int _maxConversations;
    private readonly int _maxEntries;
    private long _clock;

    /// <summary>Creates the store.</summary>
    /// <param name="maxConversations">The most conversations kept; at least 1.</param>
    /// <param name="maxEntriesPerConversation">The most entries each keeps; at least 1.</param>
    /// <exception cref="ArgumentOutOfRangeException">A limit is below 1.</exception>
    public ConversationStore(int maxConversations, int maxEntriesPerConversation)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConversations, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxEntriesPerConversation, 1);
        _maxConversations = maxConversations;
        _maxEntries = maxEntriesPerConversation;
    }

    /// <summary>Gets a visitor's conversation, starting an empty one on first use.</summary>
    /// <param name="key">The visitor's conversation key (<see cref="Visitor.ConversationKey"/>).</param>
    /// <returns>The conversation.</returns>
    /// <exception cref="ArgumentException"><paramref name="key"/> is null or empty.</exception>
    public Conversation Get(string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        lock (_conversations)
        {
            var now = ++_clock;
            if (_conversations.TryGetValue(key, out var found))
            {
                _conversations[key] = (found.Conversation, now);
                return found.Conversation;
            }

            if (_conversations.Count >= _maxConversations)
            {
                // A linear scan: fine for a sample's thousand conversations.
                var oldest = _conversations.MinBy(static pair => pair.Value.LastUsed).Key;
                _conversations.Remove(oldest);
            }

            var conversation = new Conversation(_maxEntries);
            _conversations[key] = (conversation, now);
            return conversation;
        }
    }
}
