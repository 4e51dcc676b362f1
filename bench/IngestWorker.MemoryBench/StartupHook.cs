using System.Diagnostics;
using System.Globalization;

/// <summary>
/// Loaded into the worker's process through DOTNET_STARTUP_HOOKS, so the worker measured is the
/// unmodified IngestWorker.dll: every 100 ms writes one line to standard error,
/// <c>memorybench heap committed gen2 server</c>: the GC heap in use (garbage included), the memory
/// the GC has committed, the count of full collections, and whether server GC runs.
/// </summary>
internal static class StartupHook
{
    public const string LinePrefix = "memorybench ";

    public static void Initialize() => new Thread(Report) { IsBackground = true, Name = "memorybench" }.Start();

    private static void Report()
    {
        while (true)
        {
            var info = GC.GetGCMemoryInfo();
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{LinePrefix}{GC.GetTotalMemory(false)} {info.TotalCommittedBytes} {GC.CollectionCount(2)} {(System.Runtime.GCSettings.IsServerGC ? 1 : 0)}"));
            Thread.Sleep(100);
        }
    }
}
