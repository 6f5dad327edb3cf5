namespace Serverless.Functions.Tests;

/// <summary>The collection whose tests share one Azurite (collection definitions must live in the test assembly).</summary>
[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "Azurite";
}
