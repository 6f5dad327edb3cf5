using System.Globalization;
using Serverless.Benchmarks;

// Usage: dotnet run -c Release --project bench/Serverless.Benchmarks -- [all|processing|load|sustained|requests|erasure] [options] [--check]
//   all:        processing, then load, then sustained load, then storage requests, then one side-by-side table (every option below applies)
//   processing: --events N --rounds N (--profile: the library calls inside each step instead; --loop S: only the
//               realistic mix through the processing stage for S seconds, nothing forced, for an external profiler)
//   load:       --requests N --events-per-request N --concurrency N
//   sustained:  --duration SECONDS --warm-up SECONDS --sample-every SECONDS --tolerance PERCENT
//               --rate EVENTS/S (default: in `all`, half the measured end-to-end rate; alone, 1000)
//   requests:   --batches N --batch-size N (storage requests per event, counted, for page views and new leads)
//   erasure:    --sizes 10000,100000,1000000 --subject-blobs N
// --check makes the exit code 1 when a target is not met.
var check = args.Contains("--check");
switch (args.FirstOrDefault())
{
    case "all":
        var processing = await ProcessingBenchmark.RunAsync(Option("--events", 20_000), Option("--rounds", 5));
        Console.WriteLine();
        var load = await LoadBenchmark.RunAsync(Option("--requests", 400), Option("--events-per-request", 50), Option("--concurrency", 8));
        Console.WriteLine();
        var sustained = await SustainedBenchmark.RunAsync(Sustained(Math.Round(load.Rate / 2 / 50) * 50));
        Console.WriteLine();
        var requests = await StorageRequestsBenchmark.RunAsync(Option("--batches", 4), Option("--batch-size", 500));
        var allMet = SummaryTable.Print(processing, load, sustained, requests);
        return check && !allMet ? 1 : 0;
    case "load":
        var loadResult = await LoadBenchmark.RunAsync(Option("--requests", 400), Option("--events-per-request", 50), Option("--concurrency", 8));
        return check && loadResult.Ratio < LoadResult.TargetRatio ? 1 : 0;
    case "sustained":
        var sustainedResult = await SustainedBenchmark.RunAsync(Sustained(1000));
        var flat = sustainedResult.WorkingSet.DoesNotGrow(sustainedResult.Tolerance) && sustainedResult.Live.DoesNotGrow(sustainedResult.Tolerance);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Working set {(sustainedResult.WorkingSet.DoesNotGrow(sustainedResult.Tolerance) ? "does not grow" : "GROWS")} ({sustainedResult.WorkingSet.BacklogAdjustedGrowth:+0.0%;-0.0%} backlog aside); live objects {(sustainedResult.Live.DoesNotGrow(sustainedResult.Tolerance) ? "do not grow" : "GROW")} ({sustainedResult.Live.BacklogAdjustedGrowth:+0.0%;-0.0%} backlog aside)"));
        return check && !flat ? 1 : 0;
    case "requests":
        var requestsResult = await StorageRequestsBenchmark.RunAsync(Option("--batches", 4), Option("--batch-size", 500));
        SummaryTable.PrintRequests(requestsResult);
        return check && !requestsResult.Met ? 1 : 0;
    case "erasure":
        await ErasureBenchmark.RunAsync(Sizes(), Option("--subject-blobs", 10));
        return 0;
    case "processing" when args.Contains("--loop"):
        await ProcessingBenchmark.LoopAsync(Option("--events", 20_000), Option("--loop", 20));
        return 0;
    case "processing" when args.Contains("--profile"):
        await ProcessingProfile.RunAsync(Option("--events", 20_000));
        return 0;
    default:
        var processingResult = await ProcessingBenchmark.RunAsync(Option("--events", 20_000), Option("--rounds", 5));
        return check && processingResult.Ratio < ProcessingResult.TargetRatio ? 1 : 0;
}

SustainedOptions Sustained(double defaultRate) => new(
    Rate: Option("--rate", (int)Math.Max(100, defaultRate)),
    WarmUp: TimeSpan.FromSeconds(Option("--warm-up", 15)),
    Duration: TimeSpan.FromSeconds(Option("--duration", 90)),
    SampleEvery: TimeSpan.FromSeconds(Option("--sample-every", 5)),
    EventsPerRequest: Option("--events-per-request", 50),
    Concurrency: Option("--concurrency", 8),
    Tolerance: Option("--tolerance", 5) / 100.0);

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
