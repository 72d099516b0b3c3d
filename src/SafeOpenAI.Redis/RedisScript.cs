using System.Security.Cryptography;
using System.Text;
using StackExchange.Redis;

namespace SafeOpenAI.Redis;

/// <summary>
/// A Lua script called by its SHA1 digest (<c>EVALSHA</c>), the way Redis identifies cached
/// scripts: the digest is computed once, so a call neither sends nor hashes the script text. When
/// Redis has lost its script cache (a restart, <c>SCRIPT FLUSH</c>), the <c>NOSCRIPT</c> error is
/// answered by one <c>EVAL</c> with the text, which caches it again. Thread-safe.
/// </summary>
internal sealed class RedisScript
{
    private readonly string _text;
    private readonly byte[] _sha1;

    public RedisScript(string text)
    {
        _text = text;
#pragma warning disable CA5350 // SHA1 is Redis's identifier of a cached script, not a security measure.
        _sha1 = SHA1.HashData(Encoding.UTF8.GetBytes(text));
#pragma warning restore CA5350
    }

    /// <summary>Runs the script. <paramref name="routingKey"/> is a key in the slot of every key the script touches, so a cluster routes the call to the right shard.</summary>
    public async Task<RedisResult> EvaluateAsync(IDatabase database, RedisKey routingKey, RedisValue[] values)
    {
        RedisKey[] keys = [routingKey];
        try
        {
            return await database.ScriptEvaluateAsync(_sha1, keys, values).ConfigureAwait(false);
        }
        catch (RedisServerException ex) when (ex.Message.StartsWith("NOSCRIPT", StringComparison.Ordinal))
        {
            return await database.ScriptEvaluateAsync(_text, keys, values).ConfigureAwait(false);
        }
    }
}
