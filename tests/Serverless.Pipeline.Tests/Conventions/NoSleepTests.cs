namespace Serverless.Pipeline.Tests.Conventions;

/// <summary>
/// Tests wait by advancing a clock or on a condition (<see cref="Poll"/>), never for a fixed time: a sleep is too short
/// on a busy machine and wasted on an idle one.
/// </summary>
public sealed class NoSleepTests
{
    // The polling helper pauses between checks; the finder and its tests name what they catch.
    private static readonly string[] Allowed =
    [
        Path.Combine("tests", "Serverless.Testing", "Poll.cs"),
        Path.Combine("tests", "Serverless.Pipeline.Tests", "Conventions", "SleepFinder.cs"),
        Path.Combine("tests", "Serverless.Pipeline.Tests", "Conventions", "NoSleepTests.cs"),
    ];

    [Fact]
    public void TestSources_OutsideThePollingHelper_NeverSleep()
    {
        var tests = Path.Combine(RepositoryPaths.Root, "tests");
        var sources = Directory.EnumerateFiles(tests, "*.cs", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(RepositoryPaths.Root, path))
            .Where(path => !path.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj"))
            .Where(path => !Allowed.Contains(path, StringComparer.Ordinal))
            .ToList();

        var sleeps = sources.SelectMany(path => SleepFinder.Find(File.ReadAllText(Path.Combine(RepositoryPaths.Root, path))).Select(sleep => $"{path} {sleep}")).ToList();

        Assert.NotEmpty(sources);
        Assert.True(sleeps.Count == 0, "Fixed sleeps in the tests (advance a clock or use Poll instead):\n" + string.Join('\n', sleeps));
    }

    [Theory]
    [InlineData("await Task.Delay(300);")]
    [InlineData("await Task.Delay(8_000);")]
    [InlineData("await Task.Delay(TimeSpan.FromMilliseconds(50), token);")]
    [InlineData("private const int Pause = 100; async Task F() => await Task.Delay(Pause);")]
    [InlineData("Thread.Sleep(interval);")]
    public void SleepFinder_FixedSleep_IsFound(string source)
    {
        var found = SleepFinder.Find(source);

        Assert.Single(found);
    }

    [Theory]
    [InlineData("await Task.Delay(interval ?? DefaultInterval, cancellationToken);")]
    [InlineData("await Task.Delay(Timeout.Infinite, message.CancellationToken);")]
    [InlineData("await Task.Delay(due, time, ct);")]
    [InlineData("clock.Advance(TimeSpan.FromMilliseconds(300));")]
    public void SleepFinder_WaitOnASignalOrClock_IsNotFound(string source)
    {
        var found = SleepFinder.Find(source);

        Assert.Empty(found);
    }
}
