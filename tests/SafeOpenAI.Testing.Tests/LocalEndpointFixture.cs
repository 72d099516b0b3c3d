namespace SafeOpenAI.Testing.Tests;

/// <summary>Starts a fresh <see cref="LocalOpenAIEndpoint"/> before each test and stops it after, so no script or recording leaks between tests.</summary>
public abstract class LocalEndpointFixture
{
    /// <summary>Gets the endpoint of the running test.</summary>
    protected LocalOpenAIEndpoint Endpoint { get; private set; } = null!;

    [SetUp]
    public async Task StartEndpointAsync() => Endpoint = await LocalOpenAIEndpoint.StartAsync();

    [TearDown]
    public async Task StopEndpointAsync() => await Endpoint.DisposeAsync();
}
