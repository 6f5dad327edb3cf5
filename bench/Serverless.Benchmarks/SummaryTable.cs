using System.Globalization;
using System.Runtime.InteropServices;

namespace Serverless.Benchmarks;

/// <summary>One side-by-side table of a whole run, as Markdown, each figure next to what it is measured against.</summary>
internal static class SummaryTable
{
    private static Row LeadsRow(ProcessingResult processing) => processing.Leads is { } leads
        ? new("  same, leads only (phones, emails, names, IPs; bytes/event: " + N(leads.BytesPerEvent) + ")", N(leads.Rate), N(leads.BaselineRate) + " (STJ parse + write)", F(leads.Ratio), "-", null)
        : new("  same, leads only", "-", "-", "-", "-", null);

    public static bool Print(ProcessingResult processing, LoadResult load, SustainedResult sustained, StorageRequestsResult requests)
    {
        var rows = new List<Row>
        {
            new("processing stage, events/s (1 thread, no I/O, realistic mix)", N(processing.Rate), N(processing.BaselineRate) + " (STJ parse + write)",
                F(processing.Ratio), ">= " + F(ProcessingResult.TargetRatio), processing.Ratio >= ProcessingResult.TargetRatio),
            LeadsRow(processing),
            new("end to end, events/s (HTTP -> stream -> Azurite)", N(load.Rate), N(load.CeilingRate) + " (Azurite ceiling)",
                F(load.Ratio), ">= " + F(LoadResult.TargetRatio), load.Ratio >= LoadResult.TargetRatio),
            new("ingest latency p50 / p99, ms", $"{F1(load.P50Milliseconds)} / {F1(load.P99Milliseconds)}", "-", "-", "-", null),
            new("durable log commit p50 / p99, ms", $"{F1(load.CommitP50Milliseconds)} / {F1(load.CommitP99Milliseconds)}", "-", "-", "-", null),
            new("allocated bytes/event, processing stage", N(processing.BytesPerEvent), N(processing.BaselineBytesPerEvent) + " (STJ parse + write)",
                N(processing.BytesPerEvent / Math.Max(1, processing.BaselineBytesPerEvent)) + "x", "<= " + N(ProcessingResult.TargetBytesPerEvent), processing.BytesPerEvent <= ProcessingResult.TargetBytesPerEvent),
            new("allocated bytes/event, end to end (sustained; incl. load generator)", N(sustained.AllocatedBytesPerEvent), "-", "-", "-", null),
            new("CPU us/event, end to end at full load (whole process, incl. clients)", F1(load.CpuMicrosecondsPerEvent), F1(1_000_000 / processing.Rate) + " (processing stage alone, wall clock)", "-", "-", null),
            new("CPU us/event, end to end at the sustained rate (smaller batches)", F1(sustained.CpuMicrosecondsPerEvent), "-", "-", "-", null),
            new("sustained delivered events/s", N(sustained.DeliveredRate), N(sustained.OfferedRate) + " (offered)",
                F(sustained.DeliveredShare), ">= " + F(SustainedResult.TargetDeliveredShare), sustained.DeliveredShare >= SustainedResult.TargetDeliveredShare),
            Memory("working set after full GC, MB (last third vs first)", sustained.WorkingSet, sustained.Tolerance),
            Memory("GC heap size after full GC, MB (last third vs first)", sustained.Heap, sustained.Tolerance),
            Memory("live managed objects, MB (last third vs first)", sustained.Live, sustained.Tolerance),
            Requests(requests),
        };

        PrintRows(rows);

        Console.WriteLine();
        Console.WriteLine(Invariant($"Backlog (events accepted, not yet stored): {sustained.FirstThirdPending:N0} on average in the first third, {sustained.LastThirdPending:N0} in the last."));
        if (sustained.FellBehind)
        {
            Console.WriteLine("  The runtime fell behind the offered rate, so memory also holds a growing queue; the verdicts below take the backlog out, but a steadier run (lower --rate) is a cleaner proof.");
        }
        else if (sustained.CaughtUp)
        {
            Console.WriteLine("  The runtime was still catching up on a backlog early in the window, so memory fell with it; the verdicts below take the backlog out, but a longer --warm-up is a cleaner proof.");
        }

        foreach (var (name, trend) in new[] { ("working set", sustained.WorkingSet), ("GC heap", sustained.Heap), ("live objects", sustained.Live) })
        {
            var verdict = trend.DoesNotGrow(sustained.Tolerance) ? "does not grow" : "GROWS";
            Console.WriteLine(Invariant(
                $"  {name}: {verdict}: {Mb(trend.FirstThirdBytes)} -> {Mb(trend.LastThirdBytes)} MB first third -> last third of {trend.Samples} samples ({trend.Growth:+0.0%;-0.0%}), slope {SustainedBenchmark.Megabytes(trend.SlopeBytesPerMinute):+0.00;-0.00} MB/min;"));
            Console.WriteLine(Invariant(
                $"    backlog aside ({trend.BytesPerPendingEvent / 1024:N1} KB per pending event): slope {SustainedBenchmark.Megabytes(trend.BacklogAdjustedSlopeBytesPerMinute):+0.00;-0.00} MB/min, {trend.BacklogAdjustedGrowth:+0.0%;-0.0%} between the thirds (tolerance +{sustained.Tolerance:P0})"));
        }

        return rows.All(r => r.Met != false);
    }

