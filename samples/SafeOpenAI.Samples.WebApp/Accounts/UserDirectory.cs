using Microsoft.AspNetCore.Identity;

namespace SafeOpenAI.Samples.WebApp.Accounts;

/// <summary>
/// The sample's user store: the accounts of the <c>Users</c> configuration section, checked with
/// <see cref="PasswordHasher{TUser}"/>. Replace it with your identity provider in production.
/// Thread-safe: it is read-only after construction.
/// </summary>
public sealed class UserDirectory
{
    /// <summary>The configuration section: <c>Users</c>.</summary>
    public const string SectionName = "Users";

    private readonly Dictionary<string, UserAccount> _accounts;
    private readonly PasswordHasher<UserAccount> _hasher = new();

    // Verified when the name is unknown, so that a wrong name costs the same PBKDF2 work as a
    // wrong password and response times do not reveal which names exist.
    private readonly string _decoyHash;

    /// <summary>Creates the directory.</summary>
    /// <param name="accounts">The accounts; names are unique ignoring case.</param>
    /// <exception cref="ArgumentNullException"><paramref name="accounts"/> is null.</exception>
    /// <exception cref="InvalidOperationException">An account has no name, no password hash or no role, or a name is used twice.</exception>
    public UserDirectory(IEnumerable<UserAccount> accounts)
    {
        ArgumentNullException.ThrowIfNull(accounts);
        _accounts = new Dictionary<string, UserAccount>(StringComparer.OrdinalIgnoreCase);
        var index = 0;
        foreach (var account in accounts)
        {
            if (string.IsNullOrWhiteSpace(account.UserName) || string.IsNullOrWhiteSpace(account.PasswordHash) || account.Roles.Count == 0)
            {
                throw new InvalidOperationException($"{SectionName}:{index} needs a UserName, a PasswordHash and at least one role.");
            }

            if (!IsIdentityV3Hash(account.PasswordHash))
            {
                throw new InvalidOperationException($"{SectionName}:{index}:PasswordHash is not a PasswordHasher hash (base64, format version 3); make one with the app's hash-password command.");
            }

            if (!_accounts.TryAdd(account.UserName, account))
            {
                throw new InvalidOperationException($"{SectionName}:{index}: the user name '{account.UserName}' is used twice.");
            }

            index++;
        }

        _decoyHash = _hasher.HashPassword(new UserAccount(), Guid.NewGuid().ToString("N"));
    }

    /// <summary>Gets how many accounts there are.</summary>
    public int Count => _accounts.Count;

    /// <summary>Checks a user name and password.</summary>
    /// <param name="userName">The name as typed.</param>
    /// <param name="password">The password as typed; it is never stored or logged.</param>
    /// <returns>The account, or <see langword="null"/> when the name is unknown or the password is wrong.</returns>
    public UserAccount? Verify(string? userName, string? password)
    {
        if (string.IsNullOrEmpty(password))
        {
            return null;
        }

        if (userName is null || !_accounts.TryGetValue(userName.Trim(), out var account))
        {
            _hasher.VerifyHashedPassword(new UserAccount(), _decoyHash, password);
            return null;
        }

        var result = _hasher.VerifyHashedPassword(account, account.PasswordHash, password);
        return result is PasswordVerificationResult.Success or PasswordVerificationResult.SuccessRehashNeeded ? account : null;
    }

    /// <summary>Hashes a password the way the <c>Users</c> section expects it.</summary>
    /// <param name="password">The password.</param>
    /// <returns>The hash (base64).</returns>
    /// <exception cref="ArgumentException"><paramref name="password"/> is null or empty.</exception>
    public static string HashPassword(string password)
    {
        ArgumentException.ThrowIfNullOrEmpty(password);
        return new PasswordHasher<UserAccount>().HashPassword(new UserAccount(), password);
    }

    // ASP.NET Core Identity's version 3 format starts with the byte 0x01 (PBKDF2, HMAC-SHA512 since .NET 7).
    private static bool IsIdentityV3Hash(string hash)
    {
        var bytes = new byte[hash.Length];
        return Convert.TryFromBase64String(hash, bytes, out var written) && written > 13 && bytes[0] == 0x01;
    }
}
