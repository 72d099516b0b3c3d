namespace SafeOpenAI.Redis;

/// <summary>
/// The Lua scripts of <see cref="RedisBudgetTracker"/>: each reservation, settlement, release and
/// usage read is one script, so one round trip, executed atomically by Redis.
/// </summary>
/// <remarks>
/// <para>Key layout under the prefix <c>P</c> (which carries a hash tag, so every key lands in one cluster slot):</para>
/// <list type="bullet">
/// <item><c>P:w:SCOPE:KEY:WINDOW:START</c> — hash of committed usage of one window (<c>t</c> tokens, <c>r</c> requests, <c>c</c> nano-USD) and the alert flags (<c>a:METRIC:THRESHOLD:LIMIT</c>); expires at the window end plus a grace.</item>
/// <item><c>P:h:SCOPE:KEY</c> — hash of the holds (a field may stay at 0) of outstanding reservations (<c>t</c>, <c>r</c>, <c>c</c>); expires one reservation timeout plus a grace after the last grant.</item>
/// <item><c>P:l:ID</c> — a lease: what reservation ID holds and on which hold keys; <c>P:leases</c> — sorted set of lease ids by deadline (ms since the Unix epoch).</item>
/// <item><c>P:d:ID</c> — "settled or released" marker that makes completions idempotent.</item>
/// <item><c>P:q:USER</c> — the user's request-rate state (GCRA theoretical arrival time, µs since the epoch).</item>
/// </list>
/// <para>
/// Time: the scripts read Redis <c>TIME</c> (ARGV[2] empty). Tests may pass a time in µs since the
/// Unix epoch in ARGV[2] to check window boundaries; the tracker sets it only through an internal property.
/// Numbers are formatted with <c>%d</c> before they are handed to Redis, because Lua's default
/// number format (<c>%.14g</c>) would turn large integers into exponent notation.
/// </para>
/// </remarks>
internal static class RedisBudgetScripts
{
    /// <summary>Seconds a window key outlives its window.</summary>
    internal const int WindowGraceSeconds = 300;

    /// <summary>Milliseconds hold and lease keys outlive the reservation timeout.</summary>
    internal const int LeaseGraceMilliseconds = 60_000;

    /// <summary>How many expired leases one script reaps at most.</summary>
    internal const int ReapBatch = 50;

    private const string Prelude = """
        local P = ARGV[1]
        local F = {'t', 'r', 'c'}
        local function num(n) return string.format('%d', n) end
        local function now_us()
          if ARGV[2] ~= '' then return tonumber(ARGV[2]) end
          local t = redis.call('TIME')
          return tonumber(t[1]) * 1000000 + tonumber(t[2])
        end
        local function days_from_civil(y, m, d)
          if m <= 2 then y = y - 1 end
          local era = math.floor(y / 400)
          local yoe = y - era * 400
          local mp = (m > 2) and (m - 3) or (m + 9)
          local doy = math.floor((153 * mp + 2) / 5) + d - 1
          local doe = yoe * 365 + math.floor(yoe / 4) - math.floor(yoe / 100) + doy
          return era * 146097 + doe - 719468
        end
        local function civil_from_days(z)
          z = z + 719468
          local era = math.floor(z / 146097)
          local doe = z - era * 146097
          local yoe = math.floor((doe - math.floor(doe / 1460) + math.floor(doe / 36524) - math.floor(doe / 146096)) / 365)
          local y = yoe + era * 400
          local doy = doe - (365 * yoe + math.floor(yoe / 4) - math.floor(yoe / 100))
          local mp = math.floor((5 * doy + 2) / 153)
          local m = (mp < 10) and (mp + 3) or (mp - 9)
          if m <= 2 then y = y + 1 end
          return y, m
        end
        local function window_bounds(w, sec)
          if w == 0 then local s = sec - sec % 60; return s, s + 60 end
          if w == 1 then local s = sec - sec % 3600; return s, s + 3600 end
          if w == 2 then local s = sec - sec % 86400; return s, s + 86400 end
          local y, m = civil_from_days(math.floor(sec / 86400))
          local s = days_from_civil(y, m, 1) * 86400
          if m == 12 then y = y + 1; m = 1 else m = m + 1 end
          return s, days_from_civil(y, m, 1) * 86400
        end
        local function window_key(scope, key, w, s) return P .. ':w:' .. scope .. ':' .. key .. ':' .. w .. ':' .. num(s) end
        local function drop_lease(id)
          local lk = P .. ':l:' .. id
          local v = redis.call('HGETALL', lk)
          redis.call('ZREM', P .. ':leases', id)
          if #v == 0 then return end
          local h = {}
          for j = 1, #v, 2 do h[v[j]] = v[j + 1] end
          local amounts = {tonumber(h['t']), tonumber(h['r']), tonumber(h['c'])}
          for j = 1, tonumber(h['n']) do
            local hk = h[tostring(j)]
            for m = 1, 3 do
              if amounts[m] > 0 and redis.call('HINCRBY', hk, F[m], num(-amounts[m])) < 0 then
                redis.call('HSET', hk, F[m], '0')
              end
            end
          end
          redis.call('DEL', lk)
        end
        local function reap(nowms)
          local ids = redis.call('ZRANGEBYSCORE', P .. ':leases', '-inf', num(nowms), 'LIMIT', 0, 50)
          for _, id in ipairs(ids) do drop_lease(id) end
        end
        -- ARGV[i] = number of thresholds, then their labels, then the number of limits, then per limit:
        -- scope, key, window, and the amount of each metric (tokens, requests, nano-USD; -1 = none).
        -- The settle script gets, after that, one amount per limit, metric and threshold (read only when needed).
        local function parse_limits(i, sec)
          local nthr = tonumber(ARGV[i])
          local labels = {}
          for k = 1, nthr do labels[k] = ARGV[i + k] end
          i = i + nthr + 1
          local n = tonumber(ARGV[i])
          i = i + 1
          local limits = {}
          local bounds = {}
          for l = 1, n do
            local w = tonumber(ARGV[i + 2])
            local lim = {scope = ARGV[i], key = ARGV[i + 1], window = w,
              amounts = {tonumber(ARGV[i + 3]), tonumber(ARGV[i + 4]), tonumber(ARGV[i + 5])}}
            i = i + 6
            local b = bounds[w]
            if b == nil then
              local s, e = window_bounds(w, sec)
              b = {s, e}
              bounds[w] = b
            end
            lim.s = b[1]
            lim.e = b[2]
            lim.hk = P .. ':h:' .. lim.scope .. ':' .. lim.key
            lim.wk = window_key(lim.scope, lim.key, w, lim.s)
            limits[l] = lim
          end
          return labels, limits, i
        end
        local function threshold_amount(tb, nthr, l, m, k)
          return tonumber(ARGV[tb + ((l - 1) * 3 + (m - 1)) * nthr + (k - 1)])
        end
        local function flag(lim, m, label)
          return redis.call('HSETNX', lim.wk, 'a:' .. F[m] .. ':' .. label .. ':' .. num(lim.amounts[m]), '1') == 1
        end
        local function expire_window(lim, nowms)
          redis.call('PEXPIRE', lim.wk, num((lim.e + 300) * 1000 - nowms))
        end

        """;

