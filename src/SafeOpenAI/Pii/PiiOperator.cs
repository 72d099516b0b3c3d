namespace SafeOpenAI;

/// <summary>What <see cref="PiiRedactionGuard"/> does with a finding of one entity type (Presidio's anonymizer operators).</summary>
public enum PiiOperator
{
    /// <summary>Replace the value with a typed, numbered placeholder such as <c>&lt;EMAIL_ADDRESS_1&gt;</c>; the same value gets the same number within a request. Restorable in the answer.</summary>
    Replace = 0,

    /// <summary>Replace every character of the value with <see cref="PiiRedactionOptions.MaskCharacter"/>, keeping separators' positions; not restorable.</summary>
    Mask = 1,

    /// <summary>Replace the value with <c>&lt;TYPE:hash&gt;</c>, the first 16 hexadecimal characters of the keyed content hash (HMAC-SHA256, <see cref="SafetyHasher.HashContent"/>); equal values give equal hashes across requests; not restorable.</summary>
    Hash = 2,

    /// <summary>Block the whole request with code <c>pii.blocked:&lt;TYPE&gt;</c>.</summary>
    Block = 3,
}
