using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Json;

namespace SafeOpenAI.Cli.Check;

/// <summary>
/// The configuration a host would see, built the way an ASP.NET Core host builds it: the JSON file,
/// then <c>&lt;name&gt;.&lt;environment&gt;.json</c> beside it when present, then environment variables
/// (<c>SafeOpenAI__Moderation__CheckInput</c> is <c>SafeOpenAI:Moderation:CheckInput</c>); later sources win.
/// Knows which values are written in the files, so that a secret kept there in clear text is reported.
/// </summary>
internal sealed class CheckConfiguration
{
    /// <summary>The section every key lives under.</summary>
    public const string Section = "SafeOpenAI";

    private const string EnvironmentPrefix = Section + "__";
    private readonly IReadOnlyList<JsonConfigurationProvider> _files;

    private CheckConfiguration(IConfigurationRoot root, string path, string environmentName, IReadOnlyList<string> files)
    {
        Root = root;
        FilePath = path;
        Directory = Path.GetDirectoryName(path)!;
        EnvironmentName = environmentName;
        Files = files;
        _files = [.. root.Providers.OfType<JsonConfigurationProvider>()];
    }

    /// <summary>Gets the merged configuration.</summary>
    public IConfigurationRoot Root { get; }

    /// <summary>Gets the full path of the main configuration file.</summary>
    public string FilePath { get; }

    /// <summary>Gets the folder of the main configuration file; relative paths in the configuration are resolved against it.</summary>
    public string Directory { get; }

    /// <summary>Gets the environment name used to pick the environment file (Production unless given).</summary>
    public string EnvironmentName { get; }

    /// <summary>Gets the full paths of the files read, main file first.</summary>
    public IReadOnlyList<string> Files { get; }

    /// <summary>Gets the <c>SafeOpenAI</c> section.</summary>
    public IConfigurationSection SafeOpenAI => Root.GetSection(Section);

    /// <summary>Reads the configuration.</summary>
    /// <param name="path">The main JSON file, for example <c>appsettings.json</c>.</param>
    /// <param name="environmentName">The environment (<c>Production</c>, <c>Staging</c>...), or null for <c>DOTNET_ENVIRONMENT</c>, <c>ASPNETCORE_ENVIRONMENT</c>, else <c>Production</c>.</param>
    /// <param name="environment">The process environment variables; only <c>SafeOpenAI__*</c> and the environment-name variables are read.</param>
    /// <returns>The configuration.</returns>
    /// <exception cref="CheckConfigurationException">A file is missing or is not valid JSON; the message names it.</exception>
    public static CheckConfiguration Load(string path, string? environmentName, IReadOnlyDictionary<string, string> environment)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(environment);
        var full = Path.GetFullPath(path);
        if (!File.Exists(full))
        {
            throw new CheckConfigurationException($"No such configuration file: {full}");
        }

        environmentName ??= Value(environment, "DOTNET_ENVIRONMENT") ?? Value(environment, "ASPNETCORE_ENVIRONMENT") ?? "Production";
        var files = new List<string> { full };
        var environmentFile = Path.Combine(Path.GetDirectoryName(full)!, $"{Path.GetFileNameWithoutExtension(full)}.{environmentName}{Path.GetExtension(full)}");
        if (File.Exists(environmentFile))
        {
            files.Add(environmentFile);
        }

        var builder = new ConfigurationBuilder();
        foreach (var file in files)
        {
            Parse(file);
            builder.AddJsonFile(file, optional: false, reloadOnChange: false);
        }

        // As AddEnvironmentVariables(): a double underscore separates sections.
        builder.AddInMemoryCollection(environment
            .Where(e => e.Key.StartsWith(EnvironmentPrefix, StringComparison.OrdinalIgnoreCase))
            .Select(e => new KeyValuePair<string, string?>(e.Key.Replace("__", ConfigurationPath.KeyDelimiter, StringComparison.Ordinal), e.Value)));
        try
        {
            return new CheckConfiguration(builder.Build(), full, environmentName, files);
        }
        catch (InvalidDataException ex)
        {
            // Duplicate keys and other content the JSON provider refuses.
            throw new CheckConfigurationException($"The configuration file cannot be read: {ex.Message}", ex);
        }
    }

    /// <summary>Gets a value under the <c>SafeOpenAI</c> section (null when unset or empty).</summary>
    /// <param name="key">The key without the section, for example <c>Moderation:CheckInput</c>.</param>
    public string? this[string key] => SafeOpenAI[key] is { Length: > 0 } value ? value : null;

    /// <summary>Gets whether a non-empty value for the key is written in one of the configuration files (rather than only in the environment).</summary>
    /// <param name="key">The key without the section.</param>
    public bool IsInFile(string key) =>
        _files.Any(p => p.TryGet(Section + ConfigurationPath.KeyDelimiter + key, out var value) && !string.IsNullOrEmpty(value));

    /// <summary>The full key, for example <c>SafeOpenAI:Moderation:CheckInput</c>.</summary>
    public static string Key(string key) => Section + ConfigurationPath.KeyDelimiter + key;

    private static void Parse(string file)
    {
        // The JSON provider's own message does not say where the error is; the parser's does.
        try
        {
            using var stream = File.OpenRead(file);
            using var document = JsonDocument.Parse(stream, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new CheckConfigurationException($"The configuration file {file} must hold a JSON object.");
            }
        }
        catch (JsonException ex)
        {
            throw new CheckConfigurationException($"The configuration file {file} is not valid JSON: {ex.Message}", ex);
        }
        catch (IOException ex)
        {
            throw new CheckConfigurationException($"The configuration file {file} cannot be read: {ex.Message}", ex);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new CheckConfigurationException($"The configuration file {file} cannot be read: {ex.Message}", ex);
        }
    }

    private static string? Value(IReadOnlyDictionary<string, string> environment, string name) =>
        environment.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value) ? value : null;
}
