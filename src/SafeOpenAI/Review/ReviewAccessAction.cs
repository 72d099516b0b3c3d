namespace SafeOpenAI;

/// <summary>What a reviewer (or the deadline policy) did to a review or a feedback report. Stored as its number: values never change.</summary>
public enum ReviewAccessAction
{
    /// <summary>The material or the report was read.</summary>
    Read = 0,

    /// <summary>The review was claimed.</summary>
    Claimed = 1,

    /// <summary>The answer was approved as written.</summary>
    Approved = 2,

    /// <summary>The answer was edited and approved.</summary>
    Edited = 3,

    /// <summary>The answer was rejected.</summary>
    Rejected = 4,

    /// <summary>The deadline passed and the review was escalated.</summary>
    Escalated = 5,

    /// <summary>The deadline passed and the review was rejected.</summary>
    Expired = 6,

    /// <summary>A principal without reviewer rights tried to read or act; nothing was shown or changed.</summary>
    Denied = 7,

    /// <summary>A feedback report was triaged.</summary>
    Triaged = 8,
}
