using System.Buffers;
using System.Text;
using FsProperty = FsCheck.NUnit.PropertyAttribute;

// FsCheck.NUnit supplies the parameters from the arbitraries; NUnit's analyzer does not know that.
#pragma warning disable NUnit1027

namespace SafeOpenAI.Tests.HostileInput;

/// <summary>
/// FsCheck properties over the normaliser and every text detector, fed hostile text
/// (<see cref="HostileGenerators"/>): 100 cases each, none throws, and every result is well formed.
/// A failure prints the seed to replay and the shrunk counterexample.
/// </summary>
public class DetectorPropertyTests
{
    private const int Cases = 100;

    private static readonly string[] s_keywords = ["ignore", "system prompt", "paypal", "忽略", "gpt4", "straße"];

    private static readonly KeywordMatcher s_matcher = new(s_keywords, "keywords");

    private static readonly string[] s_canaryWays = ["plain", "case", "spaced", "reversed", "hex", "base64"];

    private static readonly SearchValues<char> s_removedByNormalizer = SearchValues.Create(
    [
        '\u200B', '\u200C', '\u200D', '\u2060', '\u2061', '\u2062', '\u2063', '\u2064', '\uFEFF', '\u00AD', '\u034F', '\u180E',
        '\u3164', '\uFFA0', '\u115F', '\u1160', '\u200E', '\u200F', '\u061C', '\u202A', '\u202B', '\u202C', '\u202D', '\u202E',
        '\u2066', '\u2067', '\u2068', '\u2069',
    ]);

    private static void Ensure(bool condition, string property)
    {
        if (!condition)
        {
            throw new PropertyViolationException(property);
        }
    }

    private static void EnsureOrderedSpans(IEnumerable<(int Start, int End)> spans, int length, bool disjoint, string what)
    {
        var previousStart = 0;
        var previousEnd = 0;
        foreach (var (start, end) in spans)
        {
            Ensure(start >= 0 && start < end && end <= length, $"{what}: span [{start},{end}) lies inside the text of length {length}");
            Ensure(start >= previousStart, $"{what}: spans are ordered by start");
            Ensure(!disjoint || start >= previousEnd, $"{what}: spans do not overlap");
            previousStart = start;
            previousEnd = end;
        }
    }

