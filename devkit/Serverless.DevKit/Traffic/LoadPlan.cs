namespace Serverless.DevKit.Traffic;

/// <summary>How to load the runtime: how many requests, how fast, how many at once.</summary>
public sealed record LoadPlan(Uri BaseAddress, int Requests, double RequestsPerSecond, int Concurrency, int Seed);
