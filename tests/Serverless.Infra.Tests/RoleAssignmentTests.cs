namespace Serverless.Infra.Tests;

[Collection(InfraCollection.Name)]
public sealed class RoleAssignmentTests(InfraFixture infra)
{
    private const string RoleAssignmentType = "Microsoft.Authorization/roleAssignments";
    private const string StorageAccounts = "Microsoft.Storage/storageAccounts";

    /// <summary>The app identity's roles, by role definition id, and the resource type each must be scoped to.</summary>
    private static readonly Dictionary<string, string> _appRoles = new(StringComparer.Ordinal)
    {
        ["b7e6dc6d-f1e8-4753-8033-0f276bb0955b"] = StorageAccounts, // Storage Blob Data Owner (Functions host, Flex deployment)
        ["974c5e8b-45b9-4653-ba55-5f855dd0fb88"] = StorageAccounts, // Storage Queue Data Contributor
        ["0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3"] = StorageAccounts, // Storage Table Data Contributor
        ["2b629674-e913-4c01-ae53-ef4638d8f975"] = "Microsoft.EventHub/namespaces/eventhubs", // Azure Event Hubs Data Sender
        ["a638d3c7-ab3a-418d-83e6-5f17a39d4fde"] = "Microsoft.EventHub/namespaces/eventhubs", // Azure Event Hubs Data Receiver
        ["4633458b-17de-408a-b874-0445c86b69e6"] = "Microsoft.KeyVault/vaults", // Key Vault Secrets User
        ["3913510d-42f4-4e42-8a64-420c390055eb"] = "Microsoft.Insights/components", // Monitoring Metrics Publisher
    };

    /// <summary>The deploying user's optional roles, by role definition id, and the resource type each is scoped to.</summary>
    private static readonly Dictionary<string, string> _userRoles = new(StringComparer.Ordinal)
    {
        ["ba92f5b4-2d11-453d-a403-e96b0029c9fe"] = StorageAccounts, // Storage Blob Data Contributor
        ["974c5e8b-45b9-4653-ba55-5f855dd0fb88"] = StorageAccounts, // Storage Queue Data Contributor
        ["0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3"] = StorageAccounts, // Storage Table Data Contributor
        ["b86a8fe4-44ce-4948-aee5-eccb2c155cd7"] = "Microsoft.KeyVault/vaults", // Key Vault Secrets Officer
        ["f526a384-b230-433a-b45c-95f59c4a2dec"] = "Microsoft.EventHub/namespaces", // Azure Event Hubs Data Owner
    };

    private static readonly string[] _privilegedRoles =
    [
        "8e3af657-a8ff-443c-a75c-2fe8c4bcb635", // Owner
        "b24988ac-6180-42a0-ab88-20f7382dd24c", // Contributor
        "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9", // User Access Administrator
    ];

    private IEnumerable<ArmResource> Assignments => ArmTemplate.OfType(infra.Main, RoleAssignmentType);

    private IEnumerable<ArmResource> AppAssignments => Assignments.Where(a =>
        a.Properties["principalId"]!.GetValue<string>().Contains("Microsoft.ManagedIdentity/userAssignedIdentities", StringComparison.Ordinal));

    private IEnumerable<ArmResource> UserAssignments => Assignments.Where(a =>
        a.Properties["principalId"]!.GetValue<string>() == "[parameters('userPrincipalId')]");

    [Fact]
    public void AppIdentity_RoleAssignments_AreExactlyTheDataRolesItNeeds()
    {
        var roles = AppAssignments.Select(ArmTemplate.RoleDefinitionGuid).ToList();

        Assert.Equal(_appRoles.Keys.Order(StringComparer.Ordinal), roles.Order(StringComparer.Ordinal));
        Assert.All(AppAssignments, a => Assert.Equal("ServicePrincipal", a.Properties["principalType"]!.GetValue<string>()));
        Assert.All(AppAssignments, a => Assert.Null(a.Resource["condition"]));
    }

