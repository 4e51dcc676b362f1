// dotnet run -c Release --project bench/IngestWorker.MemoryBench -- stages [--size 10485760] [--inputs a-lines,word-lines,...]
// dotnet run -c Release --project bench/IngestWorker.MemoryBench -- burst [--count 16] [--size 10485760] [--rounds 3] [--idle 20]
//     [--inputs a-lines,...] [--configs workstation-noidle,workstation,...] [--worker path/IngestWorker.dll]
//     [--while-watching]
//
// stages   runs every standard pipeline stage (in-memory state, no language model) over each
//          hostile input in this process, and prints per stage the bytes allocated
//          (GC.GetTotalAllocatedBytes, precise) and the live heap after it (after a full GC), in
//          multiples of the input's size.
// burst    the worker (Release build, its own process, a startup hook reporting its GC heap) on a
//          fresh in-memory Azurite per run: --count inputs of --size bytes (the kinds in turn) dropped
//          at once; peak RSS (VmHWM) and GC heap during the burst, and both after --idle seconds
//          idle, per GC configuration (see BurstMemory.Configs). --while-watching uploads the burst
//          once the worker is scanning, and prints each upload's duration and how long before its
//          end storage stamped its Last-Modified.
using System.Globalization;

var mode = args.FirstOrDefault() ?? "stages";
return mode switch
{
    "stages" => await StageMemory.RunAsync(args),
    "burst" => await BurstMemory.RunAsync(args),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("Usage: IngestWorker.MemoryBench stages|burst [options]; see Program.cs");
    return 2;
}

internal static class Args
{
    public static string? Option(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    public static int Int(string[] args, string name, int fallback) =>
        Option(args, name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
}
