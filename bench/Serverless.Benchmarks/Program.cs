using System.Globalization;
using Serverless.Benchmarks;

// Usage: dotnet run -c Release --project bench/Serverless.Benchmarks -- [processing|load|erasure] [options] [--check]
//   processing: --events N --rounds N
//   load:       --requests N --events-per-request N --concurrency N
//   erasure:    --sizes 10000,100000,1000000 --subject-blobs N
var check = args.Contains("--check");
switch (args.FirstOrDefault())
{
    case "load":
        var loadMet = await LoadBenchmark.RunAsync(Option("--requests", 400), Option("--events-per-request", 50), Option("--concurrency", 8));
        return check && !loadMet ? 1 : 0;
    case "erasure":
        await ErasureBenchmark.RunAsync(Sizes(), Option("--subject-blobs", 10));
        return 0;
    default:
        var met = await ProcessingBenchmark.RunAsync(Option("--events", 20_000), Option("--rounds", 5));
        return check && !met ? 1 : 0;
}

int[] Sizes()
{
    var at = Array.IndexOf(args, "--sizes");
    return at >= 0 && at + 1 < args.Length
        ? args[at + 1].Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray()
        : [10_000, 100_000, 1_000_000];
}

int Option(string name, int fallback)
{
    var at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
}
