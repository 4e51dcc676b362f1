// MinHash near-duplicate detection. Speed: MinHasher.Compute throughput on cleaned article text,
// single-threaded, next to a string.Split word count measured in the same rounds (so ratios stay
// meaningful on a noisy machine). Eval: precision and recall of the index's rule (a shared band
// key, then estimated Jaccard at least the threshold) on syndicated-style variants of the
// articles, against other articles as negatives. See README.md.
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;
using IngestWorker.Text.Dedup.Near;
using IngestWorker.Text.Extraction;

var mode = Option("--mode") ?? "all";
if (mode is not ("all" or "speed" or "eval"))
{
    Console.Error.WriteLine($"Unknown --mode '{mode}': speed, eval, or leave it out for both.");
    return 2;
}
var root = FindRoot();
var seeds = Option("--seeds") ?? Path.Combine(root, "seeds");
var gt = Option("--gt") ?? Path.Combine(Environment.GetEnvironmentVariable("INGESTWORKER_SHARED_DIR") is { Length: > 0 } shared ? shared : Path.Combine(root, "..", "shared"), "bench", "aeb-dev", "gt");
var options = new MinHashOptions
{
    ShingleWords = IntOption("--shingle") ?? 5,
    Bands = IntOption("--bands") ?? 14,
    RowsPerBand = IntOption("--rows") ?? 8,
    SimilarityThreshold = DoubleOption("--threshold") ?? 0.8,
    Seed = (ulong)(IntOption("--hash-seed") ?? 1),
};
options.Validate();
// --compact-bits b: the earlier document of each pair is compared through its b-bit form, as the
// shared state index keeps it (BBitMinHashSignature), instead of its full signature.
var compactBits = IntOption("--compact-bits");

// Inputs: the seeds as the pipeline sees them (cleaned), and the dev split's ground-truth articles.
var extractor = new ArticleExtractor();
var bases = new List<Article>();
foreach (var file in Directory.GetFiles(seeds, "*.txt").Order(StringComparer.Ordinal))
    bases.Add(new Article(Path.GetFileNameWithoutExtension(file), extractor.FromPlainText(File.ReadAllText(file)).Text, IsSeed: true));
var seedCount = bases.Count;
if (Directory.Exists(gt))
{
    foreach (var file in Directory.GetFiles(gt, "*.txt").Order(StringComparer.Ordinal))
        bases.Add(new Article(Path.GetFileNameWithoutExtension(file)[..12], File.ReadAllText(file), IsSeed: false));
}
else
{
    Console.Error.WriteLine($"note: {gt} not found (evaluation data next to the repository); using the seeds only.");
}
if (bases.Count == 0)
{
    Console.Error.WriteLine($"No input: no seeds in {seeds}.");
    return 2;
}

var inv = CultureInfo.InvariantCulture;
Console.WriteLine($"- machine: {Environment.ProcessorCount} cores, {RuntimeInformation.ProcessArchitecture}, {RuntimeInformation.OSDescription}; .NET {Environment.Version}; " +
    $"Vector512 {(System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated ? "accelerated" : "not accelerated")}, Vector256 {(System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated ? "accelerated" : "not accelerated")}; one thread");
Console.WriteLine(string.Create(inv, $"- settings: {options.ShingleWords}-word shingles, {options.Bands} bands × {options.RowsPerBand} rows = {options.HashCount} hash functions, threshold {options.SimilarityThreshold}, seed {options.Seed}"));
Console.WriteLine(compactBits is { } shownBits ? $"- estimates: the earlier document of each pair through its {shownBits}-bit signature (b-bit estimator), as the state index keeps it" : "- estimates: full signatures on both sides");
Console.WriteLine();
if (mode is "all" or "speed")
    Speed();
if (mode is "all" or "eval")
    Eval();
return 0;

