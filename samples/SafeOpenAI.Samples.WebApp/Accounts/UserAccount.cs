namespace SafeOpenAI.Samples.WebApp.Accounts;

/// <summary>
/// One user of the sample's small user store, bound from the <c>Users</c> configuration section.
/// The password is kept only as a <c>PasswordHasher&lt;UserAccount&gt;</c> hash (ASP.NET Core
/// Identity's format: PBKDF2 with HMAC-SHA512, 100,000 iterations, a 128-bit salt).
/// </summary>
public sealed class UserAccount
{
    /// <summary>Gets or sets the sign-in name; it is also the user id hashed into the safety identifier.</summary>
    public string UserName { get; set; } = string.Empty;

    /// <summary>Gets or sets the name shown on pages.</summary>
    public string DisplayName { get; set; } = string.Empty;

    /// <summary>Gets the user's roles, for example <c>user</c> or <c>safeopenai-reviewer</c>.</summary>
    public IList<string> Roles { get; } = [];

    /// <summary>Gets or sets the password hash made by <c>PasswordHasher&lt;UserAccount&gt;.HashPassword</c> (base64).</summary>
    public string PasswordHash { get; set; } = string.Empty;
}
