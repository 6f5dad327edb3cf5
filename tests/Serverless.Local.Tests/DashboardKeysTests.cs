using Serverless.Local.Dashboard;
using Serverless.Pipeline.Privacy.Api;

namespace Serverless.Local.Tests;

public sealed class DashboardKeysTests
{
    [Fact]
    public void Describe_SampleKeys_ShowsTheStaffAndComplianceKeysToUse()
    {
        var keys = new Dictionary<string, ApiKeyOptions>
        {
            ["analyst"] = new() { Key = "local-demo-key-analyst-change-me", Roles = ["analytics"] },
            ["ops"] = new() { Key = "local-demo-key-staff-change-me", Roles = ["staff"] },
            ["dpo"] = new() { Key = "local-demo-key-alice-change-me", Roles = ["compliance"] },
        };

        var lines = DashboardKeys.Describe(keys).ToList();

        Assert.Equal(2, lines.Count);
        Assert.Contains("local-demo-key-staff-change-me", lines[0], StringComparison.Ordinal);
        Assert.Contains("local-demo-key-alice-change-me", lines[1], StringComparison.Ordinal);
        Assert.DoesNotContain(lines, l => l.Contains("analyst", StringComparison.Ordinal));
    }

    [Fact]
    public void Describe_RealKey_NamesItsSettingWithoutPrintingIt()
    {
        var keys = new Dictionary<string, ApiKeyOptions> { ["ops"] = new() { Key = "s3cr3t-from-a-vault", Roles = ["staff"] } };

        var line = Assert.Single(DashboardKeys.Describe(keys));

        Assert.Contains("Privacy:ApiKeys:ops", line, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Describe_NoKeyWithADashboardRole_SaysHowToAddOne()
    {
        var keys = new Dictionary<string, ApiKeyOptions> { ["analyst"] = new() { Key = "k", Roles = ["analytics"] } };

        var line = Assert.Single(DashboardKeys.Describe(keys));

        Assert.Contains("add one under Privacy:ApiKeys", line, StringComparison.Ordinal);
    }
}
