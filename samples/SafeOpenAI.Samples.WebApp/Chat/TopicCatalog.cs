namespace SafeOpenAI.Samples.WebApp.Chat;

/// <summary>The topics of the chat page's picker, in the order shown; the first is the default. Read-only and thread-safe.</summary>
public sealed class TopicCatalog
{
    /// <summary>The configuration section: <c>Topics</c>.</summary>
    public const string SectionName = "Topics";

    private readonly Dictionary<string, (ChatTopic Topic, IReadOnlyList<SourceDocument> Sources)> _byId;

    /// <summary>Creates the catalog.</summary>
    /// <param name="topics">The topics; at least one, ids unique ignoring case, every source with an id and a text.</param>
    /// <exception cref="ArgumentNullException"><paramref name="topics"/> is null.</exception>
    /// <exception cref="InvalidOperationException">The topics break one of the rules above; the message names the entry.</exception>
    public TopicCatalog(IEnumerable<ChatTopic> topics)
    {
        ArgumentNullException.ThrowIfNull(topics);
        All = topics.ToArray();
        if (All.Count == 0)
        {
            throw new InvalidOperationException($"The {SectionName} section (topics.json) lists no topic.");
        }

        _byId = new(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < All.Count; i++)
        {
            var topic = All[i];
            if (string.IsNullOrWhiteSpace(topic.Id) || string.IsNullOrWhiteSpace(topic.Label))
            {
                throw new InvalidOperationException($"{SectionName}:{i} needs an Id and a Label.");
            }

            if (topic.Sources.Any(static s => string.IsNullOrWhiteSpace(s.Id) || string.IsNullOrWhiteSpace(s.Text)))
            {
                throw new InvalidOperationException($"{SectionName}:{i} ('{topic.Id}') has a source without an Id or a Text.");
            }

            var sources = topic.Sources.Select(static s => new SourceDocument(s.Id, s.Text)).ToArray();
            if (!_byId.TryAdd(topic.Id, (topic, sources)))
            {
                throw new InvalidOperationException($"{SectionName}:{i}: the topic id '{topic.Id}' is used twice.");
            }
        }
    }

    /// <summary>Gets the topics in the order shown.</summary>
    public IReadOnlyList<ChatTopic> All { get; }

    /// <summary>Gets the default topic: the first.</summary>
    public ChatTopic Default => All[0];

    /// <summary>Finds a topic by id.</summary>
    /// <param name="id">The id the form sent.</param>
    /// <returns>The topic, or <see langword="null"/> when there is none with that id.</returns>
    public ChatTopic? Find(string? id) => id is not null && _byId.TryGetValue(id, out var found) ? found.Topic : null;

    /// <summary>Gets a topic's reference passages as request sources.</summary>
    /// <param name="topic">A topic of this catalog.</param>
    /// <returns>The sources; empty when the topic has none.</returns>
    /// <exception cref="ArgumentException">The topic is not in this catalog.</exception>
    public IReadOnlyList<SourceDocument> SourcesOf(ChatTopic topic)
    {
        ArgumentNullException.ThrowIfNull(topic);
        return _byId.TryGetValue(topic.Id, out var found) && ReferenceEquals(found.Topic, topic)
            ? found.Sources
            : throw new ArgumentException($"The topic '{topic.Id}' is not in the catalog.", nameof(topic));
    }
}
