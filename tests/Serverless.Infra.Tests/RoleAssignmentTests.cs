using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Serverless.Infra.Tests;

[Collection(InfraCollection.Name)]
public sealed partial class RoleAssignmentTests(InfraFixture infra)
{
    private const string RoleAssignmentType = "Microsoft.Authorization/roleAssignments";
    private const string StorageAccounts = "Microsoft.Storage/storageAccounts";
    private const string DataAccount = "storageAccountName";
    private const string HostAccount = "hostStorageAccountName";

    /// <summary>The app identity's roles: role definition id, the resource type of its scope and the rbac parameter naming that resource.</summary>
    private static readonly (string Role, string Type, string Resource)[] AppRoles =
    [
        ("b7e6dc6d-f1e8-4753-8033-0f276bb0955b", StorageAccounts, HostAccount), // Storage Blob Data Owner (Functions host, Flex deployment)
        ("974c5e8b-45b9-4653-ba55-5f855dd0fb88", StorageAccounts, HostAccount), // Storage Queue Data Contributor (Durable)
        ("0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3", StorageAccounts, HostAccount), // Storage Table Data Contributor (Durable)
        ("ba92f5b4-2d11-453d-a403-e96b0029c9fe", StorageAccounts, DataAccount), // Storage Blob Data Contributor (pipeline)
        ("0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3", StorageAccounts, DataAccount), // Storage Table Data Contributor (pipeline)
        ("2b629674-e913-4c01-ae53-ef4638d8f975", "Microsoft.EventHub/namespaces/eventhubs", "eventHubsNamespaceName"), // Azure Event Hubs Data Sender
        ("a638d3c7-ab3a-418d-83e6-5f17a39d4fde", "Microsoft.EventHub/namespaces/eventhubs", "eventHubsNamespaceName"), // Azure Event Hubs Data Receiver
        ("4633458b-17de-408a-b874-0445c86b69e6", "Microsoft.KeyVault/vaults", "keyVaultName"), // Key Vault Secrets User
        ("3913510d-42f4-4e42-8a64-420c390055eb", "Microsoft.Insights/components", "applicationInsightsName"), // Monitoring Metrics Publisher
    ];

    /// <summary>The deploying principal's optional roles, by role definition id, and the resource type each is scoped to.</summary>
    private static readonly (string Role, string Type, string Resource)[] UserRoles =
    [
        ("ba92f5b4-2d11-453d-a403-e96b0029c9fe", StorageAccounts, DataAccount), // Storage Blob Data Contributor
        ("0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3", StorageAccounts, DataAccount), // Storage Table Data Contributor
        ("b86a8fe4-44ce-4948-aee5-eccb2c155cd7", "Microsoft.KeyVault/vaults", "keyVaultName"), // Key Vault Secrets Officer
        ("f526a384-b230-433a-b45c-95f59c4a2dec", "Microsoft.EventHub/namespaces", "eventHubsNamespaceName"), // Azure Event Hubs Data Owner
    ];

    private static readonly string[] PrivilegedRoles =
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
        var roles = AppAssignments.Select(Grant).ToList();