void Speed()
{
    var rounds = IntOption("--rounds") ?? 201;
    // A round takes milliseconds: with few warm-up rounds much of the measurement would run before
    // tiered compilation has produced optimised code.
    var warmup = IntOption("--warmup") ?? 100;
    var docs = bases.Select(b => b.Text).ToArray();
    var bytes = docs.Sum(d => (long)Encoding.UTF8.GetByteCount(d));
    var hasher = new MinHasher(options);
    // One hash function: what the text pass (simplify, split, hash words and shingles) costs alone.
    var textPass = new MinHasher(new MinHashOptions { ShingleWords = options.ShingleWords, Bands = 1, RowsPerBand = 1, Seed = options.Seed });

    var sink = 0.0;
    double Reference()
    {
        var words = 0L;
        foreach (var d in docs)
            words += d.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;
        return words;
    }
    double Normalize()
    {
        var s = 0.0;
        foreach (var d in docs)
            s += NearDuplicateText.Normalize(d).Length;
        return s;
    }
    double Hash(MinHasher h)
    {
        var s = 0.0;
        foreach (var d in docs)
            s += h.Compute(d).Values[0] & 1;
        return s;
    }

    var cases = new (string Name, Func<double> Run)[]
    {
        ("reference: string.Split word count", Reference),
        ("NearDuplicateText.Normalize (diagnostic, not on the hashing path)", Normalize),
        ("MinHasher.Compute, 1 hash function (text pass only)", () => Hash(textPass)),
        ($"MinHasher.Compute, {options.Bands} × {options.RowsPerBand}", () => Hash(hasher)),
    };
    var times = cases.Select(_ => new List<double>()).ToArray();
    for (var r = 0; r < warmup + rounds; r++)
    {
        for (var c = 0; c < cases.Length; c++)
        {
            var sw = Stopwatch.StartNew();
            sink += cases[c].Run();
            sw.Stop();
            if (r >= warmup)
                times[c].Add(sw.Elapsed.TotalSeconds);
        }
    }

    Console.WriteLine("# MinHash signatures: throughput");
    Console.WriteLine();
    Console.WriteLine($"- input: {docs.Length} cleaned texts ({seedCount} seeds, {docs.Length - seedCount} dev-split articles), {bytes / 1024.0:F0} KB UTF-8, mean {bytes / 1024.0 / docs.Length:F1} KB");
    Console.WriteLine($"- rounds: {warmup} warm-up + {rounds} measured, each case once per round over all texts; medians");
    Console.WriteLine();
    Console.WriteLine("| case | median ms / round | MB/s | µs / document | vs reference |");
    Console.WriteLine("|---|---:|---:|---:|---:|");
    var reference = Median(times[0]);
    for (var c = 0; c < cases.Length; c++)
    {
        var m = Median(times[c]);
        Console.WriteLine(string.Create(inv, $"| {cases[c].Name} | {m * 1000:F2} | {bytes / m / 1e6:F1} | {m * 1e6 / docs.Length:F1} | {reference / m:F2}× |"));
    }
    Console.WriteLine();
    Console.WriteLine(string.Create(inv, $"(checksum {sink:G6})"));
    Console.WriteLine();
}

