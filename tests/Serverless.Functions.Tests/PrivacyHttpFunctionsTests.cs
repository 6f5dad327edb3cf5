using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Routing;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Moq;
using Serverless.Functions.Hosting;
using Serverless.Functions.Http;
using Serverless.Functions.Privacy;
using Serverless.Pipeline.Configuration;
using Serverless.Pipeline.Ingestion;
using Serverless.Pipeline.Privacy.Api;
using static Serverless.Functions.Tests.HttpInvocation;

namespace Serverless.Functions.Tests;

/// <summary>
/// Who gets into the privacy API in Azure. These answers come before the pipeline is touched, so no storage is needed:
/// the pipeline below is never built.
/// </summary>
public sealed class PrivacyHttpFunctionsTests
{
    private readonly DurableTaskClient _client = new Mock<DurableTaskClient>("test").Object;

    [Fact]
    public async Task Request_AuthenticationOnAndNoPrincipal_Is401Problem()
    {
        var functions = Functions(authenticationEnabled: true);

        var (status, contentType, body) = await RunAsync(functions.ListErasuresAsync(Request(principal: null), _client, CancellationToken.None));

        Assert.Equal(401, status);
        Assert.Equal(Problem.ContentType, contentType);
        Assert.Equal("Not authenticated", body.RootElement.GetProperty("title").GetString());
    }

    [Fact]
    public async Task Request_AuthenticationOffButPrincipalHeaderSent_Is401()
    {
        // Without App Service authentication nothing strips a forged header, so it must not count.
        var functions = Functions(authenticationEnabled: false);

        var (status, _, _) = await RunAsync(functions.GetErasureAsync(Request(Principal("Officer A", "compliance")), "er_1", _client, CancellationToken.None));

        Assert.Equal(401, status);
    }

    [Fact]
    public async Task Request_PrincipalWithoutComplianceRole_Is403Problem()
    {
        var functions = Functions(authenticationEnabled: true);

        var (status, contentType, body) = await RunAsync(functions.ApproveErasureAsync(Request(Principal("Clerk", "reader")), "er_1", _client, CancellationToken.None));

        Assert.Equal(403, status);
        Assert.Equal(Problem.ContentType, contentType);
        Assert.Contains("compliance", body.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Authenticate_AuthenticationOnAndComplianceRole_IsAComplianceOfficer()
    {
        var functions = Functions(authenticationEnabled: true);

        var caller = functions.Authenticate(Request(Principal("Officer A", "compliance")));

        Assert.NotNull(caller);
        Assert.Equal("Officer A", caller.Name);
        Assert.True(caller.IsComplianceOfficer);
    }

    [Fact]
    public async Task JsonResponse_CreatedRequest_WritesStatusBodyAndLocation()
    {
        var response = JsonResponse.From(new ApiResponse(202, new { id = "er_1", status = "Registered" }, Location: "/api/privacy/erasures/er_1"));

        var context = new DefaultHttpContext();
        context.Response.Body = new MemoryStream();
        await response.ExecuteResultAsync(new ActionContext(context, new RouteData(), new ActionDescriptor()));

        Assert.Equal(202, context.Response.StatusCode);
        Assert.Equal("/api/privacy/erasures/er_1", context.Response.Headers.Location.ToString());
        context.Response.Body.Position = 0;
        using var body = await JsonDocument.ParseAsync(context.Response.Body);
        Assert.Equal("er_1", body.RootElement.GetProperty("id").GetString());
    }

    private static PrivacyHttpFunctions Functions(bool authenticationEnabled)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [AppSettings.AppServiceAuthenticationEnabled] = authenticationEnabled ? "True" : null })
            .Build();
        var pipeline = new PipelineProvider(Options.Create(new PipelineOptions()), configuration,
            new BlobServiceClient("UseDevelopmentStorage=true"), new TableServiceClient("UseDevelopmentStorage=true"),
            Mock.Of<IEventStream>(), TimeProvider.System, NullLoggerFactory.Instance);
        return new PrivacyHttpFunctions(new PrivacyServices(pipeline, TimeProvider.System), configuration, NullLogger<PrivacyHttpFunctions>.Instance);
    }
}
