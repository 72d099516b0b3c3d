using System.Security.Cryptography;

namespace SafeOpenAI.Samples.WebApp.Visitors;

/// <summary>
/// Gives every browser a random session id in an HttpOnly, SameSite=Strict cookie (Secure over
/// HTTPS), so that anonymous visitors are known to the pipeline by a session (budgets, audit) and
/// signed-in users' calls carry their session too. The id is 128 random bits as 32 lowercase
/// hexadecimal characters; a cookie that does not look like one is replaced.
/// </summary>
public static class VisitorSession
{
    /// <summary>The cookie's name: <c>safeopenai.session</c>.</summary>
    public const string CookieName = "safeopenai.session";

    private static readonly object s_itemKey = new();

    /// <summary>Adds the middleware that issues the session cookie.</summary>
    /// <param name="app">The application.</param>
    /// <returns>The application.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="app"/> is null.</exception>
    public static IApplicationBuilder UseVisitorSession(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.Use(static (context, next) =>
        {
            var id = context.Request.Cookies[CookieName];
            if (IsSessionId(id))
            {
                context.Items[s_itemKey] = id;
            }
            else
            {
                Restart(context);
            }

            return next(context);
        });
    }

    /// <summary>Gets the session id of the current request.</summary>
    /// <param name="context">The request.</param>
    /// <returns>The id.</returns>
    /// <exception cref="InvalidOperationException">The session middleware did not run for this request.</exception>
    public static string Get(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Items.TryGetValue(s_itemKey, out var id) && id is string text
            ? text
            : throw new InvalidOperationException("No visitor session: add app.UseVisitorSession() before the endpoints.");
    }

    /// <summary>
    /// Gives the browser a new session id, from this request on. Called when a user signs in or out,
    /// so that a session id seen before sign-in (session fixation) never follows the user.
    /// </summary>
    /// <param name="context">The request.</param>
    /// <returns>The new id.</returns>
    public static string Restart(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        context.Response.Cookies.Append(CookieName, id, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Secure = context.Request.IsHttps,
            IsEssential = true,
            Path = "/",
        });
        context.Items[s_itemKey] = id;
        return id;
    }

    private static bool IsSessionId(string? value) =>
        value is { Length: 32 } && value.All(static c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f');
}