void Eval()
{
    var rng = new Random(IntOption("--random-seed") ?? 20240611);
    var hasher = new MinHasher(options);

    // Every base article, then its variants; a document knows its base, its kind and the outlet
    // whose chrome it carries (for the "same chrome, different article" negatives).
    var docs = new List<Doc>();
    for (var b = 0; b < bases.Count; b++)
    {
        var text = bases[b].Text;
        docs.Add(new Doc(b, "original", null, text));
        var outlet = rng.Next(Outlets.Length);
        docs.Add(new Doc(b, "chrome", outlet, AddChrome(text, outlet)));
        docs.Add(new Doc(b, "drop-paragraph", null, DropParagraph(text, rng)));
        docs.Add(new Doc(b, "word-edits", null, EditWords(text, rng.Next(3, 6), rng)));
        docs.Add(new Doc(b, "quote-style", null, SwapQuotes(text)));
        docs.Add(new Doc(b, "sentence-appended", null, text + "\n\n" + Appendices[rng.Next(Appendices.Length)]));
        docs.Add(new Doc(b, "truncated-90%", null, Truncate(text, 0.9)));
        outlet = rng.Next(Outlets.Length);
        docs.Add(new Doc(b, "chrome+quotes+edits", outlet, AddChrome(SwapQuotes(EditWords(text, rng.Next(3, 6), rng)), outlet)));
        outlet = rng.Next(Outlets.Length);
        docs.Add(new Doc(b, "chrome+drop+append", outlet, AddChrome(DropParagraph(text, rng) + "\n\n" + Appendices[rng.Next(Appendices.Length)], outlet)));
    }
    var kinds = docs.Select(d => d.Kind).Distinct().ToArray();
    var signatures = docs.Select(d => hasher.Compute(d.Text)).ToArray();
    // Exact shingle sets as sorted ids of the shingle strings, so every pair's exact Jaccard is a merge.
    var ids = new Dictionary<string, int>(StringComparer.Ordinal);
    var shingleIds = docs.Select(d => Shingles(d.Text, options.ShingleWords).Select(x => ids.TryGetValue(x, out var id) ? id : ids[x] = ids.Count).Order().ToArray()).ToArray();
    var stored = compactBits is { } bits ? signatures.Select(s => BBitMinHashSignature.FromFull(s, bits)).ToArray() : null;
    double Estimate(int i, int j) => stored is null ? signatures[i].EstimateJaccard(signatures[j]) : stored[i].EstimateJaccard(signatures[j]);
    var keys = signatures.Select(s => Enumerable.Range(0, options.Bands).Select(b => s.BandKey(b, options.RowsPerBand)).ToArray()).ToArray();

    // Every pair once.
    var pairs = new List<Pair>();
    for (var i = 0; i < docs.Count; i++)
    {
        for (var j = i + 1; j < docs.Count; j++)
        {
            var shared = 0;
            for (var b = 0; b < options.Bands; b++)
            {
                if (keys[i][b] == keys[j][b])
                    shared++;
            }
            pairs.Add(new Pair(i, j, docs[i].Base == docs[j].Base, shared, Estimate(i, j), Jaccard(shingleIds[i], shingleIds[j])));
        }
    }
    bool Candidate(Pair p) => p.SharedBands > 0;
    bool Predicted(Pair p) => p.SharedBands > 0 && p.Estimate >= options.SimilarityThreshold;
    bool ExactRule(Pair p) => p.Exact >= options.SimilarityThreshold;
    bool BaseVariant(Pair p) => docs[p.I].Kind == "original" ^ docs[p.J].Kind == "original";

    var positives = pairs.Count(p => p.Duplicate);
    Console.WriteLine("# MinHash near duplicates: labelled evaluation");
    Console.WriteLine();
    Console.WriteLine($"- bases: {bases.Count} articles ({seedCount} seeds, cleaned; {bases.Count - seedCount} dev-split ground-truth texts), {kinds.Length - 1} variants of each: {docs.Count} documents");
    Console.WriteLine($"- pairs: {pairs.Count} ({positives} duplicates: a variant and its base, or two variants of one base; {pairs.Count - positives} not: documents of different bases)");
    Console.WriteLine($"- rule: duplicate when the signatures share at least one band key and the estimated Jaccard is at least {options.SimilarityThreshold.ToString(inv)} (the index's rule); \"LSH candidates\" is the band test alone");
    Console.WriteLine();

    Console.WriteLine("## LSH S-curve: chance that a pair of Jaccard similarity s shares a band, 1-(1-s^r)^b");
    Console.WriteLine();
    Console.WriteLine("| s | " + string.Join(" | ", CurvePoints.Select(s => s.ToString("0.00", inv))) + " |");
    Console.WriteLine("|---|" + string.Concat(CurvePoints.Select(_ => "---:|")));
    Console.WriteLine($"| P(candidate), {options.Bands} × {options.RowsPerBand} | " + string.Join(" | ", CurvePoints.Select(s => (1 - Math.Pow(1 - Math.Pow(s, options.RowsPerBand), options.Bands)).ToString("0.0000", inv))) + " |");
    Console.WriteLine();

    Console.WriteLine("## All pairs");
    Console.WriteLine();
    Console.WriteLine("| rule | TP | FP | FN | TN | precision | recall | F1 |");
    Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|");
    Console.WriteLine(Row($"reference, no hashing: exact Jaccard ≥ {options.SimilarityThreshold.ToString(inv)}", Score(pairs, ExactRule)));
    Console.WriteLine(Row("LSH candidates (≥ 1 shared band)", Score(pairs, Candidate)));
    Console.WriteLine(Row($"**index rule**: candidates with estimated Jaccard ≥ {options.SimilarityThreshold.ToString(inv)}", Score(pairs, Predicted)));
    Console.WriteLine();
    var fidelity = Score(pairs.Select(p => p with { Duplicate = ExactRule(p) }), Predicted);
    Console.WriteLine(string.Create(inv, $"Against the exact rule as truth (how well MinHash + LSH approximates exact Jaccard ≥ {options.SimilarityThreshold}): {fidelity.Tp} agree, {fidelity.Fn} missed (exact above, estimate or bands not), {fidelity.Fp} admitted (exact below, estimate above); recall {fidelity.Recall:F4}, precision {fidelity.Precision:F4}."));
    Console.WriteLine();

    Console.WriteLine("## Duplicates by pair type");
    Console.WriteLine();
    Console.WriteLine($"| duplicate pairs | pairs | exact J ≥ {options.SimilarityThreshold.ToString(inv)} | exact J median | LSH candidates | detected | recall | recall where exact J ≥ {options.SimilarityThreshold.ToString(inv)} |");
    Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|");
    foreach (var (label, group) in new[] { ("a variant and its base", pairs.Where(p => p.Duplicate && BaseVariant(p)).ToList()), ("two variants of one base", pairs.Where(p => p.Duplicate && !BaseVariant(p)).ToList()) })
    {
        var reachable = group.Where(ExactRule).ToList();
        Console.WriteLine(string.Create(inv, $"| {label} | {group.Count} | {reachable.Count} | {MedianOf(group.Select(p => p.Exact)):F3} | {group.Count(Candidate)} | {group.Count(Predicted)} | {(double)group.Count(Predicted) / group.Count:F4} | {(double)reachable.Count(Predicted) / Math.Max(1, reachable.Count):F4} |"));
    }
    Console.WriteLine();

    Console.WriteLine("## By variant kind: each variant against its base (duplicates) and against every document of other bases (not)");
    Console.WriteLine();
    Console.WriteLine("| kind | duplicates | not | TP | FP | FN | precision | recall | F1 | LSH-only precision | LSH-only recall |");
    Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    foreach (var kind in kinds.Where(k => k != "original"))
    {
        var subset = pairs.Where(p => (docs[p.I].Kind == kind || docs[p.J].Kind == kind) && (!p.Duplicate || BaseVariant(p))).ToList();
        var s = Score(subset, Predicted);
        var c = Score(subset, Candidate);
        Console.WriteLine(string.Create(inv, $"| {kind} | {subset.Count(p => p.Duplicate)} | {subset.Count(p => !p.Duplicate)} | {s.Tp} | {s.Fp} | {s.Fn} | {s.Precision:F4} | {s.Recall:F4} | {s.F1:F4} | {c.Precision:F4} | {c.Recall:F4} |"));
    }
    Console.WriteLine();

    var baseIndex = docs.Select((d, i) => (d, i)).Where(x => x.d.Kind == "original").ToDictionary(x => x.d.Base, x => x.i);
    Console.WriteLine("## Variant against its own base: exact and estimated Jaccard");
    Console.WriteLine();
    Console.WriteLine("| kind | pairs | exact J min | exact J median | estimate min | estimate median | mean abs(estimate - exact) | candidates | detected |");
    Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    var allErrors = new List<double>();
    foreach (var kind in kinds.Where(k => k != "original"))
    {
        var rows = new List<(double Exact, double Estimate, bool Candidate, bool Detected)>();
        for (var i = 0; i < docs.Count; i++)
        {
            if (docs[i].Kind != kind)
                continue;
            var o = baseIndex[docs[i].Base];
            var p = pairs[PairIndex(o, i, docs.Count)];
            rows.Add((p.Exact, p.Estimate, Candidate(p), Predicted(p)));
        }
        allErrors.AddRange(rows.Select(r => Math.Abs(r.Estimate - r.Exact)));
        Console.WriteLine(string.Create(inv,
            $"| {kind} | {rows.Count} | {rows.Min(r => r.Exact):F3} | {MedianOf(rows.Select(r => r.Exact)):F3} | {rows.Min(r => r.Estimate):F3} | {MedianOf(rows.Select(r => r.Estimate)):F3} | {rows.Average(r => Math.Abs(r.Estimate - r.Exact)):F3} | {rows.Count(r => r.Candidate)} | {rows.Count(r => r.Detected)} |"));
    }
    Console.WriteLine();
    Console.WriteLine(string.Create(inv, $"Mean abs(estimate - exact) over all {allErrors.Count} variant-base pairs: {allErrors.Average():F4} (binomial standard error at s = 0.9 with {options.HashCount} values: {Math.Sqrt(0.9 * 0.1 / options.HashCount):F4}); largest {allErrors.Max():F3}."));
    Console.WriteLine();

    Console.WriteLine("## Negatives by kind");
    Console.WriteLine();
    Console.WriteLine("| negative pairs | pairs | LSH candidates | false positives | max estimate | max exact J | max exact J between bases |");
    Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
    string NegativeKind(Pair p) =>
        bases[docs[p.I].Base].IsSeed && bases[docs[p.J].Base].IsSeed ? "same event, different outlets (the seeds)"
        : docs[p.I].Outlet is { } o && o == docs[p.J].Outlet ? "different articles, same outlet chrome"
        : "different articles";
    foreach (var group in pairs.Where(p => !p.Duplicate).GroupBy(NegativeKind).OrderBy(g => g.Key, StringComparer.Ordinal))
    {
        var baseOnly = group.Where(p => docs[p.I].Kind == "original" && docs[p.J].Kind == "original").ToList();
        var maxExact = baseOnly.Count == 0 ? "—" : baseOnly.Max(p => p.Exact).ToString("F3", inv);
        Console.WriteLine(string.Create(inv, $"| {group.Key} | {group.Count()} | {group.Count(Candidate)} | {group.Count(Predicted)} | {group.Max(p => p.Estimate):F3} | {group.Max(p => p.Exact):F3} | {maxExact} |"));
    }
    Console.WriteLine();

    Console.WriteLine("## Closest different bases (exact Jaccard of shingle sets)");
    Console.WriteLine();
    Console.WriteLine("| base | base | exact J | estimate | shared bands |");
    Console.WriteLine("|---|---|---:|---:|---:|");
    var closest = pairs.Where(p => !p.Duplicate && docs[p.I].Kind == "original" && docs[p.J].Kind == "original")
        .OrderByDescending(p => p.Exact).ThenByDescending(p => p.Estimate).Take(5);
    foreach (var p in closest)
        Console.WriteLine(string.Create(inv, $"| {bases[docs[p.I].Base].Name} | {bases[docs[p.J].Base].Name} | {p.Exact:F3} | {p.Estimate:F3} | {p.SharedBands} |"));
    Console.WriteLine();

    Console.WriteLine("## Threshold sweep (LSH candidates confirmed at each threshold)");
    Console.WriteLine();
    Console.WriteLine("| threshold | TP | FP | FN | precision | recall | F1 |");
    Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|");
    foreach (var t in new[] { 0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9 })
    {
        var s = Score(pairs, p => p.SharedBands > 0 && p.Estimate >= t);
        Console.WriteLine(string.Create(inv, $"| {t:F2} | {s.Tp} | {s.Fp} | {s.Fn} | {s.Precision:F4} | {s.Recall:F4} | {s.F1:F4} |"));
    }
    Console.WriteLine();

    var falsePositives = pairs.Where(p => !p.Duplicate && Predicted(p)).ToList();
    Console.WriteLine($"## False positives: {falsePositives.Count}");
    Console.WriteLine();
    foreach (var p in falsePositives.OrderByDescending(p => p.Estimate).Take(50))
        Console.WriteLine(string.Create(inv, $"- {Describe(p.I)} ~ {Describe(p.J)}: estimate {p.Estimate:F3}, exact {p.Exact:F3}, {p.SharedBands} shared bands"));
    if (falsePositives.Count > 0)
        Console.WriteLine();

    var falseNegatives = pairs.Where(p => p.Duplicate && !Predicted(p)).ToList();
    Console.WriteLine($"## False negatives: {falseNegatives.Count}");
    Console.WriteLine();
    if (falseNegatives.Count > 0)
    {
        Console.WriteLine($"| base size (words) | bases | duplicate pairs | missed | of which no shared band | of which exact J < {options.SimilarityThreshold.ToString(inv)} |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|");
        var words = bases.Select(b => NearDuplicateText.Words(NearDuplicateText.Normalize(b.Text)).Count).ToArray();
        foreach (var (label, lo, hi) in new[] { ("< 150", 0, 150), ("150–399", 150, 400), ("≥ 400", 400, int.MaxValue) })
        {
            bool InBucket(Pair p) => words[docs[p.I].Base] >= lo && words[docs[p.I].Base] < hi;
            var missed = falseNegatives.Where(InBucket).ToList();
            Console.WriteLine($"| {label} | {words.Count(w => w >= lo && w < hi)} | {pairs.Count(p => p.Duplicate && InBucket(p))} | {missed.Count} | {missed.Count(p => p.SharedBands == 0)} | {missed.Count(p => !ExactRule(p))} |");
        }
        Console.WriteLine();
        Console.WriteLine("Missed pairs with the highest exact Jaccard (estimator noise near the threshold, or no shared band):");
        Console.WriteLine();
        foreach (var p in falseNegatives.OrderByDescending(p => p.Exact).Take(15))
            Console.WriteLine(string.Create(inv, $"- {Describe(p.I)} ~ {Describe(p.J)}: exact {p.Exact:F3}, estimate {p.Estimate:F3}, {p.SharedBands} shared bands, base of {words[docs[p.I].Base]} words"));
        Console.WriteLine();
    }

    string Describe(int i) => $"{bases[docs[i].Base].Name}/{docs[i].Kind}";
}