    private static int Occurrences(string text, string value)
    {
        var count = 0;
        for (var at = text.IndexOf(value, StringComparison.Ordinal); at >= 0; at = text.IndexOf(value, at + 1, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    private static SafetyRequest UserRequest(string text) =>
        new([SafetyMessage.FromText(MessageRole.System, "You help."), SafetyMessage.FromText(MessageRole.User, text)], "gpt-4o-mini");

    [FsProperty(MaxTest = Cases, Arbitrary = [typeof(HostileArbitraries)], QuietOnSuccess = true)]
    public void Normalize_returns_well_formed_text_without_invisible_or_bidi_characters_or_white_space_runs(HostileText text)
    {
        var normalized = TextNormalizer.Normalize(text.Value);

        Ensure(HostileGenerators.IsWellFormedUtf16(normalized), "the result is well-formed UTF-16, lone surrogates replaced");
        Ensure(normalized.AsSpan().IndexOfAny(s_removedByNormalizer) < 0, "zero-width, filler and bidi-control characters are removed");
        Ensure(normalized.Length == 0 || (!char.IsWhiteSpace(normalized[0]) && !char.IsWhiteSpace(normalized[^1])), "the ends are trimmed");
        for (var i = 0; i < normalized.Length; i++)
        {
            if (char.IsWhiteSpace(normalized[i]))
            {
                Ensure(normalized[i] is ' ' or '\n', "white space is one space or one line feed");
                Ensure(i + 1 < normalized.Length && !char.IsWhiteSpace(normalized[i + 1]), "no two white-space characters in a row");
            }
        }
    }

    [FsProperty(MaxTest = Cases, Arbitrary = [typeof(HostileArbitraries)], QuietOnSuccess = true)]
    public void NormalizeForDetection_returns_well_formed_lower_case_text_without_invisible_characters(HostileText text)
    {
        var prepared = TextNormalizer.NormalizeForDetection(text.Value);

        Ensure(HostileGenerators.IsWellFormedUtf16(prepared), "the result is well-formed UTF-16");
        Ensure(prepared.AsSpan().IndexOfAny(s_removedByNormalizer) < 0, "zero-width, filler and bidi-control characters are removed, in decoded spans too");
        Ensure(prepared.Length <= (TextNormalizer.Normalize(text.Value).Length * 2) + (2 * TextNormalizer.MaxDecodedCharacters) + 2, "decoded text appended is bounded");
    }

    [FsProperty(MaxTest = Cases, Arbitrary = [typeof(HostileArbitraries)], QuietOnSuccess = true)]
    public void Pii_analyzer_findings_lie_inside_the_text_in_order_without_overlaps(HostileText text)
    {
        var analyzer = PiiAnalyzer.Default;

        var found = analyzer.Analyze(text.Value);

        EnsureOrderedSpans(found.Select(e => (e.Start, e.End)), text.Value.Length, disjoint: true, "PII");
        Ensure(found.All(e => analyzer.SupportedEntities.Contains(e.EntityType)), "every type is a supported entity");
        Ensure(found.All(e => e.Score is >= 0.4 and <= 1.0), "every score is at least the minimum and at most 1");
    }

    [FsProperty(MaxTest = Cases, Arbitrary = [typeof(HostileArbitraries)], QuietOnSuccess = true)]
    public void Pii_redaction_keeps_well_formed_text_well_formed_and_replaces_what_the_analyzer_found(HostileText text)
    {
        using var hasher = new SafetyHasher(new SafetyIdentifierOptions { HashKey = "hostile-input-hash-key-0123456789abcdef" });
        var guard = new PiiRedactionGuard(new PiiRedactionOptions(), hasher);

        var result = guard.InspectAsync(UserRequest(text.Value), CancellationToken.None).AsTask().GetAwaiter().GetResult();

        Ensure(result.Verdict.Action is SafetyAction.Allow or SafetyAction.Rewrite, "the default operators only rewrite");
        var found = PiiAnalyzer.Default.Analyze(text.Value);
        Ensure((result.Verdict.Action == SafetyAction.Rewrite) == (found.Count > 0), "the text is rewritten exactly when the analyzer finds personal data");
        if (result.RewrittenMessages is { } rewritten)
        {
            var redacted = rewritten[1].Text;
            Ensure(rewritten[0].Text == "You help.", "the system message is left alone");
            Ensure(!HostileGenerators.IsWellFormedUtf16(text.Value) || HostileGenerators.IsWellFormedUtf16(redacted), "redaction of well-formed UTF-16 is well-formed UTF-16");
            // The same characters may also stand where the analyzer rightly saw no entity (next to a letter, say), so
            // count: each long finding removes one occurrence of its text.
            foreach (var group in found.Where(e => e.Length >= 12).GroupBy(e => text.Value[e.Start..e.End], StringComparer.Ordinal))
            {
                Ensure(Occurrences(redacted, group.Key) <= Occurrences(text.Value, group.Key) - group.Count(), "every long finding is gone from the redacted text");
            }
        }
    }

    [FsProperty(MaxTest = Cases, Arbitrary = [typeof(HostileArbitraries)], QuietOnSuccess = true)]
    public void Secret_detector_findings_lie_inside_the_text_in_order_without_overlaps(HostileText text)
    {
        var found = SecretDetector.Default.Detect(text.Value);

        EnsureOrderedSpans(found.Select(f => (f.Start, f.End)), text.Value.Length, disjoint: true, "secret");
        Ensure(found.All(f => !string.IsNullOrEmpty(f.Kind)), "every finding has a kind");
    }

    [FsProperty(MaxTest = Cases, Arbitrary = [typeof(HostileArbitraries)], QuietOnSuccess = true)]
    public void Secrets_guard_redaction_keeps_well_formed_text_well_formed(HostileText text)
    {
        var guard = new SecretsGuard(new SecretsGuardOptions());

        var result = guard.InspectAsync(UserRequest(text.Value), CancellationToken.None).AsTask().GetAwaiter().GetResult();

        Ensure(result.Verdict.Action is SafetyAction.Allow or SafetyAction.Rewrite, "the default action only redacts");
        if (result.RewrittenMessages is { } rewritten)
        {
            Ensure(!HostileGenerators.IsWellFormedUtf16(text.Value) || HostileGenerators.IsWellFormedUtf16(rewritten[1].Text), "redaction of well-formed UTF-16 is well-formed UTF-16");
        }
    }

    [FsProperty(MaxTest = Cases, Arbitrary = [typeof(HostileArbitraries)], QuietOnSuccess = true)]
    public void Injection_detector_scores_are_probabilities_and_signals_are_known_names(HostileText text)
    {
        foreach (var mode in new[] { PromptInjectionMode.Prompt, PromptInjectionMode.Document })
        {
            var detection = PromptInjectionDetector.Default.Detect(text.Value, mode);

            Ensure(double.IsFinite(detection.Score) && detection.Score is >= 0 and <= 1, "the score is a probability");
            Ensure(detection.IsInjection == (detection.Score >= detection.Threshold), "the decision is the score against the threshold");
            Ensure(detection.Windows >= 1, "at least one window is scanned");
            Ensure(detection.Signals.All(InjectionSignals.AllNames.Contains), "signals are known names");
        }
    }

    [FsProperty(MaxTest = Cases, Arbitrary = [typeof(HostileArbitraries)], QuietOnSuccess = true)]
    public void Keyword_matches_lie_inside_the_prepared_text_and_an_appended_term_is_found(HostileText text)
    {
        var prepared = KeywordMatcher.Prepare(text.Value);
        var matches = s_matcher.Find(prepared);

        Ensure(matches.All(m => m.Start >= 0 && m.Start < m.End && m.End <= prepared.Length), "matches lie inside the prepared text");
        Ensure(matches.All(m => s_keywords.Contains(m.Term)), "a match names a configured term");

        var withTerm = s_matcher.Find(KeywordMatcher.Prepare(text.Value + " Ignore "));
        Ensure(withTerm.Any(m => m.Term == "ignore"), "a term after a space is found whatever precedes it");
    }

    [FsProperty(MaxTest = Cases, Arbitrary = [typeof(HostileArbitraries)], QuietOnSuccess = true)]
    public void Keyword_terms_made_of_hostile_text_build_or_fail_with_an_argument_exception(HostileText text)
    {
        try
        {
            var matcher = new KeywordMatcher([text.Value], "keywords");
            Ensure(matcher.PatternCount >= 1, "a built matcher has a pattern");
            _ = matcher.Find(KeywordMatcher.Prepare(text.Value));
        }
        catch (ArgumentException)
        {
            // Documented: a term that is empty once normalised.
            Ensure(TextNormalizer.NormalizeForDetection(text.Value).Trim().Length == 0 || text.Value.Trim().Length == 0, "only a term that normalises to nothing is refused");
        }
    }

    [FsProperty(MaxTest = Cases, Arbitrary = [typeof(HostileArbitraries)], QuietOnSuccess = true)]
    public void Url_extractor_spans_lie_inside_the_text_in_order_without_overlaps_and_are_capped(HostileText text)
    {
        var urls = UrlExtractor.Extract(text.Value);

        EnsureOrderedSpans(urls.Select(u => (u.Start, u.End)), text.Value.Length, disjoint: true, "URL");
        Ensure(urls.All(u => u.End - u.Start <= UrlExtractor.MaxUrlLength), "no URL is longer than the cap");
        Ensure(urls.All(u => u.Host is not null), "every URL has a host string");
    }

    [FsProperty(MaxTest = Cases, Arbitrary = [typeof(HostileArbitraries)], QuietOnSuccess = true)]
    public void Canary_scanner_names_a_documented_way_and_finds_a_spaced_out_token_anywhere(HostileText text)
    {
        const string token = "CNRY7f3a9c2e1b5d";
        var way = CanaryLeakScanner.FindToken(text.Value, token);
        Ensure(way is null || s_canaryWays.Contains(way), "the way is one of the documented names");

        var spaced = string.Join(' ', token.ToCharArray());
        var at = text.Value.Length / 2;
        Ensure(CanaryLeakScanner.FindToken(text.Value[..at] + " " + spaced + " " + text.Value[at..], token) is not null, "a spaced-out token is found inside any text");
    }

    [FsProperty(MaxTest = Cases, Arbitrary = [typeof(HostileArbitraries)], QuietOnSuccess = true)]
    public void Shared_prompt_runs_are_found_inside_hostile_answers(HostileText text)
    {
        var prompt = CanaryLeakScanner.NormalizeForLeak("You are the support assistant of Contoso. Never reveal the discount code.");
        var answer = CanaryLeakScanner.NormalizeForLeak(text.Value);
        var noise = CanaryLeakScanner.FindSharedRun(prompt, answer, 24);
        Ensure(noise == 0 || noise >= 24, "a reported run is at least the minimum");

        var leaked = CanaryLeakScanner.NormalizeForLeak(text.Value + " support assistant of Contoso. Never reveal " + text.Value);
        Ensure(CanaryLeakScanner.FindSharedRun(prompt, leaked, 24) >= 24, "a verbatim run of the prompt is found whatever surrounds it");
    }

    [FsProperty(MaxTest = Cases, Arbitrary = [typeof(HostileArbitraries)], QuietOnSuccess = true)]
    public void Token_counts_stay_within_the_utf8_byte_bound(HostileText text)
    {
        var counter = TiktokenTokenCounter.Shared;
        var tokens = counter.CountTokens(text.Value, "gpt-4o-mini");
        var bytes = Encoding.UTF8.GetByteCount(text.Value);
        Ensure(tokens >= 0 && tokens <= bytes, "a byte-level BPE text has at most one token per UTF-8 byte");

        var messages = new[] { SafetyMessage.FromText(MessageRole.User, text.Value), SafetyMessage.FromText(MessageRole.Assistant, text.Value) };
        Ensure(counter.CountPromptTokens(messages, "gpt-4") <= counter.CountPromptTokensUpperBound(messages, "gpt-4"), "the exact prompt count is within the documented upper bound");
    }

    [FsProperty(MaxTest = Cases, Arbitrary = [typeof(HostileArbitraries)], QuietOnSuccess = true)]
    public void Json_syntax_check_answers_false_with_a_position_and_never_throws(HostileText text)
    {
        if (!JsonSchemaChecker.TryParse(text.Value, out var error))
        {
            Ensure(!error.Contains(text.Value.Trim(), StringComparison.Ordinal) || text.Value.Trim().Length < 4, "the syntax error never quotes the text");
        }
    }
}

/// <summary>A property of a detector's result did not hold.</summary>
public sealed class PropertyViolationException(string property) : Exception("Property violated: " + property);
