namespace SafeOpenAI.Samples.WebApp.Hosting;

/// <summary>The sample's own settings, bound from the <c>WebApp</c> configuration section when the app is built.</summary>
public sealed class WebAppOptions
{
    /// <summary>The configuration section: <c>WebApp</c>.</summary>
    public const string SectionName = "WebApp";

    /// <summary>
    /// Gets or sets the folder of the SQLite files (audit trail, review queue, feedback) and, in
    /// Development, of the generated keys: absolute, or relative to the content root. Default <c>App_Data</c>.
    /// </summary>
    public string DataDirectory { get; set; } = "App_Data";

    /// <summary>
    /// Gets or sets the folder of the keys every instance must share: ASP.NET Core's data-protection
    /// key ring (sign-in cookie, antiforgery tokens) and, in Development, the generated
    /// <see cref="DevelopmentKeys"/>. Absolute, or relative to the content root; <see langword="null"/>
    /// (the default) for <see cref="DataDirectory"/>. Two instances behind one address set the same folder,
    /// so that a user signed in through one keeps the session on the other.
    /// </summary>
    public string? KeysDirectory { get; set; }

    /// <summary>
    /// Gets or sets where the audit trail, review queue and feedback reports are kept. Default
    /// <see cref="WebAppStore.Sqlite"/>; <see cref="WebAppStore.PostgreSql"/> needs the connection string
    /// <c>ConnectionStrings:SafeOpenAI</c>.
    /// </summary>
    public WebAppStore Store { get; set; } = WebAppStore.Sqlite;

    /// <summary>
    /// Gets or sets the StackExchange.Redis configuration string of a Redis shared by every instance
    /// (for example <c>127.0.0.1:6379</c>), where budgets and request rates are then counted
    /// (<c>UseRedisBudgets</c>); <see langword="null"/> (the default) counts them in this process only.
    /// Never logged: it may hold a password.
    /// </summary>
    public string? Redis { get; set; }

    /// <summary>
    /// Gets or sets whether the app talks to the embedded local OpenAI-compatible endpoint instead of
    /// OpenAI: <see langword="true"/> always, <see langword="false"/> never, <see langword="null"/>
    /// (the default) when neither <c>OPENAI_API_KEY</c> nor <c>SafeOpenAI:ApiKey</c> is set.
    /// </summary>
    public bool? Offline { get; set; }

    /// <summary>Gets or sets the system prompt sent first in every conversation.</summary>
    public string SystemPrompt { get; set; } =
        "You are the Contoso help assistant. Answer briefly and plainly. You are not a doctor, lawyer or financial adviser: say so when a question needs one.";

    /// <summary>Gets or sets the longest question a visitor may send, in characters. Default 4,000; 1 to 100,000.</summary>
    public int MaxQuestionCharacters { get; set; } = 4_000;

    /// <summary>Gets or sets how many earlier answered exchanges are sent with a question as context. Default 3; 0 to 20.</summary>
    public int HistoryExchanges { get; set; } = 3;

    /// <summary>
    /// Gets or sets how long the chat page's decision request waits for a held answer's decision
    /// before it returns empty and the page asks again, in seconds. Default 20; 1 to 120 (below the
    /// idle timeouts of common proxies).
    /// </summary>
    public int DecisionWaitSeconds { get; set; } = 20;

    /// <summary>Gets or sets how many conversations are kept in memory; the least recently used goes first. Default 1,000; 1 to 1,000,000.</summary>
    public int MaxConversations { get; set; } = 1_000;

    /// <summary>Gets or sets how many entries a conversation keeps; the oldest goes first. Default 50; 1 to 1,000.</summary>
    public int MaxEntriesPerConversation { get; set; } = 50;

    /// <summary>Checks every setting and names the first one out of range.</summary>
    /// <exception cref="InvalidOperationException">A setting is out of its documented range.</exception>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(DataDirectory))
        {
            throw new InvalidOperationException("WebApp:DataDirectory must name a folder.");
        }

        if (KeysDirectory is not null && string.IsNullOrWhiteSpace(KeysDirectory))
        {
            throw new InvalidOperationException("WebApp:KeysDirectory must name a folder, or be left out to use WebApp:DataDirectory.");
        }

        if (!Enum.IsDefined(Store))
        {
            throw new InvalidOperationException($"WebApp:Store must be {nameof(WebAppStore.Sqlite)} or {nameof(WebAppStore.PostgreSql)} (was {Store}).");
        }

        if (Redis is not null && string.IsNullOrWhiteSpace(Redis))
        {
            throw new InvalidOperationException("WebApp:Redis must be a StackExchange.Redis configuration string such as 127.0.0.1:6379, or be left out.");
        }

        if (string.IsNullOrWhiteSpace(SystemPrompt))
        {
            throw new InvalidOperationException("WebApp:SystemPrompt must not be empty.");
        }

        Check(MaxQuestionCharacters, 1, 100_000, nameof(MaxQuestionCharacters));
        Check(HistoryExchanges, 0, 20, nameof(HistoryExchanges));
        Check(DecisionWaitSeconds, 1, 120, nameof(DecisionWaitSeconds));
        Check(MaxConversations, 1, 1_000_000, nameof(MaxConversations));
        Check(MaxEntriesPerConversation, 1, 1_000, nameof(MaxEntriesPerConversation));
    }

    private static void Check(int value, int min, int max, string name)
    {
        if (value < min || value > max)
        {
            throw new InvalidOperationException($"WebApp:{name} must be between {min} and {max} (was {value}).");
        }
    }
}
