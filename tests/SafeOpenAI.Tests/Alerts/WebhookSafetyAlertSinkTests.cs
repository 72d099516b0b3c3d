using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace SafeOpenAI.Tests.Alerts;

/// <summary>The webhook sink against a real HTTP listener on 127.0.0.1, through the container registration.</summary>
public sealed class WebhookSafetyAlertSinkTests
{
    private const string Secret = "0123456789abcdef0123456789abcdef-webhook-secret";

    private static readonly SafetyAlert Alert = new(AnomalyRules.RepeatedModerationFlags, AlertScope.User, "user-key", 3, 3, "count", TimeSpan.FromHours(1), new DateTimeOffset(2026, 3, 2, 10, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 3, 2, 11, 0, 0, TimeSpan.Zero));

    [Test]
    public async Task A_transient_503_is_retried_and_the_signed_body_verifies()
    {
        await using var receiver = Receiver.Start(HttpStatusCode.ServiceUnavailable, HttpStatusCode.OK);
        await using var services = Build(receiver.Url, new FakeLogCollector());
        var sink = services.GetServices<ISafetyAlertSink>().OfType<WebhookSafetyAlertSink>().Single();

        await sink.PublishAsync(Alert, CancellationToken.None);

        var requests = receiver.Requests;
        Assert.That(requests, Has.Count.EqualTo(2), "one 503, then one 200");
        foreach (var request in requests)
        {
            Assert.That(request.Method, Is.EqualTo("POST"));
            Assert.That(request.ContentType, Is.EqualTo("application/json; charset=utf-8"));
            Assert.That(WebhookAlertSignature.Verify(Secret, request.Timestamp, request.Signature, request.Body, DateTimeOffset.UtcNow), Is.True);
            Assert.That(WebhookAlertSignature.Verify("another secret of at least thirty-two chars", request.Timestamp, request.Signature, request.Body, DateTimeOffset.UtcNow), Is.False);
        }

        using var json = JsonDocument.Parse(requests[1].Body);
        var root = json.RootElement;
        Assert.That(root.GetProperty("type").GetString(), Is.EqualTo("safety_alert"));
        Assert.That(root.GetProperty("rule").GetString(), Is.EqualTo(AnomalyRules.RepeatedModerationFlags));
        Assert.That(root.GetProperty("scope").GetString(), Is.EqualTo("user"));
        Assert.That(root.GetProperty("subject").GetString(), Is.EqualTo("user-key"));
        Assert.That(root.GetProperty("observed").GetDouble(), Is.EqualTo(3));
        Assert.That(root.GetProperty("window_seconds").GetDouble(), Is.EqualTo(3600));
        Assert.That(root.GetProperty("suspended_until").GetDateTimeOffset(), Is.EqualTo(Alert.SuspendedUntil));
    }

    [Test]
    public async Task A_permanent_failure_is_not_retried_and_is_logged_with_the_alert()
    {
        await using var receiver = Receiver.Start(HttpStatusCode.BadRequest);
        var logs = new FakeLogCollector();
        var services = Build(receiver.Url, logs);
        var dispatcher = services.GetRequiredService<SafetyAlertDispatcher>();

        dispatcher.Enqueue(Alert);
        await services.DisposeAsync();   // the dispatcher drains on disposal

        Assert.That(receiver.Requests, Has.Count.EqualTo(1));
        var failure = logs.GetSnapshot().Single(r => r.Id.Id == 3202);
        Assert.That(failure.Level, Is.EqualTo(LogLevel.Error));
        Assert.That(failure.Exception, Is.TypeOf<HttpRequestException>().With.Property(nameof(HttpRequestException.StatusCode)).EqualTo(HttpStatusCode.BadRequest));
        Assert.That(failure.Message, Does.Contain(nameof(WebhookSafetyAlertSink)).And.Contain(AnomalyRules.RepeatedModerationFlags).And.Contain("user-key"));
    }

    [Test]
    public void A_stale_or_tampered_body_does_not_verify()
    {
        var body = "{\"rule\":\"x\"}"u8.ToArray();
        var now = new DateTimeOffset(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);
        var timestamp = now.ToUnixTimeSeconds();
        var signature = WebhookAlertSignature.Compute(Secret, timestamp, body);
        var stamp = timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture);

