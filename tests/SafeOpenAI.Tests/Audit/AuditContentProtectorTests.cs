using System.Security.Cryptography;

namespace SafeOpenAI.Tests.Audit;

public class AuditContentProtectorTests
{
    private static readonly string Key = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());
    private static readonly string OtherKey = Convert.ToBase64String(Enumerable.Range(101, 32).Select(i => (byte)i).ToArray());

    [Test]
    public void A_protected_text_decrypts_to_the_original_under_the_same_key_and_audit_id()
    {
        var protector = new AuditContentProtector(Key);

        var sealedText = protector.Protect("My card is 4111 1111 1111 1111 ✓", "audit-1");

        Assert.That(sealedText, Does.StartWith("v1." + protector.KeyId + "."));
        Assert.That(sealedText, Does.Not.Contain("4111"));
        Assert.That(protector.Unprotect(sealedText, "audit-1"), Is.EqualTo("My card is 4111 1111 1111 1111 ✓"));
    }

    [Test]
    public void The_same_text_encrypts_differently_each_time()
    {
        var protector = new AuditContentProtector(Key);

        var first = protector.Protect("same", "audit-1");
        var second = protector.Protect("same", "audit-1");

        Assert.That(second, Is.Not.EqualTo(first));
    }

    [Test]
    public void A_ciphertext_moved_to_another_record_fails_to_decrypt()
    {
        var protector = new AuditContentProtector(Key);
        var sealedText = protector.Protect("secret", "audit-1");

        Assert.That(() => protector.Unprotect(sealedText, "audit-2"), Throws.InstanceOf<CryptographicException>());
    }

    [Test]
    public void Another_key_is_named_in_the_error()
    {
        var sealedText = new AuditContentProtector(Key).Protect("secret", "audit-1");
        var other = new AuditContentProtector(OtherKey);

        Assert.That(
            () => other.Unprotect(sealedText, "audit-1"),
            Throws.InstanceOf<CryptographicException>().With.Message.Contains(other.KeyId).And.Message.Contains(sealedText.Split('.')[1]));
    }

    [Test]
    public void An_altered_ciphertext_fails_to_decrypt()
    {
        var protector = new AuditContentProtector(Key);
        var parts = protector.Protect("secret text", "audit-1").Split('.');
        var bytes = Convert.FromBase64String(parts[2]);
        bytes[^1] ^= 0x01;

        Assert.That(() => protector.Unprotect($"{parts[0]}.{parts[1]}.{Convert.ToBase64String(bytes)}", "audit-1"), Throws.InstanceOf<CryptographicException>());
    }

    [TestCase("")]
    [TestCase("not base64 at all")]
    [TestCase("AAECAwQFBgcICQoLDA0ODw==")]
    public void A_key_that_is_not_32_base64_bytes_is_rejected(string key)
    {
        Assert.That(() => new AuditContentProtector(key), Throws.InstanceOf<ArgumentException>());
    }

    [TestCase("plain text")]
    [TestCase("v2.abcd.AAAA")]
    public void A_text_of_another_format_is_rejected(string text)
    {
        Assert.That(() => new AuditContentProtector(Key).Unprotect(text, "audit-1"), Throws.InstanceOf<FormatException>());
    }
}