static int PairIndex(int i, int j, int n)
{
    if (i > j)
        (i, j) = (j, i);
    // Pairs are listed row by row: row i holds n-1-i pairs.
    return i * (2 * n - i - 1) / 2 + (j - i - 1);
}

static Counts Score(IEnumerable<Pair> pairs, Func<Pair, bool> predicted)
{
    int tp = 0, fp = 0, fn = 0, tn = 0;
    foreach (var p in pairs)
    {
        var yes = predicted(p);
        if (p.Duplicate)
        {
            if (yes)
                tp++;
            else
                fn++;
        }
        else if (yes)
        {
            fp++;
        }
        else
        {
            tn++;
        }
    }
    return new Counts(tp, fp, fn, tn);
}

static string Row(string name, Counts c) =>
    string.Create(CultureInfo.InvariantCulture, $"| {name} | {c.Tp} | {c.Fp} | {c.Fn} | {c.Tn} | {c.Precision:F4} | {c.Recall:F4} | {c.F1:F4} |");

// The exact shingle set, from the same words the hasher sees.
static HashSet<string> Shingles(string text, int n)
{
    var words = NearDuplicateText.Words(NearDuplicateText.Normalize(text));
    var set = new HashSet<string>(StringComparer.Ordinal);
    if (words.Count == 0)
        return set;
    if (words.Count < n)
    {
        set.Add(string.Join(' ', words));
        return set;
    }
    for (var i = 0; i + n <= words.Count; i++)
        set.Add(string.Join(' ', words.Skip(i).Take(n)));
    return set;
}

