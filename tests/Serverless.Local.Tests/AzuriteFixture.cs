using Serverless.Local.Azurite;

namespace Serverless.Local.Tests;

/// <summary>One real Azurite for every end-to-end test of this assembly; each runtime isolates itself with a storage prefix.</summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    private AzuriteServer? _server;

    public AzuriteServer Server => _server ?? throw new InvalidOperationException("Azurite has not started.");

    public async Task InitializeAsync() => _server = await AzuriteServer.StartAsync();

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "Azurite";
}
