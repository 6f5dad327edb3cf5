using System.Globalization;
using Serverless.Benchmarks;

// Usage: dotnet run -c Release --project bench/Serverless.Benchmarks -- [processing|load] [options] [--check]
//   processing: --events N --rounds N
//   load:       --requests N --events-per-request N --concurrency N
var check = args.Contains("--check");
var met = args.FirstOrDefault() == "load"
    ? await LoadBenchmark.RunAsync(Option("--requests", 400), Option("--events-per-request", 50), Option("--concurrency", 8))
    : await ProcessingBenchmark.RunAsync(Option("--events", 20_000), Option("--rounds", 5));
return check && !met ? 1 : 0;

int Option(string name, int fallback)
{
    var at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
}