// Jaccard similarity of two sets given as sorted, distinct ids.
static double Jaccard(int[] a, int[] b)
{
    if (a.Length == 0 && b.Length == 0)
        return 0;
    int i = 0, j = 0, common = 0;
    while (i < a.Length && j < b.Length)
    {
        if (a[i] == b[j])
        {
            common++;
            i++;
            j++;
        }
        else if (a[i] < b[j])
        {
            i++;
        }
        else
        {
            j++;
        }
    }
    return (double)common / (a.Length + b.Length - common);
}

static double Median(List<double> xs) => MedianOf(xs);

static double MedianOf(IEnumerable<double> values)
{
    var s = values.Order().ToList();
    return s.Count % 2 == 1 ? s[s.Count / 2] : (s[s.Count / 2 - 1] + s[s.Count / 2]) / 2;
}

// ---- variants: what a syndicating site does to an article ----

static string AddChrome(string text, int outlet)
{
    var (header, footer) = Outlets[outlet];
    return header + "\n\n" + text + "\n\n" + footer;
}

// One paragraph (not the first, which a copy keeps as its lead); a text of one paragraph loses its last sentence instead.
static string DropParagraph(string text, Random rng)
{
    var paragraphs = text.Split("\n\n");
    if (paragraphs.Length >= 2)
    {
        var drop = rng.Next(1, paragraphs.Length);
        return string.Join("\n\n", paragraphs.Where((_, i) => i != drop));
    }
    var end = text.TrimEnd().LastIndexOf(". ", StringComparison.Ordinal);
    return end > 0 ? text[..(end + 1)] : text;
}

