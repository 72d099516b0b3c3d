namespace SafeOpenAI.Tests.Secrets;

public class SecretsGuardTests
{
    private const string Jwt = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";

    private static string[] Kinds(string text) => [.. SecretDetector.Default.Detect(text).Select(f => f.Kind + ":" + text[f.Start..f.End])];

    [TestCase("key sk-abcdefghijklmnopqrstuvwxyz0123456789ABCD", "OPENAI_API_KEY", "sk-abcdefghijklmnopqrstuvwxyz0123456789ABCD")]
    [TestCase("use sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z_-Q now", "OPENAI_API_KEY", "sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z_-Q")]
    [TestCase("id AKIAIOSFODNN7EXAMPLE", "AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE")]
    [TestCase("aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")]
    [TestCase("ghp_1234567890abcdefghijklmnopqrstuvwxyz", "GITHUB_TOKEN", "ghp_1234567890abcdefghijklmnopqrstuvwxyz")]
    [TestCase("github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz", "GITHUB_TOKEN", "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz")]
    [TestCase("xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx", "SLACK_TOKEN", "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx")]
    [TestCase("sk_live_4eC39HqLyjWDarjtT1zdp7dc", "STRIPE_KEY", "sk_live_4eC39HqLyjWDarjtT1zdp7dc")]
    [TestCase("AIzaSyA-1234567890abcdefghijklmnopqrstu", "GOOGLE_API_KEY", "AIzaSyA-1234567890abcdefghijklmnopqrstu")]
    [TestCase("DefaultEndpointsProtocol=https;AccountName=x;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;", "AZURE_STORAGE_KEY", "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==")]
    [TestCase("Bearer " + Jwt, "JWT", Jwt)]
    [TestCase("password: Zx9kQ2vL7pR4tW8yB3mN6qS1", "HIGH_ENTROPY_SECRET", "Zx9kQ2vL7pR4tW8yB3mN6qS1")]
    public void Known_formats_are_found(string text, string kind, string value)
    {
        var found = Kinds(text);
        Assert.That(found, Has.Length.EqualTo(1));
        Assert.That(found[0], Does.StartWith(kind + ":" + value));
    }

    [Test]
    public void Pem_private_keys_are_found_whole()
    {
        var pem = "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA1c7+9z5Pad7OejecsQ0bu3aozN3tihPmljnnudb9G3HECdnH\nlWu2/a1gB9JW5TBQ+AVpum9Okx7KfqkfBKL9mcHgSL0yWMdjMfNOqNtrQqKlN4kE\n-----END RSA PRIVATE KEY-----";
        Assert.That(Kinds("here: " + pem + " done"), Is.EqualTo(new[] { "PRIVATE_KEY:" + pem }));
    }

    [TestCase("eyJub3QiOiJhIGp3dCJ9.eyJzdWIiOiIxIn0.abcdefgh")]
    [TestCase("the token is the word 'banana' repeated many times")]
    [TestCase("a random id 4f3c2a1b9e8d7c6b5a4f3e2d1c0b9a8f without context")]
    [TestCase("sk-short")]
    public void Lookalikes_are_not_secrets(string text) => Assert.That(Kinds(text), Is.Empty);

    [Test]
    public async Task The_guard_redacts_with_numbered_placeholders_and_never_puts_the_secret_in_evidence()
    {
        var request = new SafetyRequest([SafetyMessage.FromText(MessageRole.User, "keys AKIAIOSFODNN7EXAMPLE and ghp_1234567890abcdefghijklmnopqrstuvwxyz")], "gpt-4o-mini");
        var result = await new SecretsGuard(new SecretsGuardOptions()).InspectAsync(request, CancellationToken.None);
        Assert.That(result.Verdict.Code, Is.EqualTo(SecretsGuard.RedactedCode));
        Assert.That(result.RewrittenMessages![0].Text, Is.EqualTo("keys <SECRET_1> and <SECRET_2>"));
        Assert.That(result.Verdict.Evidence, Is.EquivalentTo(new Dictionary<string, string> { ["AWS_ACCESS_KEY_ID"] = "1", ["GITHUB_TOKEN"] = "1", ["total"] = "2" }));
    }

    [Test]
    public async Task The_guard_blocks_kinds_configured_to_block()
    {
        var options = new SecretsGuardOptions();
        options.Actions[SecretKinds.PrivateKey] = SecretAction.Block;
        var request = new SafetyRequest([SafetyMessage.FromText(MessageRole.User, "-----BEGIN PRIVATE KEY-----\nMIIBVQIBADANBgkqhkiG9w0BAQEFAASCAT8wggE7AgEAAkEA\n-----END PRIVATE KEY-----")], "gpt-4o-mini");
        var result = await new SecretsGuard(options).InspectAsync(request, CancellationToken.None);
        Assert.That(result.Verdict.Action, Is.EqualTo(SafetyAction.Block));
        Assert.That(result.Verdict.Code, Is.EqualTo("secret.blocked:PRIVATE_KEY"));
        Assert.That(result.Verdict.Evidence.Values, Has.None.Contains("MIIB"));
    }

    [Test]
    public void Entropy_is_computed_in_bits_per_character()
    {
        Assert.That(SecretDetector.ShannonEntropy("aaaa"), Is.EqualTo(0));
        Assert.That(SecretDetector.ShannonEntropy("abcd"), Is.EqualTo(2).Within(1e-9));
    }

    [TestCase('-')]
    [TestCase('a')]
    [TestCase('=')]
    public void Pathological_input_takes_linear_time(char fill)
    {
        var small = new string(fill, 5_000) + "eyJ" + new string(fill, 5_000) + "-----BEGIN PRIVATE KEY-----";
        var large = string.Concat(Enumerable.Repeat(small, 100));
        SecretDetector.Default.Detect(small);
        var t1 = Pii.PiiRecognizerMoreTests.Time(() => SecretDetector.Default.Detect(small), 20) / 20;
        var t100 = Pii.PiiRecognizerMoreTests.Time(() => SecretDetector.Default.Detect(large), 1);
        Assert.That(t100 / Math.Max(t1, 1e-6), Is.LessThan(1_500), $"1x {t1 * 1000:0.00} ms, 100x {t100 * 1000:0.00} ms");
    }
}
