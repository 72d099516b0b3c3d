using System.Text;
using System.Text.RegularExpressions;

namespace SafeOpenAI;

/// <summary>
/// The lexical groundedness check: finds a claim's checkable content (quoted strings, numbers,
/// identifiers, named entities, key content words) and looks each up in the sources.
/// </summary>
/// <remarks>
/// <para>
/// Weights: a quote, number, identifier or entity counts <see cref="StrictWeight"/>, a content word
/// 1. A claim's score is the supported weight over the checkable weight. Content that no source
/// has but the question has is neutral (left out of both sums): a question's words neither
/// support nor refute an answer. A claim whose only content came from the question scores 0.
/// </para>
/// <para>
/// An entity is found when its words appear as a phrase in one source, or all its significant
/// words (titles such as "President" and connectors such as "of" aside) appear in one source.
/// Stateless and thread-safe.
/// </para>
/// </remarks>
internal static partial class LexicalGroundednessChecker
{
    /// <summary>The weight of a quote, number, identifier or entity against 1 for a content word.</summary>
    public const double StrictWeight = 2.0;

    /// <summary>Assesses each claim of an answer.</summary>
    public static List<ClaimAssessment> Assess(string answer, IReadOnlyList<GroundednessSourceIndex> sources, GroundednessSourceIndex? question, int firstIndex = 0)
    {
        var spans = ClaimSplitter.Split(answer);
        var result = new List<ClaimAssessment>(spans.Count);
        for (var k = 0; k < spans.Count; k++)
        {
            var (start, length) = spans[k];
            result.Add(AssessClaim(firstIndex + k, start, answer.Substring(start, length), length, sources, question));
        }

        return result;
    }

    internal static ClaimAssessment AssessClaim(int index, int start, string claim, int length, IReadOnlyList<GroundednessSourceIndex> sources, GroundednessSourceIndex? question)
    {
        var tokens = GroundednessText.Tokenize(claim);
        var consumed = new bool[tokens.Count];
        var weightBySource = new double[sources.Count];
        var missing = new List<string>(2);
        double total = 0;
        double supported = 0;
        var neutral = 0;

        void Count(double weight, int[] supportingSources, double fraction, bool fromQuestion, string? strictKind)
        {
            if (fraction <= 0 && fromQuestion)
            {
                neutral++;
                return;
            }

            total += weight;
            supported += weight * fraction;
            foreach (var s in supportingSources)
            {
                weightBySource[s] += weight;
            }

            if (strictKind is not null && fraction < 1 && !fromQuestion && !missing.Contains(strictKind))
            {
                missing.Add(strictKind);
            }
        }

        // Quoted strings: the words must appear in this order in one source.
        foreach (Match match in QuotePattern().Matches(claim))
        {
            var inner = match.Groups["q"];
            var words = new StringBuilder(" ");
            var count = 0;
            for (var t = 0; t < tokens.Count; t++)
            {
                if (tokens[t].Start >= inner.Index && tokens[t].Start < inner.Index + inner.Length)
                {
                    consumed[t] = true;
                    words.Append(tokens[t].Lower).Append(' ');
                    count++;
                }
            }

            if (count == 0)
            {
                continue;
            }

            var phrase = words.ToString();
            var hits = Where(sources, s => s.HasPhrase(phrase));
            Count(StrictWeight, hits, hits.Length > 0 ? 1 : 0, question?.HasPhrase(phrase) == true, "quote");
        }

        // Numbers and dates' numeric parts.
        foreach (var number in GroundednessNumbers.Find(tokens))
        {
            if (consumed[number.FirstToken])
            {
                continue;
            }

            for (var t = number.FirstToken; t <= number.LastToken; t++)
            {
                consumed[t] = true;
            }

            var hits = Where(sources, s => s.HasNumber(number.Values));
            Count(StrictWeight, hits, hits.Length > 0 ? 1 : 0, question?.HasNumber(number.Values) == true, "number");
        }

        // Identifiers such as "30A" or "B-52": exact.
        for (var t = 0; t < tokens.Count; t++)
        {
            if (!consumed[t] && GroundednessNumbers.IsCode(tokens[t].Lower))
            {
                consumed[t] = true;
                var lower = tokens[t].Lower;
                var hits = Where(sources, s => s.HasExactWord(lower));
                Count(StrictWeight, hits, hits.Length > 0 ? 1 : 0, question?.HasExactWord(lower) == true, "identifier");
            }
        }

        // Named entities: runs of capitalised words, with connectors inside ("Bank of England").
        var i = 0;
        while (i < tokens.Count)
        {
            // Capitalised stop words open no name, except inside a sentence where they are one ("in May", "the US").
            var nameStopWord = !tokens[i].SentenceInitial && tokens[i].Lower is "may" or "us" or "will" or "june";
            if (consumed[i] || !tokens[i].Capitalized || tokens[i].Lower == "i" || (GroundednessText.IsStopWord(tokens[i].Lower) && !GroundednessText.IsTitle(tokens[i].Lower) && !nameStopWord) || tokens[i].Lower == "the")
            {
                i++;
                continue;
            }

            var end = i;
            while (end + 1 < tokens.Count && !consumed[end + 1])
            {
                var next = tokens[end + 1];
                if (next.Capitalized && !next.SentenceInitial)
                {
                    end++;
                }
                else if (GroundednessText.IsNameConnector(next.Lower) && !next.Capitalized && end + 2 < tokens.Count && tokens[end + 2].Capitalized && !tokens[end + 2].SentenceInitial && !consumed[end + 2])
                {
                    end += 2;
                }
                else
                {
                    break;
                }
            }

            // A lone capitalised word that opens the sentence is an ordinary word ("Competitive routines ...").
            if (end == i && tokens[i].SentenceInitial)
            {
                i++;
                continue;
            }

            // A sentence's first word is capitalised anyway: when no source has it, it is an ordinary
            // word before a name ("Second English tour", "Yesterday Ajax won"), not part of the name.
            if (tokens[i].SentenceInitial && !AnyHas(sources, tokens[i]))
            {
                i++;
                continue;
            }

            var significant = new List<int>();
            var phrase = new StringBuilder(" ");
            for (var t = i; t <= end; t++)
            {
                consumed[t] = true;
                phrase.Append(tokens[t].Lower).Append(' ');
                if (!GroundednessText.IsNameConnector(tokens[t].Lower) && !GroundednessText.IsTitle(tokens[t].Lower) && (!GroundednessText.IsStopWord(tokens[t].Lower) || tokens[t].Capitalized))
                {
                    significant.Add(t);
                }
            }

            if (significant.Count > 0)
            {
                AssessEntity(tokens, significant, phrase.ToString(), sources, question, Count);
            }

            i = end + 1;
        }

        // Content words.
        for (var t = 0; t < tokens.Count; t++)
        {
            var token = tokens[t];
            if (consumed[t] || GroundednessText.IsStopWord(token.Lower) || (token.Lower.Length < 2 && !token.IsNumeric))
            {
                continue;
            }

            var hits = Where(sources, s => s.HasWord(token));
            Count(1, hits, hits.Length > 0 ? 1 : 0, question?.HasWord(token) == true, null);
        }

        double? score = total > 0 ? supported / total : neutral > 0 ? 0 : null;
        return new ClaimAssessment(index, start, length, score, missing, Citations(sources, weightBySource), total == 0 && neutral > 0);
    }

