namespace SafeOpenAI;

/// <summary>The default <see cref="IUserAccessPolicy"/>: suspensions held in this process.</summary>
public sealed class InMemoryUserAccessPolicy : IUserAccessPolicy
{
    /// <summary>Creates the policy.</summary>
    /// <param name="timeProvider">The clock that decides when suspensions end.</param>
    public InMemoryUserAccessPolicy(TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        throw new NotImplementedException();
    }

    /// <inheritdoc />
    public ValueTask<UserSuspension?> GetSuspensionAsync(string userKey, CancellationToken cancellationToken) => throw new NotImplementedException();

    /// <inheritdoc />
    public ValueTask<UserSuspension> SuspendAsync(UserSuspension suspension, CancellationToken cancellationToken) => throw new NotImplementedException();

    /// <inheritdoc />
    public ValueTask<bool> LiftAsync(string userKey, CancellationToken cancellationToken) => throw new NotImplementedException();

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<UserSuspension>> ListSuspensionsAsync(CancellationToken cancellationToken) => throw new NotImplementedException();
}
