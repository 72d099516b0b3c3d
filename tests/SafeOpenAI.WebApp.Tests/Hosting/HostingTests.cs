using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SampleApp = SafeOpenAI.Samples.WebApp.WebApp;
using SafeOpenAI.Samples.WebApp.Hosting;

namespace SafeOpenAI.WebApp.Tests.Hosting;

/// <summary>How the sample starts: loopback only, keys required outside Development, development keys kept per keys folder, the store and Redis settings checked.</summary>
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

    [Test]
    public void PostgreSql_store_without_its_connection_string_is_refused_naming_the_key()
    {
        var args = RunningWebApp.Arguments(_dataDirectory, "Development", "--WebApp:Store=PostgreSql");

        var error = Assert.ThrowsAsync<InvalidOperationException>(() => SampleApp.BuildAsync(args));

        Assert.That(error!.Message, Does.Contain("ConnectionStrings:SafeOpenAI").And.Contain("WebApp:Store"));
    }

    [Test]
    public void Malformed_PostgreSql_connection_string_is_refused_without_showing_its_password()
    {
        var args = RunningWebApp.Arguments(_dataDirectory, "Development", "--WebApp:Store=PostgreSql", "--ConnectionStrings:SafeOpenAI=Password=hunter2-secret;Database=app");

        var error = Assert.ThrowsAsync<ArgumentException>(() => SampleApp.BuildAsync(args));

        Assert.That(error!.Message, Does.Not.Contain("hunter2-secret"));
    }

    [TestCase("--WebApp:Redis= ", "WebApp:Redis")]
    [TestCase("--WebApp:KeysDirectory= ", "WebApp:KeysDirectory")]
    [TestCase("--WebApp:DecisionWaitSeconds=0", "WebApp:DecisionWaitSeconds")]
    public void Blank_or_out_of_range_sharing_settings_are_refused_naming_the_key(string setting, string key)
    {
        var args = RunningWebApp.Arguments(_dataDirectory, "Development", setting);

        var error = Assert.ThrowsAsync<InvalidOperationException>(() => SampleApp.BuildAsync(args));

        Assert.That(error!.Message, Does.Contain(key));
    }

    [Test]
    public async Task Instances_with_one_keys_folder_share_the_development_keys_and_keep_their_own_data_folders()
    {
        var keys = Directory.CreateDirectory(Path.Combine(_dataDirectory, "keys")).FullName;
        var first = Directory.CreateDirectory(Path.Combine(_dataDirectory, "first")).FullName;
        var second = Directory.CreateDirectory(Path.Combine(_dataDirectory, "second")).FullName;

        await using (var a = await SampleApp.BuildAsync(RunningWebApp.Arguments(first, "Development", $"--WebApp:KeysDirectory={keys}")))
        await using (var b = await SampleApp.BuildAsync(RunningWebApp.Arguments(second, "Development", $"--WebApp:KeysDirectory={keys}")))
        {
            var hashKeyOfA = a.Services.GetRequiredService<IOptions<SafeOpenAIOptions>>().Value.Identity.HashKey;
            var hashKeyOfB = b.Services.GetRequiredService<IOptions<SafeOpenAIOptions>>().Value.Identity.HashKey;
            Assert.That(hashKeyOfB, Is.EqualTo(hashKeyOfA));
            Assert.That(hashKeyOfA, Is.EqualTo(DevelopmentKeys.LoadOrCreate(keys).IdentityHashKey));
        }

        Assert.Multiple(() =>
        {
            Assert.That(File.Exists(Path.Combine(first, DevelopmentKeys.FileName)), Is.False, "keys live in the keys folder");
            Assert.That(File.Exists(Path.Combine(second, DevelopmentKeys.FileName)), Is.False, "keys live in the keys folder");
        });
    }

    [Test]
    public async Task Processes_starting_at_once_on_one_keys_folder_all_get_the_same_development_keys()
    {
        var loads = Enumerable.Range(0, 8).Select(_ => Task.Run(() => DevelopmentKeys.LoadOrCreate(_dataDirectory)));

        var keys = await Task.WhenAll(loads);

        Assert.That(keys.Distinct().Count(), Is.EqualTo(1));
        Assert.That(Directory.GetFiles(_dataDirectory), Is.EqualTo(new[] { Path.Combine(_dataDirectory, DevelopmentKeys.FileName) }), "no draft file left behind");
    }
}
