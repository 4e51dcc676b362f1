using System.Globalization;
using IngestWorker.Http;
using IngestWorker.Options;
using IngestWorker.Triggers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace IngestWorker.Dashboard;

/// <summary>
/// The dashboard: one static page (embedded in this assembly, so nothing is fetched from anywhere
/// else) and the JSON it polls.
/// </summary>
internal static class DashboardEndpoints
{
    private static readonly Dictionary<string, string> Assets = new(StringComparer.Ordinal)
    {
        ["/"] = "index.html",
        ["/dashboard.css"] = "dashboard.css",
        ["/dashboard.js"] = "dashboard.js",
    };

    public static void Map(IEndpointRouteBuilder app, IServiceProvider services)
    {
        var decisions = services.GetRequiredService<DecisionLog>();
        var counters = services.GetRequiredService<LiveCounters>();
        var options = services.GetRequiredService<IOptions<IngestWorkerOptions>>().Value;
        var trigger = services.GetRequiredService<IWorkerTrigger>();
        var leader = services.GetService<ScanLeader>();
        var started = DateTimeOffset.UtcNow;

        foreach (var (path, name) in Assets)
        {
            var content = ReadAsset(name);
            var type = Path.GetExtension(name) switch { ".html" => "text/html; charset=utf-8", ".css" => "text/css; charset=utf-8", _ => "text/javascript; charset=utf-8" };
            app.MapGet(path, context =>
            {
                context.Response.ContentType = type;
                Secure(context);
                return context.Response.Body.WriteAsync(content, context.RequestAborted).AsTask();
            });
        }

        app.MapGet("/api/summary", context =>
        {
            Secure(context);
            var aggregates = decisions.Aggregates();
            return context.Response.WriteAsJsonAsync(new
            {
                worker = new
                {
                    machine = Environment.MachineName,
                    processId = Environment.ProcessId,
                    startedAt = started,
                    mode = options.Trigger.Mode,
                    input = options.Containers.Input,
                    pipelineVersion = options.Pipeline.Version,
                    taking = trigger.Started.IsCompletedSuccessfully,
                    scanLeader = leader?.IsLeader,
                },
                counters = counters.Snapshot(),
                minutes = aggregates.Minutes,
                qualityScores = aggregates.QualityScores,
                languages = aggregates.Languages,
            }, HttpServer.Json, context.RequestAborted);
        });

        app.MapGet("/api/documents", context =>
        {
            Secure(context);
            var list = decisions.Recent(options.Http.RecentDocuments).Select(d => new
            {
                d.Id, d.At, d.BlobName, d.Outcome, d.Reasons, d.Stage, d.Language, d.QualityScore, d.KeptLineCount, d.RemovedLineCount,
            });
            return context.Response.WriteAsJsonAsync(list, HttpServer.Json, context.RequestAborted);
        });

        app.MapGet("/api/documents/{id}", context =>
        {
            Secure(context);
            var found = long.TryParse(context.Request.RouteValues["id"] as string, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
                ? decisions.Find(id)
                : null;
            if (found is null)
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return context.Response.WriteAsJsonAsync(new { error = "no such document among the recent ones (the dashboard keeps the last " + options.Http.RecentDocuments + ")" }, HttpServer.Json, context.RequestAborted);
            }
            return context.Response.WriteAsJsonAsync(found, HttpServer.Json, context.RequestAborted);
        });
    }

    // The page shows document text from the wild: nothing in it may run script or load anything.
    private static void Secure(HttpContext context)
    {
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers.XContentTypeOptions = "nosniff";
        context.Response.Headers.ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'";
    }

    private static byte[] ReadAsset(string name)
    {
        using var stream = typeof(DashboardEndpoints).Assembly.GetManifestResourceStream("IngestWorker.Dashboard." + name)
            ?? throw new InvalidOperationException($"The dashboard asset {name} is not embedded in the worker.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
