using BenchmarkDotNet.Running;

// dotnet run -c Release --project benchmarks/SafeOpenAI.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
