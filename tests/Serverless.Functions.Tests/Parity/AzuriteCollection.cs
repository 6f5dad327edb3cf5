namespace Serverless.Functions.Tests.Parity;

/// <summary>The collection whose tests share one Azurite and the two hosts over it (collection definitions must live in the test assembly).</summary>
[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<ParityHosts>
{
    public const string Name = "Azurite";
}
