namespace SafeOpenAI.Samples.WebApp.Hosting;

/// <summary>Where the sample keeps its audit trail, review queue and feedback reports (<c>WebApp:Store</c>).</summary>
public enum WebAppStore
{
    /// <summary>SQLite files in the data folder (<c>audit.db</c>, <c>review.db</c>): one instance only. The default.</summary>
    Sqlite = 0,

    /// <summary>
    /// One PostgreSQL database named by <c>ConnectionStrings:SafeOpenAI</c> (<c>UsePostgreSqlStore</c>), shared
    /// by every instance: a review held on one instance is decided on another.
    /// </summary>
    PostgreSql = 1,
}
