using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace SafeOpenAI.Samples.WebApp.Hosting;

/// <summary>
/// The keys a Development run generates once per data folder and keeps in
/// <c>development-keys.json</c> there (readable by the owner only): the identity hash key
/// (<c>SafeOpenAI:Identity:HashKey</c>) and the review material key (<c>SafeOpenAI:Review:MaterialKey</c>).
/// Kept across runs, so that safety identifiers stay stable and stored reviews stay readable.
/// Production sets both from a secret store instead; a key kept next to the data it protects
/// protects nothing against someone who can read the folder.
/// </summary>
/// <param name="IdentityHashKey">64 hexadecimal characters (32 random bytes).</param>
/// <param name="ReviewMaterialKey">32 random bytes, base64.</param>
public sealed record DevelopmentKeys(
    [property: JsonPropertyName("identityHashKey")] string IdentityHashKey,
    [property: JsonPropertyName("reviewMaterialKey")] string ReviewMaterialKey)
{
    /// <summary>The file name inside the data folder: <c>development-keys.json</c>.</summary>
    public const string FileName = "development-keys.json";

    /// <summary>Reads the keys of a keys folder, generating and saving them on first use. Safe when several processes share the folder.</summary>
    /// <param name="dataDirectory">The keys folder (<see cref="WebAppOptions.KeysDirectory"/>, by default the data folder); it must exist.</param>
    /// <returns>The keys.</returns>
    /// <exception cref="InvalidOperationException">The key file exists but does not hold two valid keys.</exception>
    /// <exception cref="IOException">The file cannot be read or written.</exception>
    public static DevelopmentKeys LoadOrCreate(string dataDirectory)
    {
        var path = Path.Combine(dataDirectory, FileName);
        if (File.Exists(path))
        {
            return Read(path);
        }

        var keys = new DevelopmentKeys(
            Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)),
            Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
        // Written aside, then moved into place without overwriting: two instances starting at once
        // on one keys folder never read a half-written file, and the second one takes the first one's keys.
        var draft = Path.Combine(dataDirectory, $"{FileName}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            using (var file = new FileStream(draft, options))
            {
                JsonSerializer.Serialize(file, keys);
            }

            File.Move(draft, path, overwrite: false);
            return keys;
        }
        catch (IOException) when (File.Exists(path))
        {
            return Read(path);
        }
        finally
        {
            File.Delete(draft);
        }
    }

    private static DevelopmentKeys Read(string path)
    {
        var stored = JsonSerializer.Deserialize<DevelopmentKeys>(File.ReadAllText(path));
        if (stored is null || !IsHexKey(stored.IdentityHashKey) || !IsMaterialKey(stored.ReviewMaterialKey))
        {
            throw new InvalidOperationException($"The development key file {path} is damaged: delete it to generate new keys (stored reviews then become unreadable).");
        }

        return stored;
    }

    private static bool IsHexKey(string? key) => key is { Length: 64 } && key.All(Uri.IsHexDigit);

    private static bool IsMaterialKey(string? key)
    {
        Span<byte> bytes = stackalloc byte[33];
        return key is not null && Convert.TryFromBase64String(key, bytes, out var written) && written == 32;
    }
}
