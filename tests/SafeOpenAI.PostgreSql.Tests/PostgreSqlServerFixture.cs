using SafeOpenAI.Testing;

namespace SafeOpenAI.PostgreSql.Tests;

/// <summary>One private PostgreSQL server for the test assembly (started by the tests themselves, never skipped); each test takes a fresh database from it.</summary>
[SetUpFixture]
public sealed class PostgreSqlServerFixture
{
    /// <summary>Gets the running server.</summary>
    public static LocalPostgreSqlServer Server { get; private set; } = null!;

    /// <summary>Creates a fresh, empty database.</summary>
    /// <returns>Its connection string.</returns>
    public static Task<string> CreateDatabaseAsync() => Server.CreateDatabaseAsync();

    [OneTimeSetUp]
    public async Task StartAsync() => Server = await LocalPostgreSqlServer.StartAsync();

    [OneTimeTearDown]
    public async Task StopAsync() => await Server.DisposeAsync();
}
