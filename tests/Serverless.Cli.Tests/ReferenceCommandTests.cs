namespace Serverless.Cli.Tests;

[Collection(AzuriteCollection.Name)]
public sealed class ReferenceCommandTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Reference_SetListDelete_ManagesTheTenantsTable()
    {
        var harness = await CliHarness.CreateAsync(azurite.Server);

        var set = await CliHarness.RunAsync(harness.Variables, "reference", "set", "--tenant", CliHarness.Tenant, "campaigns", "pi-boston-fall", "Personal injury, fall 2026");
        await CliHarness.RunAsync(harness.Variables, "reference", "set", "--tenant", CliHarness.Tenant, "campaigns", "wc-2026", "Workers' comp 2026");
        var deleted = await CliHarness.RunAsync(harness.Variables, "reference", "delete", "--tenant", CliHarness.Tenant, "campaigns", "wc-2026");
        var list = await CliHarness.RunAsync(harness.Variables, "reference", "list", "--tenant", CliHarness.Tenant, "campaigns");

        Assert.Equal(0, set.ExitCode);
        Assert.Equal(0, deleted.ExitCode);
        Assert.Equal("pi-boston-fall\tPersonal injury, fall 2026", list.Output.Trim());
        var rows = await harness.Services.Storage.Reference.QueryAsync<Azure.Data.Tables.TableEntity>().CountAsync();
        Assert.Equal(1, rows);
    }

    [Fact]
    public async Task Reference_BadTableName_ExitsTwo()
    {
        var harness = await CliHarness.CreateAsync(azurite.Server);

        var run = await CliHarness.RunAsync(harness.Variables, "reference", "list", "--tenant", CliHarness.Tenant, "Campaigns!");

        Assert.Equal(2, run.ExitCode);
    }
}
