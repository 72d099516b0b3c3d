namespace SafeOpenAI.Samples.WebApp.Hosting;

/// <summary>
/// Response headers that keep pages showing model answers from running or loading anything foreign:
/// a Content-Security-Policy that allows only the app's own stylesheet, script files and forms (no
/// inline script, no eval, requests to the app itself only), no framing, no MIME sniffing, no referrer.
/// </summary>
public static class SecurityHeaders
{
    /// <summary>The Content-Security-Policy sent with every response.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    /// <summary>Adds the middleware that sets the headers.</summary>
    /// <param name="app">The application.</param>
    /// <returns>The application.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="app"/> is null.</exception>
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.Use(static (context, next) =>
        {
            var headers = context.Response.Headers;
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            return next(context);
        });
    }
}
