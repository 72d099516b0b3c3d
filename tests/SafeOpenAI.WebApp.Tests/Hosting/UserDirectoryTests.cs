using SafeOpenAI.Samples.WebApp.Accounts;

namespace SafeOpenAI.WebApp.Tests.Hosting;

/// <summary>The sample's user store: PBKDF2 hashes from configuration, names ignoring case, clear errors for bad entries.</summary>
[TestFixture]
public sealed class UserDirectoryTests
{
    [Test]
    public void Right_password_signs_in_and_a_wrong_one_or_an_unknown_name_does_not()
    {
        var directory = new UserDirectory([Account("alice", "correct horse", "user")]);

        Assert.Multiple(() =>
        {
            Assert.That(directory.Verify("alice", "correct horse")?.UserName, Is.EqualTo("alice"));
            Assert.That(directory.Verify(" ALICE ", "correct horse")?.UserName, Is.EqualTo("alice"));
            Assert.That(directory.Verify("alice", "correct horse "), Is.Null);
            Assert.That(directory.Verify("alice", string.Empty), Is.Null);
            Assert.That(directory.Verify("mallory", "correct horse"), Is.Null);
            Assert.That(directory.Verify(null, "correct horse"), Is.Null);
        });
    }

    [Test]
    public void Hash_is_salted_and_never_the_password()
    {
        var first = UserDirectory.HashPassword("correct horse");
        var second = UserDirectory.HashPassword("correct horse");

        Assert.That(first, Is.Not.EqualTo(second));
        Assert.That(first, Does.Not.Contain("correct"));
    }

    [Test]
    public void Bad_entries_are_refused_with_their_position()
    {
        var noRole = Account("bob", "pw");
        var plainPassword = Account("carol", "pw", "user");
        plainPassword.PasswordHash = "pw";

        Assert.Multiple(() =>
        {
            Assert.That(() => new UserDirectory([noRole]), Throws.InvalidOperationException.With.Message.Contains("Users:0"));
            Assert.That(() => new UserDirectory([Account("a", "pw", "user"), plainPassword]), Throws.InvalidOperationException.With.Message.Contains("Users:1:PasswordHash"));
            Assert.That(() => new UserDirectory([Account("dave", "pw", "user"), Account("DAVE", "pw", "user")]), Throws.InvalidOperationException.With.Message.Contains("used twice"));
        });
    }

    private static UserAccount Account(string name, string password, params string[] roles)
    {
        var account = new UserAccount { UserName = name, PasswordHash = UserDirectory.HashPassword(password) };
        foreach (var role in roles)
        {
            account.Roles.Add(role);
        }

        return account;
    }
}
