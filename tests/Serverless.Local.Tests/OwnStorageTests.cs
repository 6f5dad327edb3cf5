using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Serverless.DevKit.Azurite;
using Serverless.DevKit.Discovery;
using Serverless.Local.Hosting;

namespace Serverless.Local.Tests;

/// <summary>With no storage configured, the runtime starts an Azurite of its own and tells the tools beside it where it is.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class OwnStorageTests
{
    private static readonly int[] AzuriteDefaultPorts = [10000, 10001, 10002];

    [Fact]
    public async Task Start_AnotherProgramListensOnAzuritesDefaultPorts_StartsItsOwnAzuriteElsewhere()
    {
        // Arrange: whatever listens on 10000-10002 stands for someone else's Azurite (ports already taken count too).
        var squatters = AzuriteDefaultPorts.Select(TryListen).OfType<TcpListener>().ToList();
        var stateFile = Path.Combine(Path.GetTempPath(), "runtime-state-" + Guid.NewGuid().ToString("N") + ".json");
        try
        {
            await using var factory = new OwnStorageFactory(stateFile);

            // Act
            var runtime = factory.Services.GetRequiredService<LocalRuntime>();
            var state = LocalRuntimeState.ReadLive(stateFile);

            // Assert
            var azurite = Assert.IsType<AzuriteServer>(runtime.Storage.Azurite);
            Assert.DoesNotContain(azurite.BlobPort, AzuriteDefaultPorts);
            Assert.DoesNotContain(azurite.TablePort, AzuriteDefaultPorts);
            Assert.NotNull(state);
            Assert.Equal(azurite.ConnectionString, state.ConnectionString);
            Assert.Equal(Environment.ProcessId, state.ProcessId);
            Assert.True(state.SettingsFile is not null && File.Exists(state.SettingsFile), "The state names the settings file the runtime read.");
        }
        finally
        {
            squatters.ForEach(l => l.Stop());
        }

        Assert.False(File.Exists(stateFile), "The runtime removes its state file when it stops.");
    }

    [Fact]
    public async Task Start_UseRunningAzuriteWithNothingListening_FailsNamingTheSetting()
    {
        var squatters = AzuriteDefaultPorts.Select(TryListen).OfType<TcpListener>().ToList();
        squatters.ForEach(l => l.Stop()); // free again, and known to be free: nothing listens there now
        if (squatters.Count < AzuriteDefaultPorts.Length)
        {
            // Something real listens there on this machine; the other test covers that case.
            return;
        }

        var stateFile = Path.Combine(Path.GetTempPath(), "runtime-state-" + Guid.NewGuid().ToString("N") + ".json");
        await using var factory = new OwnStorageFactory(stateFile, useRunningAzurite: true);

        var failure = Assert.ThrowsAny<Exception>(() => factory.Services);

        Assert.Contains("Storage:UseRunningAzurite", failure.ToString(), StringComparison.Ordinal);
        Assert.False(File.Exists(stateFile));
    }

    private static TcpListener? TryListen(int port)
    {
        try
        {
            var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return listener;
        }
        catch (SocketException)
        {
            return null;
        }
    }

    private sealed class OwnStorageFactory(string stateFile, bool useRunningAzurite = false) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseSetting("Storage:AzuriteInMemory", "true");
            builder.UseSetting("Storage:RuntimeStateFile", stateFile);
            builder.UseSetting("Storage:UseRunningAzurite", useRunningAzurite ? "true" : "false");
            builder.UseSetting("Local:Stream:DataDirectory", Directory.CreateTempSubdirectory("own-storage-stream").FullName);
        }
    }
}
