namespace Serverless.Infra.Tests;

[Collection(InfraCollection.Name)]
public sealed class AlertTests(InfraFixture infra)
{
    private ArmResource Rule(string marker) =>
        Assert.Single(ArmTemplate.OfType(infra.Main, "Microsoft.Insights/scheduledQueryRules"),
            r => Query(r).Contains(marker, StringComparison.Ordinal));

    private static string Query(ArmResource rule) => ArmTemplate.Variable(rule.Template, Criterion(rule)["query"])!.GetValue<string>();

    private static System.Text.Json.Nodes.JsonNode Criterion(ArmResource rule) =>
        Assert.Single(rule.Properties["criteria"]!["allOf"]!.AsArray())!;

    [Fact]
    public void QuarantineAlert_Query_SumsQuarantineWarningsOverFifteenMinutes()
    {
        var rule = Rule("Quarantined ");

        var criterion = Criterion(rule);
        var query = Query(rule);

        Assert.StartsWith("AppTraces", query.Trim(), StringComparison.Ordinal);
        Assert.Contains(" events of tenant ", query, StringComparison.Ordinal);
        Assert.Equal("PT15M", rule.Properties["windowSize"]!.GetValue<string>());
        Assert.Equal("Total", criterion["timeAggregation"]!.GetValue<string>());
        Assert.Equal("QuarantinedEvents", criterion["metricMeasureColumn"]!.GetValue<string>());
        Assert.Equal("GreaterThan", criterion["operator"]!.GetValue<string>());
        Assert.Equal("[parameters('quarantineAlertThreshold')]", ArmTemplate.PassedValue(rule.Deployment!, "quarantineThreshold")!.GetValue<string>());
        Assert.Equal("[parameters('quarantineThreshold')]", criterion["threshold"]!.GetValue<string>());
    }

    [Fact]
    public void OverduePrivacyAlert_Query_CountsOverdueWarnings()
    {
        var rule = Rule("overdue");

        var criterion = Criterion(rule);

        Assert.Equal("Count", criterion["timeAggregation"]!.GetValue<string>());
        Assert.Equal("[parameters('overduePrivacyRequestAlertThreshold')]", ArmTemplate.PassedValue(rule.Deployment!, "overduePrivacyRequestThreshold")!.GetValue<string>());
        Assert.Equal("[parameters('overduePrivacyRequestThreshold')]", criterion["threshold"]!.GetValue<string>());
    }

    [Fact]
    public void Alerts_Actions_NotifyTheActionGroupWithOptionalEmail()
    {
        var group = ArmTemplate.Single(infra.Main, "Microsoft.Insights/actionGroups");
        var rules = ArmTemplate.OfType(infra.Main, "Microsoft.Insights/scheduledQueryRules").ToList();

        var receivers = group.Properties["emailReceivers"]!.GetValue<string>();

        Assert.StartsWith("[if(empty(parameters('alertEmailAddress')), createArray(), ", receivers, StringComparison.Ordinal);
        Assert.Equal(2, rules.Count);
        Assert.All(rules, r => Assert.Single(r.Properties["actions"]!["actionGroups"]!.AsArray()));
        Assert.All(rules, r => Assert.Equal("[parameters('logAnalyticsWorkspaceId')]", Assert.Single(r.Properties["scopes"]!.AsArray())!.GetValue<string>()));
    }
}
