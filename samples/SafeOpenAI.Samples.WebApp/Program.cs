using SafeOpenAI.Samples.WebApp;
using SafeOpenAI.Samples.WebApp.Accounts;

// `dotnet run --project samples/SafeOpenAI.Samples.WebApp` serves the sample on http://127.0.0.1:5080.
// `... -- hash-password` reads a password from standard input and prints the hash for the Users section.
if (args is ["hash-password"])
{
    var password = Console.In.ReadLine();
    if (string.IsNullOrEmpty(password))
    {
        Console.Error.WriteLine("Type the password on standard input (one line).");
        return 2;
    }

    Console.WriteLine(UserDirectory.HashPassword(password));
    return 0;
}

await using var app = await WebApp.BuildAsync(args);
await app.RunAsync();
return 0;
