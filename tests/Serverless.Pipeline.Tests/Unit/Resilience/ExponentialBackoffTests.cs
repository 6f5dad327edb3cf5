using Serverless.Pipeline.Resilience;

namespace Serverless.Pipeline.Tests.Unit.Resilience;

public sealed class ExponentialBackoffTests
{
    [Theory]
    [InlineData(1, 250)]
    [InlineData(2, 500)]
    [InlineData(3, 1_000)]
    [InlineData(8, 32_000)]
    [InlineData(9, 60_000)]
    [InlineData(200, 60_000)]
    public void After_NthFailure_DoublesFromTheFirstUpToTheMax(int failures, int expectedMilliseconds)
    {
        var backoff = new ExponentialBackoff(TimeSpan.FromMilliseconds(250), TimeSpan.FromMinutes(1));

        var wait = backoff.After(failures);

        Assert.Equal(TimeSpan.FromMilliseconds(expectedMilliseconds), wait);
    }

    [Fact]
    public void Constructor_MaxBelowFirst_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ExponentialBackoff(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1)));
    }
}
