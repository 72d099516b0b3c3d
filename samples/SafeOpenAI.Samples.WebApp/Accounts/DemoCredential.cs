namespace SafeOpenAI.Samples.WebApp.Accounts;

/// <summary>
/// A demo user's password as the sign-in page shows it in Development, bound from
/// <c>WebApp:DemoCredentials</c> in <c>appsettings.Development.json</c> (a file other environments
/// do not read). Never put real passwords here.
/// </summary>
public sealed class DemoCredential
{
    /// <summary>Gets or sets the user name.</summary>
    public string UserName { get; set; } = string.Empty;

    /// <summary>Gets or sets the demo password.</summary>
    public string Password { get; set; } = string.Empty;

    /// <summary>Gets or sets what the user may do, for the page.</summary>
    public string Description { get; set; } = string.Empty;
}
