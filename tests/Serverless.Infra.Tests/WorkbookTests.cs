namespace Serverless.Infra.Tests;

[Collection(InfraCollection.Name)]
public sealed class WorkbookTests(InfraFixture infra)
{
    private ArmResource Workbook => ArmTemplate.Single(infra.Main, "Microsoft.Insights/workbooks");

    private Dictionary<string, string> Queries()
    {
        var template = Workbook.Template;
        return template["variables"]!["panels"]!.AsArray().ToDictionary(
            p => p!["name"]!.GetValue<string>(),
            p => ArmTemplate.Variable(template, p!["query"])!.GetValue<string>());
    }

    public static TheoryData<string> MetricNames() =>
    [
        "pipeline.events.accepted", "pipeline.events.stored", "pipeline.events.quarantined", "pipeline.events.duplicates", "pipeline.events.suppressed",
        "pipeline.batch.size", "pipeline.batch.duration", "pipeline.event.lag", "pipeline.privacy.requests", "pipeline.privacy.request.age",
    ];

    [Fact]
    public void Workbook_Resource_IsSharedAndListedUnderTheApplicationInsightsComponent()
    {
        var workbook = Workbook;
        var monitoring = ArmTemplate.Module(infra.Main, "monitoring");

        Assert.Equal("shared", workbook.Resource["kind"]!.GetValue<string>());
        Assert.Equal("workbook", workbook.Properties["category"]!.GetValue<string>());
        Assert.Equal("[resourceId('Microsoft.Insights/components', parameters('applicationInsightsName'))]", workbook.Properties["sourceId"]!.GetValue<string>());
        Assert.Equal(ArmTemplate.PassedValue(monitoring, "applicationInsightsName")!.ToJsonString(),
            ArmTemplate.PassedValue(workbook.Deployment!, "applicationInsightsName")!.ToJsonString());
    }

    [Fact]
    public void Workbook_SerializedData_IsTheContentWithEveryPanelAndTheComponentAsFallback()
    {
        var workbook = Workbook;
        var content = workbook.Template["variables"]!["workbookContent"]!;

        Assert.Equal("[string(variables('workbookContent'))]", workbook.Properties["serializedData"]!.GetValue<string>());
        Assert.Equal("Notebook/1.0", content["version"]!.GetValue<string>());
        Assert.Contains("variables('panels')", content["items"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("[resourceId('Microsoft.Insights/components', parameters('applicationInsightsName'))]",
            Assert.Single(content["fallbackResourceIds"]!.AsArray())!.GetValue<string>());
    }

    [Theory]
    [MemberData(nameof(MetricNames))]
    public void Workbook_Queries_ReadEachPipelineMetricFromCustomMetrics(string metric)
    {
        var queries = Queries().Values.Where(q => q.Contains($"\"{metric}\"", StringComparison.Ordinal)).ToList();

        Assert.NotEmpty(queries);
        Assert.All(queries, q => Assert.StartsWith("customMetrics", q.Trim(), StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("throughput", "timechart")]
    [InlineData("totals", "table")]
    [InlineData("quarantine-by-reason", "barchart")]
    [InlineData("lag", "timechart")]
    [InlineData("privacy-by-state", "table")]
    public void Workbook_Panels_IncludeEachViewOfTheDashboard(string panel, string visualization)
    {
        var panels = Workbook.Template["variables"]!["panels"]!.AsArray();

        var found = Assert.Single(panels, p => p!["name"]!.GetValue<string>() == panel)!;

        Assert.Equal(visualization, found["visualization"]!.GetValue<string>());
    }

    [Fact]
    public void Workbook_QuarantineExamples_ReadTheQuarantineTracesAndExceptions()
    {
        var query = Queries()["quarantine-examples"];

        Assert.StartsWith("traces", query.Trim(), StringComparison.Ordinal);
        Assert.Contains(" events of tenant ", query, StringComparison.Ordinal);
        Assert.Contains("exceptions", query, StringComparison.Ordinal);
    }

    [Fact]
    public void Workbook_Queries_SplitByTheContractTags()
    {
        var queries = Queries();

        Assert.Contains("customDimensions[\"reason\"]", queries["quarantine-by-reason"], StringComparison.Ordinal);
        Assert.Contains("customDimensions[\"source\"]", queries["accepted-by-source"], StringComparison.Ordinal);
        Assert.Contains("customDimensions[\"tenant\"]", queries["accepted-by-source"], StringComparison.Ordinal);
        Assert.Contains("customDimensions[\"state\"]", queries["privacy-by-state"], StringComparison.Ordinal);
        Assert.Contains("customDimensions[\"kind\"]", queries["privacy-by-state"], StringComparison.Ordinal);
        Assert.Contains("percentile(", queries["lag"], StringComparison.Ordinal);
    }
}