// Replaces a few words of three or more letters by others (an edited headline word, a corrected name).
static string EditWords(string text, int count, Random rng)
{
    var matches = WordPattern().Matches(text);
    if (matches.Count == 0)
        return text;
    var chosen = new SortedSet<int>();
    while (chosen.Count < Math.Min(count, matches.Count))
        chosen.Add(rng.Next(matches.Count));
    var sb = new StringBuilder(text);
    // Back to front, so earlier positions stay valid.
    foreach (var m in chosen.Reverse().Select(i => matches[i]))
    {
        var replacement = Replacements[rng.Next(Replacements.Length)];
        if (string.Equals(replacement, m.Value, StringComparison.OrdinalIgnoreCase))
            replacement += "s";
        sb.Remove(m.Index, m.Length).Insert(m.Index, replacement);
    }
    return sb.ToString();
}

// Straight quotes become curly and curly straight; dashes and ellipses change style.
static string SwapQuotes(string text)
{
    var sb = new StringBuilder(text.Length);
    var open = true;
    foreach (var c in text)
    {
        switch (c)
        {
            case '"':
                sb.Append(open ? '“' : '”');
                open = !open;
                break;
            case '\'':
                sb.Append('’');
                break;
            case '“' or '”':
                sb.Append('"');
                break;
            case '‘' or '’':
                sb.Append('\'');
                break;
            case '—':
                sb.Append(" -- ");
                break;
            case '…':
                sb.Append("...");
                break;
            default:
                sb.Append(c);
                break;
        }
    }
    return sb.ToString();
}

