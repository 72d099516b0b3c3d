namespace SafeOpenAI;

/// <summary>
/// The associated data each protected text of a review or feedback report is bound to: the record's
/// id and the field's name, so that a ciphertext moved to another record, or to another field of the
/// same record (a reviewer's note into the released answer), fails to decrypt.
/// </summary>
internal static class ProtectedField
{
    public const string Material = "material";
    public const string Answer = "answer";
    public const string Note = "note";
    public const string Comment = "comment";

    /// <summary>Returns <c>&lt;id&gt;/&lt;field&gt;</c>.</summary>
    public static string Of(string id, string field) => id + "/" + field;
}
