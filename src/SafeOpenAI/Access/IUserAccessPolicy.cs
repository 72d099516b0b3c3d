namespace SafeOpenAI;

/// <summary>
/// Decides whether a user may call the model at all: users who trip the abuse rules of the
/// <see cref="AnomalyMonitor"/> are suspended for a cool-down, and every call they make meanwhile
/// is blocked before anything is sent, with the verdict <see cref="UserAccessCodes.Suspended"/>.
/// Operators list and lift suspensions.
/// </summary>
/// <remarks>
/// <para>
/// Users are named by their user key: the hashed safety identifier, or
/// <c>anonymous:&lt;hashed session id&gt;</c> for a caller without a user id (the same key as
/// <see cref="BudgetSubject.User"/>), so a suspension never stores a raw user id.
/// </para>
/// <para>
/// Why: OpenAI's safety best practices warn that repeated high-risk requests can get the whole
/// organisation's API access restricted; stopping one abusive user protects every other user.
/// </para>
/// <para>
/// The default <see cref="InMemoryUserAccessPolicy"/> holds suspensions in one process;
/// <c>SafeOpenAI.Redis</c>'s <c>UseRedisAccessPolicy</c> shares them between instances.
/// Implementations are thread-safe.
/// </para>
/// </remarks>
public interface IUserAccessPolicy
{
    /// <summary>Gets the user's suspension in force now.</summary>
    /// <param name="userKey">The user key.</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    /// <returns>The suspension, or <see langword="null"/> when the user may call (never suspended, lifted or expired).</returns>
    /// <exception cref="ArgumentException"><paramref name="userKey"/> is null or empty.</exception>
    ValueTask<UserSuspension?> GetSuspensionAsync(string userKey, CancellationToken cancellationToken);

    /// <summary>Suspends a user until <see cref="UserSuspension.Until"/>; a later end time replaces an earlier one, an earlier one never shortens a suspension in force.</summary>
    /// <param name="suspension">The suspension.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>The suspension in force after the write (the longer of the two).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="suspension"/> is null.</exception>
    /// <exception cref="ArgumentException">The suspension ends before it starts.</exception>
    ValueTask<UserSuspension> SuspendAsync(UserSuspension suspension, CancellationToken cancellationToken);

    /// <summary>Lifts a user's suspension now (an operator's decision).</summary>
    /// <param name="userKey">The user key.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns><see langword="true"/> when a suspension in force was lifted; <see langword="false"/> when there was none.</returns>
    /// <exception cref="ArgumentException"><paramref name="userKey"/> is null or empty.</exception>
    ValueTask<bool> LiftAsync(string userKey, CancellationToken cancellationToken);

    /// <summary>Lists the suspensions in force now, soonest end first.</summary>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    /// <returns>The suspensions.</returns>
    ValueTask<IReadOnlyList<UserSuspension>> ListSuspensionsAsync(CancellationToken cancellationToken);
}
