using System.Diagnostics.Metrics;
using IngestWorker.Options;
using IngestWorker.Storage;
using IngestWorker.Telemetry;
using Microsoft.Extensions.DependencyInjection;

namespace IngestWorker.Tests;

public sealed class StorageRequestCounterTests
{
    private static readonly ContainerOptions Containers = new() { Input = "in", Accepted = "ok", Rejected = "no", Poison = "bad", State = "state" };

    [Theory]
    [InlineData("http://127.0.0.1:10000/devstoreaccount1/in/news/a.txt", "input", "")]
    [InlineData("https://acct.blob.core.windows.net/ok/news/a.txt.json", "accepted", "")]
    [InlineData("https://acct.blob.core.windows.net/state/receipts/v1/in/a.txt@0x1", "state", "receipts")]
    [InlineData("http://127.0.0.1:10000/devstoreaccount1/state/log/v1/segments/000000000042", "state", "log/segments")]
    [InlineData("http://127.0.0.1:10000/devstoreaccount1/state/log/v1/checkpoints/000000000100", "state", "log/checkpoints")]
    [InlineData("https://acct.blob.core.windows.net/elsewhere/x", "other", "")]
    [InlineData("https://acct.blob.core.windows.net/?comp=list", "account", "")]
    public void Requests_are_tagged_by_what_they_are_for_not_by_container_name(string uri, string role, string area)
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var counter = new StorageRequestCounter(Containers, new IngestWorkerMetrics(services.GetRequiredService<IMeterFactory>()));
        Assert.Equal((role, area), counter.Classify(new Uri(uri)));
    }
}
