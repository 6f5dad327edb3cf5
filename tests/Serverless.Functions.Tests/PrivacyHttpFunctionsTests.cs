using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Functions.Hosting;
using Serverless.Functions.Http;
using Serverless.Functions.Privacy;
using Serverless.Pipeline.Http;
using Serverless.Pipeline.Privacy.Api;
using Serverless.Pipeline.Problems;
using static Serverless.Functions.Tests.HttpInvocation;

namespace Serverless.Functions.Tests;

/// <summary>
/// Who gets into the privacy API in Azure. These answers come before the pipeline is touched, so no storage is needed:
/// the pipeline below is never built.
/// </summary>
public sealed class PrivacyHttpFunctionsTests
{
    [Fact]
    public async Task Request_AuthenticationOnAndNoPrincipal_Is401Problem()
    {
        await using var app = App(authenticationEnabled: true);

        var answer = await app.SendAsync(new HostRequest("GET", "/api/privacy/erasures", Headers()));

        Assert.Equal(401, answer.Status);
        Assert.Equal(Problem.ContentType, answer.ContentType);
        Assert.Equal("Not authenticated", answer.Body!["title"]!.GetValue<string>());
    }

    [Fact]
    public async Task Request_AuthenticationOffButPrincipalHeaderSent_Is401()
    {
        // Without App Service authentication nothing strips a forged header, so it must not count.
        await using var app = App(authenticationEnabled: false);

        var answer = await app.SendAsync(new HostRequest("GET", "/api/privacy/erasures/er_1", Headers(Principal("Officer A", "compliance"))));

        Assert.Equal(401, answer.Status);
    }

    [Fact]
    public async Task Request_PrincipalWithoutComplianceRole_Is403Problem()
    {
        await using var app = App(authenticationEnabled: true);

        var answer = await app.SendAsync(new HostRequest("POST", "/api/privacy/erasures/er_1/approve", Headers(Principal("Clerk", "reader"))));

        Assert.Equal(403, answer.Status);
        Assert.Equal(Problem.ContentType, answer.ContentType);
        Assert.Contains("compliance", answer.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Authenticate_AuthenticationOnAndComplianceRole_IsAComplianceOfficer()
    {
        var authenticator = new AppServiceAuthenticator(true, NullLogger<AppServiceAuthenticator>.Instance);

        var caller = authenticator.Authenticate(new IncomingRequest(Headers(Principal("Officer A", "compliance")),
            new Dictionary<string, string>(), new Dictionary<string, string>(), null, null, Stream.Null));

        Assert.NotNull(caller);
        Assert.Equal("Officer A", caller.Name);
        Assert.True(caller.IsComplianceOfficer);
    }

    [Fact]
    public async Task JsonResponse_CreatedRequest_WritesStatusBodyAndLocation()
    {
        var response = new JsonResponse(HttpAnswer.From(new ApiResponse(202, new { id = "er_1", status = "Registered" }, Location: "/api/privacy/erasures/er_1")));

        var context = new DefaultHttpContext();
        context.Response.Body = new MemoryStream();
        await response.ExecuteResultAsync(new ActionContext(context, new RouteData(), new ActionDescriptor()));

        Assert.Equal(202, context.Response.StatusCode);
        Assert.Equal("/api/privacy/erasures/er_1", context.Response.Headers.Location.ToString());
        context.Response.Body.Position = 0;
        using var body = await JsonDocument.ParseAsync(context.Response.Body);
        Assert.Equal("er_1", body.RootElement.GetProperty("id").GetString());
    }

    [Fact]
    public async Task Functions_FromTheAppsRegistration_AreConstructed()
    {
        await using var app = App(authenticationEnabled: true);

        Assert.NotNull(ActivatorUtilities.CreateInstance<PrivacyHttpFunctions>(app.Services));
    }

    private static FunctionsApp App(bool authenticationEnabled) => FunctionsApp.Create(new Dictionary<string, string?>
    {
        [AppSettings.AppServiceAuthenticationEnabled] = authenticationEnabled ? "True" : null,
        [AppSettings.StorageConnectionString] = "UseDevelopmentStorage=true",
        [AppSettings.EventHubName] = "events",
        [AppSettings.EventHubNamespace] = "example.servicebus.windows.net",
    });
}