    /// <summary>
    /// Reserve. ARGV: 1 prefix, 2 time override (µs or empty), 3 reservation id, 4 lease ms,
    /// 5 GCRA emission interval µs (0 = no rate limit), 6 GCRA tolerance µs, 7 user key,
    /// 8 requested tokens, 9 requested nano-USD, 10… threshold labels and limits (see <c>parse_limits</c>).
    /// Returns <c>{1, now_ms}</c> granted; <c>{2, now_ms, limit, metric, used, held, requested, exceeds_whole_limit, fired thresholds…}</c>
    /// denied by a budget; <c>{3, now_ms, retry_after_µs}</c> denied by the request rate.
    /// </summary>
    internal const string Reserve = Prelude + """
        local nowus = now_us()
        local nowms = math.floor(nowus / 1000)
        local sec = math.floor(nowus / 1000000)
        reap(nowms)
        local id = ARGV[3]
        -- The same reservation delivered twice (a client that resent it after losing the reply, a
        -- connection re-established with the command in flight) is granted once: its lease or its
        -- completion marker already exists, and adding its holds again would keep them forever,
        -- as the lease that records them is only one.
        if redis.call('EXISTS', P .. ':l:' .. id) == 1 or redis.call('EXISTS', P .. ':d:' .. id) == 1 then
          return {1, nowms}
        end
        local leasems = tonumber(ARGV[4])
        local emission = tonumber(ARGV[5])
        local tolerance = tonumber(ARGV[6])
        local req = {tonumber(ARGV[8]), 1, tonumber(ARGV[9])}
        local labels, limits = parse_limits(10, sec)
        local best = nil
        local holds = {}
        for l, lim in ipairs(limits) do
          local used = redis.call('HMGET', lim.wk, 't', 'r', 'c')
          local held = holds[lim.hk]
          if held == nil then
            held = redis.call('HMGET', lim.hk, 't', 'r', 'c')
            holds[lim.hk] = held
          end
          for m = 1, 3 do
            local amount = lim.amounts[m]
            if amount >= 0 then
              local u = tonumber(used[m] or '0')
              local h = tonumber(held[m] or '0')
              local rank = nil
              local whole = 0
              if req[m] > amount then rank = math.huge; whole = 1
              elseif u + h + req[m] > amount then rank = lim.e end
              if rank ~= nil and (best == nil or rank > best.rank) then
                best = {rank = rank, l = l, m = m, used = u, held = h, whole = whole}
              end
            end
          end
        end
        if best ~= nil then
          local out = {2, nowms, best.l, best.m, best.used, best.held, req[best.m], best.whole}
          if best.whole == 0 then
            local lim = limits[best.l]
            for k = 1, #labels do
              if tonumber(labels[k]) >= 1 and flag(lim, best.m, labels[k]) then
                expire_window(lim, nowms)
                out[#out + 1] = k
              end
            end
          end
          return out
        end
        if emission > 0 then
          local rk = P .. ':q:' .. ARGV[7]
          local tat = tonumber(redis.call('GET', rk) or '0')
          if tat < nowus then tat = nowus end
          if nowus < tat - tolerance then
            return {3, nowms, tat - tolerance - nowus}
          end
          local newtat = tat + emission
          redis.call('SET', rk, num(newtat), 'PX', num(math.floor((newtat - nowus) / 1000) + 1000))
        end
        local hks = {}
        local seen = {}
        for _, lim in ipairs(limits) do
          if not seen[lim.hk] then seen[lim.hk] = true; hks[#hks + 1] = lim.hk end
        end
        if #hks > 0 then
          local lk = P .. ':l:' .. id
          local fields = {'t', num(req[1]), 'r', '1', 'c', num(req[3]), 'n', num(#hks)}
          for j, hk in ipairs(hks) do
            for m = 1, 3 do
              if req[m] > 0 then redis.call('HINCRBY', hk, F[m], num(req[m])) end
            end
            redis.call('PEXPIRE', hk, num(leasems + 60000))
            fields[#fields + 1] = tostring(j)
            fields[#fields + 1] = hk
          end
          redis.call('HSET', lk, unpack(fields))
          redis.call('PEXPIRE', lk, num(leasems + 60000))
          redis.call('ZADD', P .. ':leases', num(nowms + leasems), id)
        end
        return {1, nowms}
        """;

