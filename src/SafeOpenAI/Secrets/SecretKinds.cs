namespace SafeOpenAI;

/// <summary>The kinds of secret <see cref="SecretDetector"/> reports; formats as published by each provider (sources on each constant).</summary>
public static class SecretKinds
{
    /// <summary>An OpenAI API key: <c>sk-…</c>, <c>sk-proj-…</c>, <c>sk-svcacct-…</c>, <c>sk-admin-…</c> (OpenAI API reference, Authentication).</summary>
    public const string OpenAIApiKey = "OPENAI_API_KEY";

    /// <summary>An AWS access key id: <c>AKIA</c>/<c>ASIA</c> and 16 upper-case alphanumerics (AWS IAM user guide, "Understanding unique ID prefixes").</summary>
    public const string AwsAccessKeyId = "AWS_ACCESS_KEY_ID";

    /// <summary>An AWS secret access key: 40 base64 characters after a name such as <c>aws_secret_access_key</c>.</summary>
    public const string AwsSecretAccessKey = "AWS_SECRET_ACCESS_KEY";

    /// <summary>A GitHub token: <c>ghp_</c>, <c>gho_</c>, <c>ghu_</c>, <c>ghs_</c>, <c>ghr_</c> and 36 characters, or <c>github_pat_</c> (GitHub docs, "About authentication to GitHub", token formats).</summary>
    public const string GitHubToken = "GITHUB_TOKEN";

    /// <summary>A Slack token: <c>xoxa-</c>, <c>xoxb-</c>, <c>xoxp-</c>, <c>xoxo-</c>, <c>xoxs-</c>, <c>xoxr-</c> (Slack API docs, token types).</summary>
    public const string SlackToken = "SLACK_TOKEN";

    /// <summary>A Stripe live key: <c>sk_live_</c>, <c>rk_live_</c>, <c>pk_live_</c> (Stripe docs, API keys).</summary>
    public const string StripeKey = "STRIPE_KEY";

    /// <summary>A Google API key: <c>AIza</c> and 35 characters (Google Cloud docs, API keys).</summary>
    public const string GoogleApiKey = "GOOGLE_API_KEY";

    /// <summary>An Azure Storage account key in a connection string (<c>AccountKey=…</c>; Azure Storage docs, "Configure a connection string").</summary>
    public const string AzureStorageKey = "AZURE_STORAGE_KEY";

    /// <summary>A JSON Web Token (RFC 7519): three base64url parts whose header is JSON with <c>alg</c>.</summary>
    public const string Jwt = "JWT";

    /// <summary>A PEM private key block (RFC 7468): <c>-----BEGIN … PRIVATE KEY-----</c> to its END line.</summary>
    public const string PrivateKey = "PRIVATE_KEY";

    /// <summary>A high-entropy token next to a word such as key, secret, token or password.</summary>
    public const string HighEntropy = "HIGH_ENTROPY_SECRET";
}
