namespace SafeOpenAI.Tests.Identity;

public class SafetyHasherTests
{
    private const string Key = "0123456789abcdef0123456789abcdef-test-key";

    [Test]
    public void Safety_identifier_is_64_lowercase_hex_characters_and_stable()
    {
        var first = new SafetyHasher(new SafetyIdentifierOptions { HashKey = Key }).ComputeSafetyIdentifier("user-42");
        var second = new SafetyHasher(new SafetyIdentifierOptions { HashKey = Key }).ComputeSafetyIdentifier("user-42");

        Assert.That(first, Has.Length.EqualTo(64).And.Match("^[0-9a-f]{64}$"));
        Assert.That(second, Is.EqualTo(first), "the identifier must be stable across instances (and processes)");
    }

    [Test]
    public void Different_keys_and_users_give_different_identifiers()
    {
        var hasher = new SafetyHasher(new SafetyIdentifierOptions { HashKey = Key });
        var otherKey = new SafetyHasher(new SafetyIdentifierOptions { HashKey = Key + "-rotated" });

        Assert.That(hasher.ComputeSafetyIdentifier("user-42"), Is.Not.EqualTo(hasher.ComputeSafetyIdentifier("user-43")));
        Assert.That(hasher.ComputeSafetyIdentifier("user-42"), Is.Not.EqualTo(otherKey.ComputeSafetyIdentifier("user-42")));
    }

    [Test]
    public void Identifier_is_the_HMAC_of_the_user_id_under_the_derived_key_not_a_plain_hash()
    {
        var hasher = new SafetyHasher(new SafetyIdentifierOptions { HashKey = Key });
        var plainSha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("user-42"u8));

        Assert.That(hasher.ComputeSafetyIdentifier("user-42"), Is.Not.EqualTo(plainSha256));
    }

    [Test]
    public void Each_purpose_has_its_own_key()
    {
        var hasher = new SafetyHasher(new SafetyIdentifierOptions { HashKey = Key });

        Assert.That(hasher.ComputeSafetyIdentifier("same"), Is.Not.EqualTo(hasher.HashSessionId("same")));
        Assert.That(hasher.HashSessionId("same"), Is.Not.EqualTo(hasher.HashContent("same")));
    }

    [Test]
    public void Missing_key_is_refused_unless_unkeyed_hashing_is_chosen()
    {
        var ex = Assert.Throws<ArgumentException>(() => _ = new SafetyHasher(new SafetyIdentifierOptions()));
        Assert.That(ex!.Message, Does.Contain("SafeOpenAI:Identity:HashKey"));

        var unkeyed = new SafetyHasher(new SafetyIdentifierOptions { AllowUnkeyedHashing = true });
        Assert.That(unkeyed.IsKeyed, Is.False);
        Assert.That(unkeyed.ComputeSafetyIdentifier("user-42"), Has.Length.EqualTo(64));
    }

    [Test]
    public void Short_key_is_refused()
    {
        var ex = Assert.Throws<ArgumentException>(() => _ = new SafetyHasher(new SafetyIdentifierOptions { HashKey = "too-short" }));
        Assert.That(ex!.Message, Does.Contain("at least 32 characters"));
    }

    [Test]
    public void Ambient_identity_is_scoped_to_the_async_flow()
    {
        var accessor = new AmbientSafetyIdentityAccessor();
        Assert.That(accessor.Current, Is.Null);
        using (AmbientSafetyIdentityAccessor.Use(new SafetyIdentity("outer")))
        {
            using (AmbientSafetyIdentityAccessor.Use(new SafetyIdentity("inner")))
            {
                Assert.That(accessor.Current!.UserId, Is.EqualTo("inner"));
            }

            Assert.That(accessor.Current!.UserId, Is.EqualTo("outer"));
        }

        Assert.That(accessor.Current, Is.Null);
    }
}
