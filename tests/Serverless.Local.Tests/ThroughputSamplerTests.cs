using Serverless.Local.Dashboard;
using Serverless.Local.Streaming;

namespace Serverless.Local.Tests;

public sealed class ThroughputSamplerTests
{
    // A clock whose timestamps move only when the test says so.
    private sealed class SteppedClock : TimeProvider
    {
        public long Ticks { get; set; }

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => Ticks;
    }

    [Fact]
    public async Task Sample_TwoSecondsAfterTwentyAcceptedEvents_ReportsTenPerSecond()
    {
        var stats = new StreamStatistics();
        var clock = new SteppedClock();
        await using var sampler = new ThroughputSampler(() => stats, clock, TimeSpan.FromHours(1));
        sampler.Start();

        stats.AddAccepted(20);
        clock.Ticks += 2 * TimeSpan.TicksPerSecond;
        sampler.Sample();

        var sample = Assert.Single(sampler.Samples);
        Assert.Equal(10, sample.Accepted);
        Assert.Equal(0, sample.Stored);
    }

    [Fact]
    public async Task Sample_MoreThanCapacity_KeepsOnlyTheNewest()
    {
        var stats = new StreamStatistics();
        var clock = new SteppedClock();
        await using var sampler = new ThroughputSampler(() => stats, clock, TimeSpan.FromHours(1));
        sampler.Start();

        for (var i = 1; i <= ThroughputSampler.Capacity + 5; i++)
        {
            stats.AddAccepted(i);
            clock.Ticks += TimeSpan.TicksPerSecond;
            sampler.Sample();
        }

        Assert.Equal(ThroughputSampler.Capacity, sampler.Samples.Count);
        Assert.Equal(ThroughputSampler.Capacity + 5, sampler.Samples[^1].Accepted);
        Assert.Equal(6, sampler.Samples[0].Accepted);
    }
}
