using System.Collections.Frozen;

namespace SafeOpenAI;

/// <summary>
/// Folds Latin look-alike letters from other scripts to ASCII. The pairs are the single-letter
/// Latin prototypes of Unicode Technical Standard #39 (Unicode Security Mechanisms),
/// <c>confusables.txt</c>, for Cyrillic, Greek, Armenian and IPA/Latin-extended letters that are
/// commonly used to evade keyword filters. Full-width forms, mathematical alphanumerics, circled
/// and superscript letters are left to NFKC, which already maps them to ASCII.
/// </summary>
internal static class ConfusableMap
{
    // Pairs: confusable, ASCII prototype (UTS #39 confusables.txt, "MA" table, single-character targets).
    private const string Pairs =
        // Cyrillic lower case
        "аaвbеeһhіiјjкkӏlмmоoрpсcѕsтtуyхxԁdԛqԝwѡwүyҺhғfɡgոnսuօoհhոnց9ӧoёeїi" +
        // Cyrillic upper case
        "АAВBЕEЅSІIЈJКKМMНHОOРPСCТTХXУYԌGԜWҮYӀlЗ3" +
        // Greek lower and upper case
        "αaοoνvρpιiκkυuχxτtωwεeγyηnΑAΒBΕEΖZΗHΙIΚKΜMΝNΟOΡPΤTΥYΧXϲcϳjϵe" +
        // Latin extended / IPA look-alikes
        "ıiȷjɑaɩiʟlɪiʏyᴀaᴄcᴅdᴇeᴊjᴋkᴍmᴏoᴘpᴛtᴜuᴠvᴡwᴢzſs";

    private static readonly FrozenDictionary<char, char> s_map = Build();

    /// <summary>Gets the ASCII prototype of a look-alike letter.</summary>
    /// <param name="c">The character.</param>
    /// <param name="ascii">The prototype, when there is one.</param>
    /// <returns><see langword="true"/> when <paramref name="c"/> is a known look-alike.</returns>
    public static bool TryFold(char c, out char ascii) => s_map.TryGetValue(c, out ascii);

    private static FrozenDictionary<char, char> Build()
    {
        var map = new Dictionary<char, char>();
        for (var i = 0; i + 1 < Pairs.Length; i += 2)
        {
            map[Pairs[i]] = Pairs[i + 1];
        }

        return map.ToFrozenDictionary();
    }
}
