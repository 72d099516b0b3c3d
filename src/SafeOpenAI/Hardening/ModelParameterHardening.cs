using System.Globalization;

namespace SafeOpenAI;

/// <summary>
/// Applies <see cref="ModelHardeningOptions"/> to the caller's parameters: defaults for what is
/// unset, caps for what is too high, and removal of what the model family rejects. Every change is
/// reported as a Rewrite verdict (<c>hardening.capped:&lt;parameter&gt;</c>,
/// <c>hardening.removed:&lt;parameter&gt;</c>); defaults are silent. Stateless and thread-safe.
/// </summary>
internal sealed class ModelParameterHardening(ModelHardeningOptions options)
{
    internal const string StageName = "ModelHardening";

    public GenerationParameters Apply(string model, GenerationParameters requested, ICollection<SafetyVerdict> verdicts)
    {
        var maxOutput = requested.MaxOutputTokens ?? options.DefaultMaxOutputTokens;
        if (maxOutput > options.MaxOutputTokens)
        {
            verdicts.Add(Capped("max_output_tokens", maxOutput, options.MaxOutputTokens));
            maxOutput = options.MaxOutputTokens;
        }

        if (IsReasoningModel(model))
        {
            // Reasoning models answer 400 to these parameters (OpenAI reasoning guide): drop, don't fail.
            Remove("temperature", requested.Temperature, verdicts);
            Remove("top_p", requested.TopP, verdicts);
            Remove("frequency_penalty", requested.FrequencyPenalty, verdicts);
            Remove("presence_penalty", requested.PresencePenalty, verdicts);
            return new GenerationParameters(maxOutput);
        }

        return new GenerationParameters(
            maxOutput,
            Cap("temperature", requested.Temperature ?? options.DefaultTemperature, options.MaxTemperature, verdicts),
            Cap("top_p", requested.TopP, options.MaxTopP, verdicts),
            CapAbsolute("frequency_penalty", requested.FrequencyPenalty, options.MaxAbsFrequencyPenalty, verdicts),
            CapAbsolute("presence_penalty", requested.PresencePenalty, options.MaxAbsPresencePenalty, verdicts));
    }

    public bool IsReasoningModel(string model)
    {
        foreach (var prefix in options.NonReasoningModelPrefixes)
        {
            if (model.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
        }

        foreach (var prefix in options.ReasoningModelPrefixes)
        {
            if (model.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private static float? Cap(string name, float? value, float max, ICollection<SafetyVerdict> verdicts)
    {
        if (value > max)
        {
            verdicts.Add(Capped(name, value.Value, max));
            return max;
        }

        return value;
    }

    private static float? CapAbsolute(string name, float? value, float maxAbs, ICollection<SafetyVerdict> verdicts)
    {
        if (value is { } v && Math.Abs(v) > maxAbs)
        {
            var capped = Math.Sign(v) * maxAbs;
            verdicts.Add(Capped(name, v, capped));
            return capped;
        }

        return value;
    }

    private static void Remove(string name, float? value, ICollection<SafetyVerdict> verdicts)
    {
        if (value is not null)
        {
            verdicts.Add(new SafetyVerdict(
                StageName,
                SafetyAction.Rewrite,
                "hardening.removed:" + name,
                evidence: new Dictionary<string, string>
                {
                    ["parameter"] = name,
                    ["reason"] = "reasoning models reject it",
                }));
        }
    }

    private static SafetyVerdict Capped(string name, double requested, double cap) =>
        new(
            StageName,
            SafetyAction.Rewrite,
            "hardening.capped:" + name,
            evidence: new Dictionary<string, string>
            {
                ["parameter"] = name,
                ["requested"] = requested.ToString("0.###", CultureInfo.InvariantCulture),
                ["cap"] = cap.ToString("0.###", CultureInfo.InvariantCulture),
            });
}