    private static void AssessEntity(List<GroundednessToken> tokens, List<int> significant, string phrase, IReadOnlyList<GroundednessSourceIndex> sources, GroundednessSourceIndex? question, Action<double, int[], double, bool, string?> count)
    {
        var best = 0.0;
        var full = new List<int>();
        for (var s = 0; s < sources.Count; s++)
        {
            double fraction;
            if (sources[s].HasPhrase(phrase))
            {
                fraction = 1;
            }
            else
            {
                var found = 0;
                foreach (var t in significant)
                {
                    if (sources[s].HasWord(tokens[t]))
                    {
                        found++;
                    }
                }

                fraction = found / (double)significant.Count;
            }

            if (fraction >= 1)
            {
                full.Add(s);
            }

            best = Math.Max(best, fraction);
        }

        var fromQuestion = false;
        if (best < 1 && question is not null)
        {
            // Neutral only when every word the sources lack is the question's.
            fromQuestion = true;
            foreach (var t in significant)
            {
                if (!question.HasWord(tokens[t]) && !AnyHas(sources, tokens[t]))
                {
                    fromQuestion = false;
                    break;
                }
            }
        }

        if (fromQuestion && best > 0)
        {
            // Part of the name is in the sources, the rest in the question: count what the sources hold, miss nothing.
            count(StrictWeight, [], best, false, null);
            return;
        }

        count(StrictWeight, [.. full], best, fromQuestion, "entity");
    }

    private static bool AnyHas(IReadOnlyList<GroundednessSourceIndex> sources, GroundednessToken token)
    {
        foreach (var source in sources)
        {
            if (source.HasWord(token))
            {
                return true;
            }
        }

        return false;
    }

    private static int[] Where(IReadOnlyList<GroundednessSourceIndex> sources, Func<GroundednessSourceIndex, bool> test)
    {
        List<int>? hits = null;
        for (var s = 0; s < sources.Count; s++)
        {
            if (test(sources[s]))
            {
                (hits ??= []).Add(s);
            }
        }

        return hits is null ? [] : [.. hits];
    }

    private static string[] Citations(IReadOnlyList<GroundednessSourceIndex> sources, double[] weightBySource)
    {
        var max = weightBySource.Length == 0 ? 0 : weightBySource.Max();
        if (max <= 0)
        {
            return [];
        }

        // Sources that carry at least half of what the best source carries, best first.
        return [.. Enumerable.Range(0, sources.Count)
            .Where(s => weightBySource[s] >= max / 2)
            .OrderByDescending(s => weightBySource[s])
            .ThenBy(s => s)
            .Select(s => sources[s].Id)];
    }

    [GeneratedRegex("[\"“”«»](?<q>[^\"“”«»\\n]{2,200})[\"“”«»]", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 200)]
    private static partial Regex QuotePattern();
}
