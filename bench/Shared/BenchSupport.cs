using System.Text;

// Compiled into each bench that runs the worker against Azurite (see their .csproj files).

/// <summary>What the worker benches share: the repository root and the articles they drop.</summary>
internal static class BenchSupport
{
    public static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "IngestWorker.sln")))
                return dir.FullName;
        }
        throw new DirectoryNotFoundException("IngestWorker.sln not found");
    }

    /// <summary>The worker's Release build under <paramref name="root"/>; null, having said what to build, when it is missing.</summary>
    public static string? BuiltWorkerDll(string root)
    {
        var workerDll = Path.Combine(root, "src", "IngestWorker", "bin", "Release", "net10.0", "IngestWorker.dll");
        if (File.Exists(workerDll))
            return workerDll;
        Console.Error.WriteLine($"Build the worker first: dotnet build -c Release ({workerDll} is missing).");
        return null;
    }

    // A small news-like article (~1 KB). Its words, not only its numbers, differ per name: exact
    // dedup must not reject it, and site-template learning (which folds digits) must not take its
    // lines for the folder's furniture. So every paragraph draws from at least ~1,000 combinations:
    // with fewer, a folder of 100 articles holds the same paragraph several times, and template
    // learning rightly removes it as furniture.
    public static string Article(string name)
    {
        string[] places = ["Ashford", "Brampton", "Carlow", "Dunmore", "Elmstead", "Fairhaven", "Glenrock", "Hartwell", "Ivybridge", "Kingsbury", "Larkfield", "Millbrook", "Northgate", "Oakridge", "Pinehurst", "Redcliff"];
        string[] subjects = ["the new library", "the harbour wall", "the bus depot", "the river bridge", "the school roof", "the market square", "the water plant", "the cycle lanes", "the old mill", "the railway crossing"];
        string[] actions = ["approved money for", "postponed work on", "asked for a review of", "voted to sell", "agreed to repair", "rejected plans for"];
        string[] people = ["shopkeepers", "parents", "fishermen", "students", "pensioners", "nurses", "farmers", "teachers"];
        var random = new Random(BitConverter.ToInt32(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(name)), 0));
        string Pick(string[] words) => words[random.Next(words.Length)];
        var text = new StringBuilder();
        text.Append($"{Pick(places)} council {Pick(actions)} {Pick(subjects)}\n\n");
        // Five different sentence frames: one frame repeated would fail the quality stage's repetition rules.
        text.Append($"Councillors in {Pick(places)} {Pick(actions)} {Pick(subjects)} after {Pick(people)} and {Pick(people)} spoke at a long meeting on Tuesday evening. The debate went on until after ten o'clock.\n\n");
        text.Append($"The leader of the council in {Pick(places)} said that {Pick(people)} would be asked again about {Pick(subjects)} before any money is spent. No date has been set for a final vote, {Pick(people)} were told.\n\n");
        text.Append($"Several {Pick(people)} from {Pick(places)} told reporters they had waited years for a decision, while others feared the cost of {Pick(subjects)}.\n\n");
        text.Append($"A report prepared for the meeting found that {Pick(subjects)} needed urgent work, and that delays would only make the repairs to {Pick(subjects)} more expensive. Its authors from {Pick(places)} were not at the meeting.\n\n");
        text.Append($"The next public meeting is planned for the spring, when {Pick(people)} and {Pick(people)} in {Pick(places)} can give their views again.\n\n");
        return text.ToString();
    }
}

internal static class Stats
{
    public static double Percentile(List<double> sorted, double p) =>
        sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];

    public static double Median(List<double> values)
    {
        if (values.Count == 0)
            return double.NaN;
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
