namespace SafeOpenAI.Tests.Curated;

/// <summary>A small help centre shared by the curated-answer tests.</summary>
internal static class HelpCentre
{
    public static CuratedArticle[] Articles { get; } =
    [
        new("reset-password", "Reset your password", "Open Settings, choose Security and select Reset password. We e-mail you a link that works for 30 minutes."),
        new("refund-policy", "Refunds", "You can get a refund within 14 days of purchase. Refunds go back to the card you paid with within 5 business days."),
        new("cancel-subscription", "Cancel your subscription", "Go to Billing and choose Cancel subscription. Your plan stays active until the end of the billing period."),
        new("two-factor", "Turn on two-factor authentication", "Open Settings, choose Security and turn on two-factor authentication with an authenticator app."),
        new("shipping-times", "Shipping times", "Orders ship within 2 business days. Delivery takes 3 to 5 days in the EU and up to 10 days elsewhere."),
        new("change-email", "Change the e-mail address on your account", "Open Settings, choose Profile and enter the new e-mail address. We send a confirmation link to it."),
    ];

    public static CuratedKnowledgeBase KnowledgeBase { get; } = new(Articles);
}
