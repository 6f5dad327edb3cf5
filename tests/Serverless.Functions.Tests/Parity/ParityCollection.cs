namespace Serverless.Functions.Tests.Parity;

/// <summary>The collection whose tests share the two hosts over one Azurite of their own (collection definitions must live in the test assembly).</summary>
[CollectionDefinition(Name)]
public sealed class ParityCollection : ICollectionFixture<ParityHosts>
{
    public const string Name = "Parity hosts";
}
