namespace IngestWorker.Statistics;

/// <summary>How hourly files are grouped for reporting.</summary>
public enum RollupPeriod
{
    Hour,
    Day,
    Total,
}

/// <summary>The merged counts of one period: every worker's file of every hour in it.</summary>
public sealed record StatisticsBucket(DateTimeOffset? Start, DateTimeOffset? End, int Files, IReadOnlyList<string> Workers, RunStatistics Statistics);

/// <summary>Merges workers' hourly files into hours, days or one total. Pure: the CLI reads the files, this adds them up.</summary>
public static class StatisticsRollup
{
    public static IReadOnlyList<StatisticsBucket> Roll(IEnumerable<HourlyStatisticsFile> files, RollupPeriod period)
    {
        var groups = new SortedDictionary<DateTimeOffset, List<HourlyStatisticsFile>>();
        foreach (var file in files)
        {
            var key = period switch
            {
                RollupPeriod.Hour => HourlyStatisticsFile.HourStart(file.Hour),
                RollupPeriod.Day => new DateTimeOffset(file.Hour.UtcDateTime.Date, TimeSpan.Zero),
                _ => DateTimeOffset.MinValue,
            };
            if (!groups.TryGetValue(key, out var group))
                groups[key] = group = [];
            group.Add(file);
        }

        var buckets = new List<StatisticsBucket>(groups.Count);
        foreach (var (key, group) in groups)
        {
            var merged = new RunStatistics();
            foreach (var file in group.OrderBy(f => f.Hour).ThenBy(f => f.Worker, StringComparer.Ordinal))
                merged.Add(file.Statistics);
            var workers = group.Select(f => f.Worker).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
            var (start, end) = period switch
            {
                RollupPeriod.Hour => ((DateTimeOffset?)key, (DateTimeOffset?)key.AddHours(1)),
                RollupPeriod.Day => (key, key.AddDays(1)),
                _ => (group.Min(f => f.Hour), group.Max(f => f.Hour).AddHours(1)),
            };
            buckets.Add(new StatisticsBucket(start, end, group.Count, workers, merged));
        }
        return buckets;
    }
}