    /// <summary>The storage-requests row alone, for the <c>requests</c> command.</summary>
    public static void PrintRequests(StorageRequestsResult requests) => PrintRows([Requests(requests)]);

    private static void PrintRows(List<Row> rows)
    {
        Console.WriteLine();
        Console.WriteLine(Invariant($"Summary ({Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}, {Cpu()})"));
        Console.WriteLine();
        Console.WriteLine("| metric | measured | baseline / ceiling | ratio | target | met? |");
        Console.WriteLine("| --- | ---: | ---: | ---: | --- | --- |");
        foreach (var row in rows)
        {
            Console.WriteLine($"| {row.Metric} | {row.Measured} | {row.Against} | {row.Ratio} | {row.Target} | {(row.Met is { } met ? (met ? "yes" : "**NO**") : "-")} |");
        }
    }

    private static Row Requests(StorageRequestsResult requests) =>
        new("storage requests/event", $"page views {F2(requests.PageViews)} / new leads {F2(requests.NewLeads)}",
            F2(requests.ColdPageViews) + " (page views, fresh instance)", "-",
            $"<= {F2(StorageRequestsResult.TargetPageViews)} / <= {F2(StorageRequestsResult.TargetNewLeads)}", requests.Met);

    private static Row Memory(string metric, MemoryTrend trend, double tolerance) =>
        new(metric, Mb(trend.LastThirdBytes), Mb(trend.FirstThirdBytes) + " (first third)",
            trend.Growth.ToString("+0.0%;-0.0%", CultureInfo.InvariantCulture) + " (" + trend.BacklogAdjustedGrowth.ToString("+0.0%;-0.0%", CultureInfo.InvariantCulture) + " backlog aside)",
            "<= +" + tolerance.ToString("P0", CultureInfo.InvariantCulture) + " backlog aside", trend.DoesNotGrow(tolerance));

    private static string Cpu()
    {
        const string prefix = "model name";
        try
        {
            var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal));
            return line is null ? RuntimeInformation.ProcessArchitecture.ToString() : line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
        }
        catch (IOException)
        {
            return RuntimeInformation.ProcessArchitecture.ToString();
        }
        catch (UnauthorizedAccessException)
        {
            return RuntimeInformation.ProcessArchitecture.ToString();
        }
    }

    private static string Mb(double bytes) => F1(SustainedBenchmark.Megabytes(bytes));
    private static string N(double value) => value.ToString("N0", CultureInfo.InvariantCulture);
    private static string F(double value) => value.ToString("F3", CultureInfo.InvariantCulture);
    private static string F2(double value) => value.ToString("F2", CultureInfo.InvariantCulture);
    private static string F1(double value) => value.ToString("F1", CultureInfo.InvariantCulture);
    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private sealed record Row(string Metric, string Measured, string Against, string Ratio, string Target, bool? Met);
}
