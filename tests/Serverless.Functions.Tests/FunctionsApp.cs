using System.Reflection;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Moq;
using Serverless.Functions.Hosting;
using Serverless.Functions.Triggers;

namespace Serverless.Functions.Tests;

/// <summary>
/// The Functions app as its host builds it (<c>AddCustomerDataPipeline</c> over the given settings), its HTTP functions
/// invoked directly with a real <see cref="DefaultHttpContext"/>: the function is found by its trigger's method and
/// route, and its parameters bound as the host binds them (route values by name, a Moq Durable client).
/// </summary>
internal sealed class FunctionsApp : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private FunctionsApp(ServiceProvider services) => _services = services;

    public IServiceProvider Services => _services;

    public DurableTaskClient DurableClient { get; } = new Mock<DurableTaskClient>("test").Object;

    public static FunctionsApp Create(IReadOnlyDictionary<string, string?> settings, Action<IServiceCollection>? replace = null) =>
        Create(new ConfigurationBuilder().AddInMemoryCollection(settings).Build(), replace);

    public static FunctionsApp Create(IConfiguration configuration, Action<IServiceCollection>? replace = null)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddCustomerDataPipeline(configuration);
        replace?.Invoke(services);
        return new FunctionsApp(services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true }));
    }

    /// <summary>Starts the hosted services as the worker does when it starts (the warm-up among them).</summary>
    public async Task StartAsync()
    {
        foreach (var service in _services.GetServices<IHostedService>())
        {
            await service.StartAsync(CancellationToken.None);
        }
    }

    public async Task<HostAnswer> SendAsync(HostRequest request)
    {
        var (function, routeValues) = HttpFunctions
            .Where(f => f.Verb == request.Method.ToLowerInvariant())
            .Select(f => (Function: f, Values: RouteValues(f.Route, request.Path)))
            .Single(f => f.Values is not null);
        var context = new DefaultHttpContext { RequestServices = _services };
        context.Request.Method = request.Method;
        context.Request.Path = request.Path;
        context.Request.QueryString = new QueryString(request.Query);
        foreach (var (name, value) in request.Headers)
        {
            context.Request.Headers[name] = value;
        }

        if (request.Body is not null)
        {
            context.Request.Body = new MemoryStream(request.Body);
            context.Request.ContentLength = request.Body.Length;
            context.Request.ContentType = request.ContentType;
        }

        var target = ActivatorUtilities.CreateInstance(_services, function.Runner.DeclaringType!);
        var arguments = function.Runner.GetParameters().Select(p => p.ParameterType == typeof(HttpRequest) ? context.Request
            : p.ParameterType == typeof(DurableTaskClient) ? DurableClient
            : p.ParameterType == typeof(CancellationToken) ? CancellationToken.None
            : (object)routeValues![p.Name!]).ToArray();
        var result = await (Task<IActionResult>)function.Runner.Invoke(target, arguments)!;

        context.Response.Body = new MemoryStream();
        await result.ExecuteResultAsync(new ActionContext(context, new RouteData(), new ActionDescriptor()));
        context.Response.Body.Position = 0;
        var body = context.Response.Body.Length == 0 ? null : await JsonNode.ParseAsync(context.Response.Body);
        var headers = context.Response.Headers;
        return new HostAnswer(context.Response.StatusCode, context.Response.ContentType, headers.RetryAfter.FirstOrDefault(), headers.Location.FirstOrDefault(), body);
    }

    public ValueTask DisposeAsync() => _services.DisposeAsync();

    /// <summary>Every HTTP function of the app: its name, method, route template and the method that runs it.</summary>
    public static IReadOnlyList<(string Name, string Verb, string Route, MethodInfo Runner)> HttpFunctions { get; } = typeof(Health).Assembly.GetTypes()
        .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly))
        .Select(m => (Function: m.GetCustomAttribute<FunctionAttribute>(), Trigger: m.GetParameters().Select(p => p.GetCustomAttribute<HttpTriggerAttribute>()).SingleOrDefault(a => a is not null), Method: m))
        .Where(f => f.Function is not null && f.Trigger is not null)
        .SelectMany(f => f.Trigger!.Methods!.Select(method => (f.Function!.Name, method.ToLowerInvariant(), f.Trigger.Route!, f.Method)))
        .ToList();

    // The values a route template binds from a path under /api/, or null when the path is not the template's.
    private static Dictionary<string, string>? RouteValues(string template, string path)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var segments = template.Split('/');
        var parts = path.TrimStart('/').Split('/').Skip(1).ToArray();
        if (segments.Length != parts.Length)
        {
            return null;
        }

        for (var i = 0; i < segments.Length; i++)
        {
            if (segments[i].StartsWith('{'))
            {
                values[segments[i].Trim('{', '}')] = Uri.UnescapeDataString(parts[i]);
            }
            else if (!string.Equals(segments[i], parts[i], StringComparison.OrdinalIgnoreCase))
            {
                return null;
            }
        }

        return values;
    }
}
