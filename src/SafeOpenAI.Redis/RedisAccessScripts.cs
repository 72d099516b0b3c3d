namespace SafeOpenAI.Redis;

/// <summary>The Lua scripts of <see cref="RedisUserAccessPolicy"/>; each write is one atomic round trip.</summary>
/// <remarks>
/// <para>Key layout under the prefix <c>P</c> (which carries a hash tag, so every key lands in one cluster slot):</para>
/// <list type="bullet">
/// <item><c>P:u:USER</c> — one suspension: JSON <c>{"reason":"…","since":MS,"until":MS}</c> (times in milliseconds since the Unix epoch, UTC); expires (<c>PX</c>) when the suspension ends.</item>
/// <item><c>P:suspensions</c> — sorted set of suspended user keys, score = end (ms since the epoch); pruned of ended members by every write and listing. KEYS[1] of every script.</item>
/// </list>
/// <para>
/// Time is the application's <see cref="TimeProvider"/>, passed in ARGV as "now" (ms since the
/// epoch): the scripts never read Redis <c>TIME</c>. The key's TTL is only a garbage collector; a
/// reader compares <c>until</c> with its own clock. A value that cannot be decoded counts as no
/// suspension in force and is overwritten by the next suspension.
/// </para>
/// </remarks>
internal static class RedisAccessScripts
{
    private const string Prelude = """
        local idx = KEYS[1]
        local P = ARGV[1]
        local function until_of(value)
          if not value then return nil end
          local ok, decoded = pcall(cjson.decode, value)
          if not ok or type(decoded) ~= 'table' then return nil end
          return tonumber(decoded['until'])
        end

        """;

    /// <summary>
    /// Suspends, keeping the longer: ARGV = prefix, user key, JSON value, until (ms), now (ms), TTL (ms).
    /// Returns the JSON value in force afterwards.
    /// </summary>
    public const string Suspend = Prelude + """
        local k = P .. ':u:' .. ARGV[2]
        local now = tonumber(ARGV[5])
        local current = redis.call('GET', k)
        local current_until = until_of(current)
        if current_until and current_until > now and current_until >= tonumber(ARGV[4]) then
          return current
        end
        redis.call('SET', k, ARGV[3], 'PX', ARGV[6])
        redis.call('ZADD', idx, ARGV[4], ARGV[2])
        redis.call('ZREMRANGEBYSCORE', idx, '-inf', ARGV[5])
        return ARGV[3]
        """;

    /// <summary>Lifts: ARGV = prefix, user key, now (ms). Returns 1 when a suspension in force was removed, else 0.</summary>
    public const string Lift = Prelude + """
        local k = P .. ':u:' .. ARGV[2]
        local current_until = until_of(redis.call('GET', k))
        redis.call('DEL', k)
        redis.call('ZREM', idx, ARGV[2])
        if current_until and current_until > tonumber(ARGV[3]) then return 1 end
        return 0
        """;

    /// <summary>
    /// Lists: ARGV = prefix, now (ms). Prunes ended members, then returns user key and JSON value
    /// pairs, soonest end first (ties by user key, bytewise); members whose key is gone are removed.
    /// </summary>
    public const string List = Prelude + """
        redis.call('ZREMRANGEBYSCORE', idx, '-inf', ARGV[2])
        local members = redis.call('ZRANGE', idx, 0, -1)
        local out = {}
        for _, m in ipairs(members) do
          local v = redis.call('GET', P .. ':u:' .. m)
          if v then
            out[#out + 1] = m
            out[#out + 1] = v
          else
            redis.call('ZREM', idx, m)
          end
        end
        return out
        """;
}
