using System.ClientModel;
using System.Reflection;
using OpenAI.Chat;

namespace SafeOpenAI.Tests.OpenAI;

/// <summary>
/// A method of <see cref="ChatClient"/> that <see cref="SafeChatClient"/> does not override would
/// send requests straight through the inner client's pipeline, around every guard. These tests
/// fail as soon as a future SDK version adds such a method.
/// </summary>
public class SafeChatClientBypassTests
{
    private static IEnumerable<MethodInfo> PublicVirtuals() =>
        typeof(ChatClient).GetMethods(BindingFlags.Public | BindingFlags.Instance)
            .Where(m => m.IsVirtual && !m.IsFinal && m.DeclaringType != typeof(object));

    [Test]
    public void Every_public_virtual_of_ChatClient_is_overridden()
    {
        var missing = PublicVirtuals()
            .Where(m => typeof(SafeChatClient).GetMethod(m.Name, m.GetParameters().Select(p => p.ParameterType).ToArray())!.DeclaringType != typeof(SafeChatClient))
            .Select(m => $"{m.Name}({string.Join(", ", m.GetParameters().Select(p => p.ParameterType.Name))})")
            .ToArray();

        Assert.That(PublicVirtuals().Count(), Is.GreaterThan(20), "the reflection must see ChatClient's methods");
        Assert.That(missing, Is.Empty, "ChatClient methods not overridden by SafeChatClient (an unguarded path to the model)");
    }

    [Test]
    public void Every_protocol_overload_taking_raw_content_refuses_and_names_the_typed_method()
    {
        var client = (SafeChatClient)System.Runtime.CompilerServices.RuntimeHelpers.GetUninitializedObject(typeof(SafeChatClient));
        var rawContentMethods = PublicVirtuals().Where(m => m.GetParameters().Any(p => p.ParameterType == typeof(BinaryContent))).ToArray();

        Assert.That(rawContentMethods, Has.Length.EqualTo(4));
        foreach (var method in rawContentMethods)
        {
            var arguments = method.GetParameters().Select(p => p.ParameterType == typeof(string) ? "id" : (object?)null).ToArray();
            var thrown = Assert.Catch(() => Invoke(client, method, arguments), method.Name);
            Assert.That(thrown, Is.TypeOf<NotSupportedException>(), method.Name);
            Assert.That(thrown!.Message, Does.Contain("typed method").And.Contain(method.Name.Replace("Async", string.Empty, StringComparison.Ordinal)), method.Name);
        }
    }

    private static void Invoke(object target, MethodInfo method, object?[] arguments)
    {
        try
        {
            var result = method.Invoke(target, arguments);
            if (result is Task task)
            {
                task.GetAwaiter().GetResult();
            }
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(ex.InnerException);
        }
    }
}