    /// <summary>
    /// Settle or release (expired leases are reaped by the reserve and usage scripts). ARGV: 1 prefix, 2 time override, 3 reservation id, 4 done-marker ms,
    /// 5 mode (<c>s</c> settle, <c>r</c> release), 6 tokens, 7 nano-USD, 8… threshold labels and limits, then the threshold amounts.
    /// Returns <c>{0, now_ms}</c> when the id was already completed; otherwise <c>{1, now_ms}</c>
    /// followed by one sextuple per fired alert: limit, metric, threshold, used, window start s, window end s.
    /// </summary>
    internal const string Complete = Prelude + """
        local nowus = now_us()
        local nowms = math.floor(nowus / 1000)
        local sec = math.floor(nowus / 1000000)
        local id = ARGV[3]
        if not redis.call('SET', P .. ':d:' .. id, '1', 'PX', ARGV[4], 'NX') then
          return {0, nowms}
        end
        drop_lease(id)
        local out = {1, nowms}
        if ARGV[5] ~= 's' then return out end
        local amounts = {tonumber(ARGV[6]), 1, tonumber(ARGV[7])}
        local labels, limits, tb = parse_limits(8, sec)
        local totals = {}
        for _, lim in ipairs(limits) do
          if totals[lim.wk] == nil then
            local tot = {}
            for m = 1, 3 do tot[m] = redis.call('HINCRBY', lim.wk, F[m], num(amounts[m])) end
            -- The first commit of a window sets its expiry (a denial's alert flag may have set it before).
            if tot[2] == 1 then expire_window(lim, nowms) end
            totals[lim.wk] = tot
          end
        end
        for l, lim in ipairs(limits) do
          local tot = totals[lim.wk]
          for m = 1, 3 do
            if lim.amounts[m] >= 0 then
              for k = 1, #labels do
                if tot[m] >= threshold_amount(tb, #labels, l, m, k) and flag(lim, m, labels[k]) then
                  out[#out + 1] = l
                  out[#out + 1] = m
                  out[#out + 1] = k
                  out[#out + 1] = tot[m]
                  out[#out + 1] = lim.s
                  out[#out + 1] = lim.e
                end
              end
            end
          end
        end
        return out
        """;

    /// <summary>
    /// Usage of one scope key and window. ARGV: 1 prefix, 2 time override, 3 scope, 4 key, 5 window.
    /// Returns <c>{now_ms, window start s, window end s, t, r, c, held t, held r, held c}</c>.
    /// </summary>
    internal const string Usage = Prelude + """
        local nowus = now_us()
        local nowms = math.floor(nowus / 1000)
        local sec = math.floor(nowus / 1000000)
        reap(nowms)
        local w = tonumber(ARGV[5])
        local s, e = window_bounds(w, sec)
        local used = redis.call('HMGET', window_key(ARGV[3], ARGV[4], w, s), 't', 'r', 'c')
        local held = redis.call('HMGET', P .. ':h:' .. ARGV[3] .. ':' .. ARGV[4], 't', 'r', 'c')
        local out = {nowms, s, e}
        for m = 1, 3 do out[#out + 1] = tonumber(used[m] or '0') end
        for m = 1, 3 do out[#out + 1] = tonumber(held[m] or '0') end
        return out
        """;
}
