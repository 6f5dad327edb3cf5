using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace Serverless.Local.Tests;

/// <summary>
/// Forwards storage requests to Azurite unchanged, except that it holds back for good every request that
/// <see cref="Hold"/> picks (given the method, the URL and the body), so that a test can kill the client there.
/// </summary>
internal sealed class StorageProxy : IAsyncDisposable
{
    private static readonly HashSet<string> NotForwarded = new(StringComparer.OrdinalIgnoreCase) { "Host", "Connection", "Transfer-Encoding", "Expect", "Keep-Alive" };
    private readonly WebApplication _app;
    private readonly HttpClient _client = new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false });
    private readonly TaskCompletionSource _held = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private StorageProxy(Uri target, Func<string, bool> hold)
    {
        Hold = hold;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _app = builder.Build();
        _app.Run(context => ForwardAsync(context, target));
    }

    public Func<string, bool> Hold { get; }

    /// <summary>Completes when the first request is held back.</summary>
    public Task Held => _held.Task;

    public Uri Address => new(_app.Urls.First());

    public static async Task<StorageProxy> StartAsync(Uri target, Func<string, bool> hold)
    {
        var proxy = new StorageProxy(target, hold);
        await proxy._app.StartAsync();
        return proxy;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _client.Dispose();
    }

    private async Task ForwardAsync(HttpContext context, Uri target)
    {
        var request = context.Request;
        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body, context.RequestAborted);
        if (Hold($"{request.Method} {request.Path}{request.QueryString}\n{Encoding.UTF8.GetString(body.ToArray())}"))
        {
            _held.TrySetResult();
            await Task.Delay(Timeout.Infinite, context.RequestAborted);
        }

        // The target exactly as sent: the decoded path would re-encode differently, and the table service's keys in it would not match.
        var rawTarget = context.Features.Get<IHttpRequestFeature>()!.RawTarget;
        using var forward = new HttpRequestMessage(new HttpMethod(request.Method), new Uri(target.GetLeftPart(UriPartial.Authority) + rawTarget));
        if (body.Length > 0 || request.ContentLength is not null)
        {
            forward.Content = new ByteArrayContent(body.ToArray());
        }

        foreach (var (name, values) in request.Headers.Where(h => !NotForwarded.Contains(h.Key)))
        {
            if (!forward.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values))
            {
                forward.Content?.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
            }
        }

        using var response = await _client.SendAsync(forward, context.RequestAborted);
        context.Response.StatusCode = (int)response.StatusCode;
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers).Where(h => !NotForwarded.Contains(h.Key)))
        {
            context.Response.Headers[name] = values.ToArray();
        }

        if (request.Method != HttpMethods.Head)
        {
            await response.Content.CopyToAsync(context.Response.Body, context.RequestAborted);
        }
    }
}
