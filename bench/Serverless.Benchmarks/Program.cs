using System.Globalization;
using Serverless.Benchmarks;

// Usage: dotnet run -c Release --project bench/Serverless.Benchmarks -- [processing] [--events N] [--rounds N] [--check]
var events = Option("--events", 20_000);
var rounds = Option("--rounds", 5);
var check = args.Contains("--check");
var met = await ProcessingBenchmark.RunAsync(events, rounds);
return check && !met ? 1 : 0;

int Option(string name, int fallback)
{
    var at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
}
