using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Serverless.Infra.Tests;

[Collection(InfraCollection.Name)]
public sealed partial class StorageDataProtectionTests(InfraFixture infra)
{
    [Fact]
    public void AuditContainer_ImmutabilityPolicy_IsTimeBasedWithProtectedAppends()
    {
        var policies = ArmTemplate.OfType(infra.Main, "Microsoft.Storage/storageAccounts/blobServices/containers/immutabilityPolicies");

        var policy = Assert.Single(policies);
        var days = ArmTemplate.Resolve(policy, policy.Properties["immutabilityPeriodSinceCreationInDays"], infra.Main);

        Assert.EndsWith("'default', 'audit', 'default')]", policy.Name, StringComparison.Ordinal);
        Assert.True(policy.Properties["allowProtectedAppendWrites"]!.GetValue<bool>());
        Assert.True(days!.GetValue<int>() >= 365, "audit blobs should stay immutable for at least a year");
    }

    [Fact]
    public void AuditImmutabilityPolicy_Default_IsWrittenUnlockedOnEveryProvision()
    {
        var policy = Assert.Single(ArmTemplate.OfType(infra.Main, "Microsoft.Storage/storageAccounts/blobServices/containers/immutabilityPolicies"));
        var storage = ArmTemplate.Module(infra.Main, "storage");

        var written = policy.Properties.Select(p => p.Key).Order(StringComparer.Ordinal);

        // Writing an unlocked policy again succeeds, so the default can be provisioned any number of times; the template
        // only ever sets the period and appends (locking is an operator's action, never a property of the PUT).
        Assert.Equal(["allowProtectedAppendWrites", "immutabilityPeriodSinceCreationInDays"], written);
        Assert.Equal("[not(parameters('auditImmutabilityLocked'))]", policy.Resource["condition"]!.GetValue<string>());
        Assert.Equal("[parameters('auditImmutabilityLocked')]", ArmTemplate.PassedValue(storage, "auditImmutabilityLocked")!.GetValue<string>());
        Assert.False(ArmTemplate.Resolve(policy, JsonValue.Create("[parameters('auditImmutabilityLocked')]"), infra.Main)!.GetValue<bool>());
        Assert.DoesNotContain(ArmTemplate.AllResources(infra.Main), r => r.Type.EndsWith("/lock", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void AuditImmutabilityPolicy_OnceLocked_IsLeftAloneThroughTheAzdVariable()
    {
        var file = JsonNode.Parse(File.ReadAllText(RepositoryRoot.Combine("infra", "main.parameters.json")))!;

        var parameter = infra.Main["parameters"]!["auditImmutabilityLocked"]!;

        Assert.Equal("bool", parameter["type"]!.GetValue<string>());
        Assert.False(parameter["defaultValue"]!.GetValue<bool>());
        Assert.Equal("${AUDIT_IMMUTABILITY_LOCKED=false}", file["parameters"]!["auditImmutabilityLocked"]?["value"]?.GetValue<string>());
    }

    [Fact]
    public void AuditContainer_OnReprovision_KeepsItsContainerDeclaredWhetherOrNotThePolicyIs()
    {
        var audit = Assert.Single(ArmTemplate.InModule(infra.Main, "storage", "Microsoft.Storage/storageAccounts/blobServices/containers"),
            c => c.Name.EndsWith("'default', 'audit')]", StringComparison.Ordinal));

        var properties = audit.Properties.Select(p => p.Key);

        // The container itself may be written again under a locked policy: it sets only its public access.
        Assert.Null(audit.Resource["condition"]);
        Assert.Equal(["publicAccess"], properties);
    }

    [Fact]
    public void RawLifecycleRule_Delete_FollowsTheRetentionParameter()
    {
        var rule = LifecycleRule("raw/");

        var baseBlob = rule["definition"]!["actions"]!["baseBlob"]!;
        var storage = ArmTemplate.Module(infra.Main, "storage");

        Assert.True(rule["enabled"]!.GetValue<bool>());
        Assert.Equal("[parameters('rawRetentionDays')]", baseBlob["delete"]!["daysAfterModificationGreaterThan"]!.GetValue<string>());
        Assert.Equal("[parameters('rawCoolAfterDays')]", baseBlob["tierToCool"]!["daysAfterModificationGreaterThan"]!.GetValue<string>());
        Assert.Equal("[parameters('rawRetentionDays')]", ArmTemplate.PassedValue(storage, "rawRetentionDays")!.GetValue<string>());
        Assert.Equal("int", infra.Main["parameters"]!["rawRetentionDays"]!["type"]!.GetValue<string>());
        Assert.True(infra.Main["parameters"]!["rawRetentionDays"]!["defaultValue"]!.GetValue<int>() > infra.Main["parameters"]!["rawCoolAfterDays"]!["defaultValue"]!.GetValue<int>());
    }

    [Fact]
    public void ExportsLifecycleRule_Delete_ExpiresWithinAMonth()
    {
        var rule = LifecycleRule("exports/");
        var policy = ArmTemplate.Single(infra.Main, "Microsoft.Storage/storageAccounts/managementPolicies");

        var days = ArmTemplate.Resolve(policy, rule["definition"]!["actions"]!["baseBlob"]!["delete"]!["daysAfterModificationGreaterThan"], infra.Main);

        Assert.InRange(days!.GetValue<int>(), 1, 30);
    }

    [Fact]
    public void AuditContainer_Lifecycle_IsNeverDeletedByARule()
    {
        var policy = ArmTemplate.Single(infra.Main, "Microsoft.Storage/storageAccounts/managementPolicies");

        var prefixes = policy.Properties["policy"]!["rules"]!.AsArray()
            .SelectMany(r => r!["definition"]!["filters"]!["prefixMatch"]!.AsArray().Select(p => p!.GetValue<string>()));

        Assert.DoesNotContain(prefixes, p => p.StartsWith("audit", StringComparison.Ordinal));
    }

    [Fact]
    public void BlobService_DataAccount_KeepsNoVersionsAndSoftDeletesForTheStatedWindow()
    {
        // An erasure rewrites blobs without the person's lines; a version would keep the old content. Soft delete keeps
        // it for deleteRetentionDays only, the window every erasure certificate names.
        var blobService = ArmTemplate.SingleInModule(infra.Main, "storage", "Microsoft.Storage/storageAccounts/blobServices");

        var properties = blobService.Properties;

        Assert.False(properties["isVersioningEnabled"]!.GetValue<bool>());
        Assert.True(properties["deleteRetentionPolicy"]!["enabled"]!.GetValue<bool>());
        Assert.Equal("[parameters('deleteRetentionDays')]", properties["deleteRetentionPolicy"]!["days"]!.GetValue<string>());
        Assert.True(properties["containerDeleteRetentionPolicy"]!["enabled"]!.GetValue<bool>());
    }

    [Fact]
    public void LifecycleRules_DataAccount_HaveNoVersionActions()
    {
        var policy = ArmTemplate.Single(infra.Main, "Microsoft.Storage/storageAccounts/managementPolicies");

        var actions = policy.Properties["policy"]!["rules"]!.AsArray().Select(r => r!["definition"]!["actions"]!.AsObject());

        Assert.All(actions, a => Assert.Null(a["version"]));
    }

    [Fact]
    public void ErasureCertificateWindows_AppSettings_FollowTheInfrastructure()
    {
        var api = ArmTemplate.Module(infra.Main, "api");
        var site = ArmTemplate.Single(infra.Main, "Microsoft.Web/sites");
        var settings = ArmTemplate.ArrayElements(site.Template, site.Properties["siteConfig"]!["appSettings"])
            .ToDictionary(s => s["name"]!.GetValue<string>(), s => s["value"]!.GetValue<string>(), StringComparer.Ordinal);

        Assert.Equal("[string(parameters('eventHubsRetentionDays'))]", settings["Pipeline__Privacy__EventHubsRetentionDays"]);
        Assert.Equal("[string(parameters('blobSoftDeleteDays'))]", settings["Pipeline__Privacy__BlobSoftDeleteDays"]);
        Assert.Equal("[string(parameters('telemetryRetentionDays'))]", settings["Pipeline__Privacy__TelemetryRetentionDays"]);
        Assert.Equal("01:00:00", settings["Pipeline__Privacy__WorkflowHistoryLifetime"]);
        Assert.Equal("[parameters('eventHubMessageRetentionInDays')]", ArmTemplate.PassedValue(api, "eventHubsRetentionDays")!.GetValue<string>());
        Assert.Equal("[parameters('logRetentionInDays')]", ArmTemplate.PassedValue(api, "telemetryRetentionDays")!.GetValue<string>());
        Assert.Equal("[parameters('blobSoftDeleteDays')]", ArmTemplate.PassedValue(api, "blobSoftDeleteDays")!.GetValue<string>());
        Assert.Equal("[parameters('blobSoftDeleteDays')]", ArmTemplate.PassedValue(ArmTemplate.Module(infra.Main, "storage"), "deleteRetentionDays")!.GetValue<string>());
    }

    [Fact]
    public void EventHubs_Retention_DefaultsToOneDay()
    {
        // Processing is continuous and the raw archive is the replay source; events stay in the hub, out of an
        // erasure's reach, for this long.
        Assert.Equal(1, infra.Main["parameters"]!["eventHubMessageRetentionInDays"]!["defaultValue"]!.GetValue<int>());
    }

    [Fact]
    public void Storage_ContainersAndTables_AreExactlyThePipelines()
    {
        var (containers, tables) = Declared();

        Assert.Equal(["audit", "exports", "quarantine", "raw"], containers.Order(StringComparer.Ordinal));
        Assert.Equal(
            ["audit", "counters", "customers", "eventids", "identities", "privacyrequests", "reference", "suppressions", "webhookdeliveries", "workflows"],
            tables.Order(StringComparer.Ordinal));
        Assert.All(ArmTemplate.OfType(infra.Main, "Microsoft.Storage/storageAccounts/blobServices/containers"),
            c => Assert.Equal("None", c.Properties["publicAccess"]!.GetValue<string>()));
    }

    [Fact]
    public void Storage_ContainersAndTables_FollowThePipelinesStorageNames()
    {
        // The names the pipeline writes (StorageNames.cs: each is the storage prefix plus a literal), so that a table or
        // container added there and not here fails this test rather than the app's identity at start-up.
        var source = File.ReadAllText(RepositoryRoot.Combine("functions", "Serverless.Pipeline", "Storage", "StorageNames.cs"));
        var names = StorageName().Matches(source).Select(m => (Property: m.Groups[1].Value, Name: m.Groups[2].Value)).ToList();
        var (containers, tables) = Declared();

        Assert.NotEmpty(names);
        Assert.Equal(
            names.Where(n => n.Property.EndsWith("Table", StringComparison.Ordinal)).Select(n => n.Name).Order(StringComparer.Ordinal),
            tables.Order(StringComparer.Ordinal));
        Assert.Equal(
            names.Where(n => n.Property.EndsWith("Container", StringComparison.Ordinal)).Select(n => n.Name).Order(StringComparer.Ordinal),
            containers.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void AuditContainer_DeclaredOnceAndOnlyWithItsImmutabilityPolicy()
    {
        var storage = ArmTemplate.SingleInModule(infra.Main, "storage", "Microsoft.Storage/storageAccounts");
        var policy = Assert.Single(ArmTemplate.OfType(infra.Main, "Microsoft.Storage/storageAccounts/blobServices/containers/immutabilityPolicies"));

        var looped = storage.Template["variables"]!["dataContainerNames"]!.AsArray().Select(n => ArmTemplate.Resolve(storage, n, infra.Main)!.GetValue<string>());

        Assert.DoesNotContain("audit", looped);
        Assert.Equal(
            "[resourceId('Microsoft.Storage/storageAccounts/blobServices/containers', parameters('name'), 'default', 'audit')]",
            Assert.Single(policy.Resource["dependsOn"]!.AsArray())!.GetValue<string>());
    }

    // Every container (the looped data containers and the audit container) and every table the data storage module declares.
    private (List<string> Containers, List<string> Tables) Declared()
    {
        var storage = ArmTemplate.SingleInModule(infra.Main, "storage", "Microsoft.Storage/storageAccounts");
        var variables = storage.Template["variables"]!;
        var containers = variables["dataContainerNames"]!.AsArray().Select(n => ArmTemplate.Resolve(storage, n, infra.Main)!.GetValue<string>()).ToList();
        containers.AddRange(ArmTemplate.InModule(infra.Main, "storage", "Microsoft.Storage/storageAccounts/blobServices/containers")
            .Select(c => ContainerLiteral().Match(c.Name))
            .Where(m => m.Success)
            .Select(m => m.Groups[1].Value));
        var tables = variables["tableNames"]!.AsArray().Select(n => n!.GetValue<string>()).ToList();
        Assert.Single(ArmTemplate.OfType(infra.Main, "Microsoft.Storage/storageAccounts/tableServices/tables"));
        return (containers, tables);
    }

    [GeneratedRegex(@"(\w+(?:Table|Container)) = prefix \+ ""([a-z0-9]+)"";")]
    private static partial Regex StorageName();

    // A container declared on its own has its name as a literal: [format('{0}/{1}/{2}', parameters('name'), 'default', 'audit')].
    [GeneratedRegex(@"'default', '([a-z0-9-]+)'\)\]$")]
    private static partial Regex ContainerLiteral();

    private JsonNode LifecycleRule(string prefix)
    {
        var policy = ArmTemplate.Single(infra.Main, "Microsoft.Storage/storageAccounts/managementPolicies");

        return Assert.Single(policy.Properties["policy"]!["rules"]!.AsArray(),
            r => r!["definition"]!["filters"]!["prefixMatch"]!.AsArray().Any(p => p!.GetValue<string>() == prefix))!;
    }
}