    [Fact]
    public void AppIdentity_RoleAssignments_AreScopedToTheirOwnResource()
    {
        var scopes = AppAssignments.Select(a => (Role: ArmTemplate.RoleDefinitionGuid(a), Scope: a.Resource["scope"]?.GetValue<string>()));

        Assert.All(scopes, s => Assert.StartsWith($"[resourceId('{_appRoles[s.Role]}',", s.Scope, StringComparison.Ordinal));
    }

    [Fact]
    public void AppIdentity_RoleAssignments_TargetTheIdentityTheFunctionAppRunsAs()
    {
        var rbac = ArmTemplate.Module(infra.Main, "rbac");
        var identity = ArmTemplate.Module(infra.Main, "identity");
        var api = ArmTemplate.Module(infra.Main, "api");

        var assignedIdentity = ArmTemplate.PassedValue(rbac, "appIdentityName")!.GetValue<string>();

        Assert.Equal(ArmTemplate.PassedValue(identity, "name")!.GetValue<string>(), assignedIdentity);
        Assert.Equal("[reference('identity').outputs.id.value]", ArmTemplate.PassedValue(api, "identityId")!.GetValue<string>());
        Assert.All(AppAssignments, a => Assert.Contains("parameters('appIdentityName')", a.Properties["principalId"]!.GetValue<string>(), StringComparison.Ordinal));
    }

    [Fact]
    public void DeployingUser_RoleAssignments_AreOptionalDataRoles()
    {
        var rbac = ArmTemplate.Module(infra.Main, "rbac");

        var roles = UserAssignments.Select(ArmTemplate.RoleDefinitionGuid).ToList();

        Assert.Equal("[parameters('principalId')]", ArmTemplate.PassedValue(rbac, "userPrincipalId")!.GetValue<string>());
        Assert.Equal(_userRoles.Keys.Order(StringComparer.Ordinal), roles.Order(StringComparer.Ordinal));
        Assert.All(UserAssignments, a =>
        {
            Assert.Equal("User", a.Properties["principalType"]!.GetValue<string>());
            Assert.Equal("[not(empty(parameters('userPrincipalId')))]", a.Resource["condition"]?.GetValue<string>());
            Assert.StartsWith($"[resourceId('{_userRoles[ArmTemplate.RoleDefinitionGuid(a)]}',", a.Resource["scope"]?.GetValue<string>(), StringComparison.Ordinal);
        });
    }

    [Fact]
    public void RoleAssignments_All_BelongToTheAppIdentityOrTheDeployingUser()
    {
        var all = Assignments.Count();

        Assert.Equal(all, AppAssignments.Count() + UserAssignments.Count());
        Assert.Equal(_appRoles.Count + _userRoles.Count, all);
    }

    [Fact]
    public void RoleAssignments_All_GrantNoPrivilegedRole()
    {
        var roles = Assignments.Select(ArmTemplate.RoleDefinitionGuid).ToList();

        Assert.All(_privilegedRoles, privileged =>
        {
            Assert.DoesNotContain(privileged, roles);
            Assert.DoesNotContain(privileged, infra.MainText, StringComparison.OrdinalIgnoreCase);
        });
    }

    [Fact]
    public void RoleAssignments_All_AreScopedToAResourceNotTheGroupOrSubscription()
    {
        var topLevel = ArmTemplate.Resources(infra.Main).Where(r => r["type"]?.GetValue<string>() == RoleAssignmentType);

        Assert.Empty(topLevel);
        Assert.All(Assignments, a =>
        {
            var scope = a.Resource["scope"]?.GetValue<string>();
            Assert.NotNull(scope);
            Assert.StartsWith("[resourceId('Microsoft.", scope, StringComparison.Ordinal);
            Assert.DoesNotContain("resourceGroup()", scope, StringComparison.Ordinal);
            Assert.DoesNotContain("subscription()", scope, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void RoleAssignments_Names_AreGuidsOfScopePrincipalAndRole()
    {
        var names = Assignments.Select(a => (a.Name, Role: ArmTemplate.RoleDefinitionGuid(a), Scope: a.Resource["scope"]!.GetValue<string>()));

        Assert.All(names, n =>
        {
            Assert.StartsWith("[guid(" + n.Scope[1..^1] + ", ", n.Name, StringComparison.Ordinal);
            Assert.EndsWith(")]", n.Name, StringComparison.Ordinal);
        });
    }
}