        Assert.Equal(AppRoles.Order(), roles.Order());
        Assert.All(AppAssignments, a => Assert.Equal("ServicePrincipal", a.Properties["principalType"]!.GetValue<string>()));
        Assert.All(AppAssignments, a => Assert.Null(a.Resource["condition"]));
    }

    [Fact]
    public void AppIdentity_RoleAssignments_AreScopedToTheirOwnResource()
    {
        var scopes = AppAssignments.Select(a => (Grant: Grant(a), Scope: a.Resource["scope"]?.GetValue<string>()));

        Assert.All(scopes, s => Assert.StartsWith($"[resourceId('{s.Grant.Type}', parameters('{s.Grant.Resource}')", s.Scope, StringComparison.Ordinal));
    }

    [Fact]
    public void AppIdentity_StorageRoles_HostAccountForTheHostAndDurableDataAccountWithoutQueues()
    {
        var rbac = ArmTemplate.Module(infra.Main, "rbac");

        var host = AppAssignments.Select(Grant).Where(g => g.Resource == HostAccount).Select(g => g.Role).Order(StringComparer.Ordinal);
        var data = AppAssignments.Select(Grant).Where(g => g.Resource == DataAccount).Select(g => g.Role).Order(StringComparer.Ordinal);

        Assert.Equal(["0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3", "974c5e8b-45b9-4653-ba55-5f855dd0fb88", "b7e6dc6d-f1e8-4753-8033-0f276bb0955b"], host);
        Assert.Equal(["0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3", "ba92f5b4-2d11-453d-a403-e96b0029c9fe"], data);
        Assert.Equal("[variables('names').hostStorage]", ArmTemplate.PassedValue(rbac, HostAccount)!.GetValue<string>());
        Assert.Equal("[variables('names').storage]", ArmTemplate.PassedValue(rbac, DataAccount)!.GetValue<string>());
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

        var roles = UserAssignments.Select(Grant).ToList();

        Assert.Equal("[parameters('principalId')]", ArmTemplate.PassedValue(rbac, "userPrincipalId")!.GetValue<string>());
        Assert.Equal(UserRoles.Order(), roles.Order());
        Assert.All(UserAssignments, a =>
        {
            Assert.Equal("[not(empty(parameters('userPrincipalId')))]", a.Resource["condition"]?.GetValue<string>());
            Assert.StartsWith($"[resourceId('{Grant(a).Type}', parameters('{Grant(a).Resource}')", a.Resource["scope"]?.GetValue<string>(), StringComparison.Ordinal);
        });
    }

    [Fact]
    public void DeployingPrincipal_PrincipalType_ComesFromAzdAndDefaultsToUser()
    {
        var rbac = ArmTemplate.Module(infra.Main, "rbac");
        var file = JsonNode.Parse(File.ReadAllText(RepositoryRoot.Combine("infra", "main.parameters.json")))!;

        var parameter = infra.Main["parameters"]!["principalType"]!;

        Assert.Equal("${AZURE_PRINCIPAL_TYPE=User}", file["parameters"]!["principalType"]?["value"]?.GetValue<string>());
        Assert.Equal(["ServicePrincipal", "User"], parameter["allowedValues"]!.AsArray().Select(v => v!.GetValue<string>()).Order(StringComparer.Ordinal));
        Assert.Equal("User", parameter["defaultValue"]!.GetValue<string>());
        Assert.Equal("[parameters('principalType')]", ArmTemplate.PassedValue(rbac, "userPrincipalType")!.GetValue<string>());
        Assert.NotEmpty(UserAssignments);
        Assert.All(UserAssignments, a => Assert.Equal("[parameters('userPrincipalType')]", a.Properties["principalType"]!.GetValue<string>()));
    }

    [Fact]
    public void DeployingPrincipal_PrincipalTypeOfTheRbacModule_AllowsUserAndServicePrincipal()
    {
        var rbac = ArmTemplate.Module(infra.Main, "rbac")["properties"]!["template"]!;

        var parameter = rbac["parameters"]!["userPrincipalType"]!;

        Assert.Equal(["ServicePrincipal", "User"], parameter["allowedValues"]!.AsArray().Select(v => v!.GetValue<string>()).Order(StringComparer.Ordinal));
        Assert.Equal("User", parameter["defaultValue"]!.GetValue<string>());
    }

    [Fact]
    public void RoleAssignments_All_BelongToTheAppIdentityOrTheDeployingUser()
    {
        var all = Assignments.Count();

        Assert.Equal(all, AppAssignments.Count() + UserAssignments.Count());
        Assert.Equal(AppRoles.Length + UserRoles.Length, all);
    }

    [Fact]
    public void RoleAssignments_All_GrantNoPrivilegedRole()
    {
        var roles = Assignments.Select(ArmTemplate.RoleDefinitionGuid).ToList();

        Assert.All(PrivilegedRoles, privileged =>
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

    /// <summary>What an assignment grants: its role, and the type and rbac parameter of the resource it is scoped to.</summary>
    private static (string Role, string Type, string Resource) Grant(ArmResource assignment)
    {
        var scope = ScopeExpression().Match(assignment.Resource["scope"]?.GetValue<string>() ?? string.Empty);
        Assert.True(scope.Success, "Cannot read the scope of " + assignment.Name);
        return (ArmTemplate.RoleDefinitionGuid(assignment), scope.Groups[1].Value, scope.Groups[2].Value);
    }

    [GeneratedRegex(@"^\[resourceId\('([^']+)', parameters\('([^']+)'\)")]
    private static partial Regex ScopeExpression();

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
