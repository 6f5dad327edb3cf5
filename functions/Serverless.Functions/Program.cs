using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;
using Serverless.Functions.Hosting;

// The Azure Functions host of the pipeline: webhook ingestion over HTTP, processing from Event Hubs. Everything that
// decides anything is in Serverless.Pipeline; this app binds triggers to it and turns its answers into responses.
var builder = FunctionsApplication.CreateBuilder(args);

// ASP.NET Core integration (HttpRequest in, IActionResult out). The extension's analyzer looks for this call here.
builder.ConfigureFunctionsWebApplication();

builder.Services.AddCustomerDataPipeline(builder.Configuration);

await builder.Build().RunAsync();