        Assert.That(signature, Does.Match("^sha256=[0-9a-f]{64}$"));
        Assert.That(WebhookAlertSignature.Verify(Secret, stamp, signature, body, now.AddMinutes(4)), Is.True);
        Assert.That(WebhookAlertSignature.Verify(Secret, stamp, signature, body, now.AddMinutes(6)), Is.False, "replayed after the 5-minute tolerance");
        Assert.That(WebhookAlertSignature.Verify(Secret, (timestamp + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), signature, body, now), Is.False, "timestamp changed");
        Assert.That(WebhookAlertSignature.Verify(Secret, stamp, signature, "{\"rule\":\"y\"}"u8, now), Is.False, "body changed");
        Assert.That(WebhookAlertSignature.Verify(Secret, stamp, null, body, now), Is.False);
        Assert.That(WebhookAlertSignature.Verify(Secret, stamp, "sha256=zz", body, now), Is.False);
    }

    [Test]
    public void Missing_url_and_short_secret_stop_start_up_with_messages_naming_the_options()
    {
        var services = new ServiceCollection();
        services.AddSafeOpenAI(o =>
        {
            o.ApiKey = "test";
            o.Identity.HashKey = "webhook-test-hash-key-0123456789abcdef";
        }).AddWebhookAlerts(o => o.Secret = "short");
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => _ = provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<WebhookAlertOptions>>().Value);

        Assert.That(error!.Message, Does.Contain("WebhookAlertOptions.Url").And.Contain("WebhookAlertOptions.Secret"));
    }

    private static ServiceProvider Build(Uri url, FakeLogCollector logs)
    {
        var services = new ServiceCollection();
        services.AddLogging(b => b.AddProvider(new FakeLoggerProvider(logs)));
        services.AddSafeOpenAI(o =>
        {
            o.ApiKey = "test";
            o.Identity.HashKey = "webhook-test-hash-key-0123456789abcdef";
        }).AddWebhookAlerts(o =>
        {
            o.Url = url;
            o.Secret = Secret;
            o.RetryDelay = TimeSpan.FromMilliseconds(5);
        });
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    private sealed record ReceivedRequest(string Method, string? ContentType, string? Timestamp, string? Signature, byte[] Body);

    /// <summary>An HTTP listener on a free 127.0.0.1 port that answers each request with the next scripted status (the last one repeats).</summary>
    private sealed class Receiver : IAsyncDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly HttpStatusCode[] _statuses;
        private readonly ConcurrentQueue<ReceivedRequest> _requests = new();
        private readonly Task _loop;

        private Receiver(HttpStatusCode[] statuses)
        {
            _statuses = statuses;
            var port = FreePort();
            Url = new Uri($"http://127.0.0.1:{port}/alerts/");
            _listener.Prefixes.Add(Url.ToString());
            _listener.Start();
            _loop = Task.Run(ServeAsync);
        }

        public Uri Url { get; }

        public IReadOnlyList<ReceivedRequest> Requests => _requests.ToArray();

        public static Receiver Start(params HttpStatusCode[] statuses) => new(statuses);

        public async ValueTask DisposeAsync()
        {
            _listener.Stop();
            try
            {
                await _loop;
            }
            catch (HttpListenerException)
            {
                // Stopping the listener ends the pending GetContextAsync.
            }
            catch (ObjectDisposedException)
            {
            }

            _listener.Close();
        }

        private static int FreePort()
        {
            using var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            return ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        private async Task ServeAsync()
        {
            while (_listener.IsListening)
            {
                var context = await _listener.GetContextAsync();
                using var body = new MemoryStream();
                await context.Request.InputStream.CopyToAsync(body);
                var request = context.Request;
                _requests.Enqueue(new ReceivedRequest(request.HttpMethod, request.ContentType, request.Headers[WebhookAlertSignature.TimestampHeader], request.Headers[WebhookAlertSignature.SignatureHeader], body.ToArray()));
                context.Response.StatusCode = (int)_statuses[Math.Min(_requests.Count, _statuses.Length) - 1];
                context.Response.Close();
            }
        }
    }
}
