namespace SafeOpenAI;

/// <summary>
/// The per-request map between placeholders and the values they stand for, kept in
/// <see cref="SafetyRequest.Items"/> under <see cref="ItemKey"/>. In memory only, never logged or
/// serialised; thread-safe (the pipeline may touch it from several stages).
/// </summary>
internal sealed class PiiVault
{
    public const string ItemKey = "SafeOpenAI.Pii.Vault";

    /// <summary>The key of the vault used only for consistent numbering when answers are not restored.</summary>
    public const string NumberingOnlyKey = "SafeOpenAI.Pii.Numbering";

    private readonly object _gate = new();
    private readonly Dictionary<(string Type, string Value), string> _byValue = [];
    private readonly Dictionary<string, string> _byPlaceholder = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _counters = new(StringComparer.Ordinal);

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _byPlaceholder.Count;
            }
        }
    }

    /// <summary>Returns a snapshot of the values the vault holds (the user's own values, replaced by placeholders).</summary>
    public string[] Values()
    {
        lock (_gate)
        {
            return [.. _byPlaceholder.Values];
        }
    }

    public static PiiVault For(SafetyRequest request, string key)
    {
        var items = request.Items;
        if (items.TryGetValue(key, out var existing) && existing is PiiVault vault)
        {
            return vault;
        }

        items.TryAdd(key, new PiiVault());
        return (PiiVault)items[key]!;
    }

    public static PiiVault? Find(SafetyRequest request) =>
        request.Items.TryGetValue(ItemKey, out var existing) ? existing as PiiVault : null;

    public string PlaceholderFor(string type, string value)
    {
        lock (_gate)
        {
            if (_byValue.TryGetValue((type, value), out var placeholder))
            {
                return placeholder;
            }

            var number = _counters.TryGetValue(type, out var n) ? n + 1 : 1;
            _counters[type] = number;
            placeholder = "<" + type + "_" + number.ToString(System.Globalization.CultureInfo.InvariantCulture) + ">";
            _byValue[(type, value)] = placeholder;
            _byPlaceholder[placeholder] = value;
            return placeholder;
        }
    }

    /// <summary>Replaces every known placeholder in <paramref name="text"/>; returns the count replaced.</summary>
    public string Restore(string text, out int restored)
    {
        restored = 0;
        if (text.IndexOf('<', StringComparison.Ordinal) < 0)
        {
            return text;
        }

        System.Text.StringBuilder? builder = null;
        var copied = 0;
        var i = text.IndexOf('<', StringComparison.Ordinal);
        lock (_gate)
        {
            while (i >= 0)
            {
                var close = text.IndexOf('>', i + 1);
                if (close < 0)
                {
                    break;
                }

                if (close - i <= 64 && _byPlaceholder.TryGetValue(text.Substring(i, close - i + 1), out var value))
                {
                    builder ??= new System.Text.StringBuilder(text.Length + 64);
                    builder.Append(text, copied, i - copied).Append(value);
                    copied = close + 1;
                    restored++;
                    i = text.IndexOf('<', close + 1);
                }
                else
                {
                    i = text.IndexOf('<', i + 1);
                }
            }
        }

        if (builder is null)
        {
            return text;
        }

        builder.Append(text, copied, text.Length - copied);
        return builder.ToString();
    }
}
