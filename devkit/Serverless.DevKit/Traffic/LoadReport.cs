namespace Serverless.DevKit.Traffic;

/// <summary>What a load run saw: statuses, events the API accepted, and request latencies.</summary>
public sealed record LoadReport(IReadOnlyDictionary<string, int> Statuses, long EventsAccepted, int TransportFailures, TimeSpan Elapsed, IReadOnlyList<double> LatenciesMs)
{
    public int Requests => Statuses.Values.Sum() + TransportFailures;
    public double RequestsPerSecond => Requests / Math.Max(Elapsed.TotalSeconds, 1e-9);
    public double EventsPerSecond => EventsAccepted / Math.Max(Elapsed.TotalSeconds, 1e-9);
    public int ServerErrors => Statuses.Where(s => s.Key.StartsWith('5')).Sum(s => s.Value);

    public double Percentile(double p)
    {
        if (LatenciesMs.Count == 0)
        {
            return 0;
        }

        var sorted = LatenciesMs.Order().ToList();
        var index = (int)Math.Ceiling(p / 100 * sorted.Count) - 1;
        return sorted[Math.Clamp(index, 0, sorted.Count - 1)];
    }
}