// The first share of the words, cut at a word boundary (a feed that carries only the start of a story).
static string Truncate(string text, double share)
{
    var matches = Regex.Matches(text, @"\S+");
    if (matches.Count < 2)
        return text;
    var last = matches[Math.Max(0, (int)(matches.Count * share) - 1)];
    return text[..(last.Index + last.Length)];
}

string? Option(string name)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}

int? IntOption(string name) => Option(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : null;

double? DoubleOption(string name) => Option(name) is { } v ? double.Parse(v, CultureInfo.InvariantCulture) : null;

static string FindRoot()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "IngestWorker.sln")))
            return dir.FullName;
    }
    return Directory.GetCurrentDirectory();
}

partial class Program
{
    private static readonly double[] CurvePoints = [0.5, 0.6, 0.7, 0.72, 0.75, 0.8, 0.85, 0.9];

    // Header and footer chrome of a few made-up outlets: navigation, dates, sharing, newsletter and copyright lines.
    private static readonly (string Header, string Footer)[] Outlets =
    [
        ("The Morning Ledger\nHome | World | Politics | Business | Sports | Opinion\nPublished 14 March 2024, 09:12 GMT — Updated 11:40 GMT",
         "Share this article: Facebook | X | Email | Print\nSign up for the Morning Ledger briefing, delivered to your inbox every weekday.\n© 2024 The Morning Ledger Media Group. All rights reserved."),
        ("RIVERSIDE DAILY NEWS\nLocal · National · World · Weather · Obituaries\nBy Staff and Wire Reports | 3 min read",
         "Related: More stories from our partners\nComments are closed for this story.\nCopyright 2023 Riverside Daily News. This material may not be published, broadcast, rewritten or redistributed."),
        ("Global Wire Today\nBreaking News\nLast updated: 2024-02-07 18:45",
         "Advertisement\nDownload our app for the latest headlines and alerts.\nFollow us on social media.\nTerms of Use | Privacy Policy | Contact Us | Advertise With Us"),
        ("NEWS24 PLUS — Your source for the news that matters\nTrending: Elections | Markets | Climate | Tech",
         "Was this article helpful? Yes / No\nRead more: Top stories of the day\nSubscribe now and get unlimited access for just 1 dollar for the first month.\n(c) News24 Plus 2022"),
    ];

    private static readonly string[] Appendices =
    [
        "This story has been updated with additional information.",
        "The Associated Press contributed to this report.",
        "Reporting by staff writers; editing by the news desk.",
        "Correction: An earlier version of this article misstated the date of the meeting.",
    ];

    private static readonly string[] Replacements = ["reported", "officials", "major", "local", "several", "recently", "announced", "nearly"];

    [GeneratedRegex(@"\b\p{L}{3,}\b")]
    private static partial Regex WordPattern();
}

file sealed record Article(string Name, string Text, bool IsSeed);

file sealed record Doc(int Base, string Kind, int? Outlet, string Text);

file readonly record struct Pair(int I, int J, bool Duplicate, int SharedBands, double Estimate, double Exact);

file readonly record struct Counts(int Tp, int Fp, int Fn, int Tn)
{
    public double Precision => Tp + Fp == 0 ? 1 : (double)Tp / (Tp + Fp);
    public double Recall => Tp + Fn == 0 ? 1 : (double)Tp / (Tp + Fn);
    public double F1 => Precision + Recall == 0 ? 0 : 2 * Precision * Recall / (Precision + Recall);
}
