using Microsoft.Extensions.Options;
using SampleApp = SafeOpenAI.Samples.WebApp.WebApp;
using SafeOpenAI.Samples.WebApp.Hosting;

namespace SafeOpenAI.WebApp.Tests.Hosting;

/// <summary>How the sample starts: loopback only, keys required outside Development, development keys kept per data folder.</summary>
[TestFixture]
public sealed class HostingTests
{
    private string _dataDirectory = null!;

    [SetUp]
    public void CreateDataDirectory() => _dataDirectory = Directory.CreateTempSubdirectory("safeopenai-webapp-hosting-").FullName;

    [TearDown]
    public void DeleteDataDirectory() => Directory.Delete(_dataDirectory, recursive: true);

    [TestCase("http://0.0.0.0:5080")]
    [TestCase("http://127.0.0.1:5080;http://192.168.1.10:5080")]
    [TestCase("http://*:5080")]
    public void Listen_address_off_the_loopback_interface_is_refused(string urls)
    {
        var args = RunningWebApp.Arguments(_dataDirectory).Concat(["--urls", urls]).ToArray();

        var error = Assert.ThrowsAsync<InvalidOperationException>(() => SampleApp.BuildAsync(args));

        Assert.That(error!.Message, Does.Contain("not a loopback address").Or.Contain("not an absolute http"));
    }

    [TestCase(null, "http://127.0.0.1:5080")]
    [TestCase("http://localhost:6000", "http://localhost:6000")]
    [TestCase("http://[::1]:0", "http://[::1]:0")]
    public void Loopback_addresses_are_kept_and_the_default_is_port_5080(string? configured, string expected)
    {
        Assert.That(LoopbackUrls.Resolve(configured), Is.EqualTo(new[] { expected }));
    }

    [Test]
    public async Task Outside_development_the_app_does_not_start_without_its_keys()
    {
        await using var app = await SampleApp.BuildAsync(RunningWebApp.Arguments(_dataDirectory, "Production"));

        var error = Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        Assert.That(error!.Message, Does.Contain("SafeOpenAI:Identity:HashKey").And.Contain("SafeOpenAI:Review:MaterialKey"));
        Assert.That(File.Exists(Path.Combine(_dataDirectory, DevelopmentKeys.FileName)), Is.False, "no key file outside Development");
    }

    [Test]
    public void Development_keys_are_generated_once_per_data_folder_and_readable_by_the_owner_only()
    {
        var first = DevelopmentKeys.LoadOrCreate(_dataDirectory);
        var second = DevelopmentKeys.LoadOrCreate(_dataDirectory);

        Assert.That(second, Is.EqualTo(first));
        Assert.That(first.IdentityHashKey, Does.Match("^[0-9a-f]{64}$"));
        Assert.That(Convert.FromBase64String(first.ReviewMaterialKey), Has.Length.EqualTo(32));
        Assert.That(DevelopmentKeys.LoadOrCreate(Directory.CreateDirectory(Path.Combine(_dataDirectory, "other")).FullName), Is.Not.EqualTo(first));
        if (!OperatingSystem.IsWindows())
        {
            Assert.That(File.GetUnixFileMode(Path.Combine(_dataDirectory, DevelopmentKeys.FileName)), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
        }
    }

    [Test]
    public void Damaged_development_key_file_is_reported_not_replaced()
    {
        var path = Path.Combine(_dataDirectory, DevelopmentKeys.FileName);
        File.WriteAllText(path, "{\"identityHashKey\":\"short\",\"reviewMaterialKey\":\"\"}");

        var error = Assert.Throws<InvalidOperationException>(() => DevelopmentKeys.LoadOrCreate(_dataDirectory));

        Assert.That(error!.Message, Does.Contain(path).And.Contain("damaged"));
        Assert.That(File.ReadAllText(path), Does.Contain("short"));
    }
}
