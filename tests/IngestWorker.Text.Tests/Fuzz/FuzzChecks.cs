using System.Globalization;
using System.Reflection;
using System.Text;
using IngestWorker.Text.Cleaning;
using IngestWorker.Text.Extraction;
using IngestWorker.Text.Normalization;
using IngestWorker.Text.Pipeline;
using IngestWorker.Text.Quality;

namespace IngestWorker.Text.Tests.Fuzz;

/// <summary>What every output must satisfy, whatever the input: the invariants the fuzz properties check.</summary>
internal static class FuzzChecks
{
    /// <summary>Every code a rejection may carry: <see cref="ReasonCodes"/> and the quality rules' <see cref="QualityReasons"/>.</summary>
    public static IReadOnlySet<string> RejectionCodes { get; } =
        Constants(typeof(ReasonCodes)).Concat(QualityReasons.All).ToHashSet(StringComparer.Ordinal);

    /// <summary>Every flag a document may carry: <see cref="FlagCodes"/>.</summary>
    public static IReadOnlySet<string> FlagCodesAll { get; } = Constants(typeof(FlagCodes)).ToHashSet(StringComparer.Ordinal);

    /// <summary>Every reason a removed block may carry.</summary>
    public static IReadOnlySet<string> RemovalReasons { get; } = Constants(typeof(BoilerplateReasons)).ToHashSet(StringComparer.Ordinal);

    private static IEnumerable<string> Constants(Type type) =>
        type.GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .Select(f => (string)f.GetRawConstantValue()!);

    /// <summary>Well-formed UTF-16: every surrogate is half of a pair (the output is JSON, written as UTF-8).</summary>
    public static void WellFormed(string? text, string what)
    {
        if (text is null)
            return;
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                i++;
            else if (char.IsSurrogate(text[i]))
                throw new InvalidOperationException($"{what} holds a lone surrogate U+{(int)text[i]:X4} at {i}: \"{FuzzInput.Escape(text[Math.Max(0, i - 20)..Math.Min(text.Length, i + 20)])}\"");
        }
    }

    public static void Page(PageContent page, string what)
    {
        foreach (var block in page.Blocks)
        {
            WellFormed(block.Text, what + " block");
            Assert.InRange(block.LinkDensity, 0, 1);
            Assert.InRange(block.HeadingLevel, 0, 6);
            if (block.RemovedBy is { } reason)
                Assert.Contains(reason, RemovalReasons);
        }
        Metadata(page.Metadata, what);
    }

    public static void Metadata(PageMetadata metadata, string what)
    {
        WellFormed(metadata.Title, what + " title");
        WellFormed(metadata.Author, what + " author");
        WellFormed(metadata.Published, what + " published");
        WellFormed(metadata.Url, what + " url");
        WellFormed(metadata.Site, what + " site");
    }

    /// <param name="read">What the reader found about the page: a date it did not state is one the cleaner found in the text.</param>
    public static void Cleaned(CleanedPage cleaned, PageMetadata read)
    {
        WellFormed(cleaned.Text, "cleaned text");
        WellFormed(cleaned.Title, "cleaned title");
        Metadata(cleaned.Metadata, "cleaned");
        foreach (var kept in cleaned.KeptBlocks)
            WellFormed(kept, "kept block");
        foreach (var removed in cleaned.Removed)
        {
            WellFormed(removed.Text, "removed block");
            Assert.Contains(removed.Reason, RemovalReasons);
        }
        if (read.Published is null && cleaned.Metadata.Published is { } published)
            PublishedDate(published);
    }

    /// <summary>A date the cleaner found in the text is a real calendar date in ISO 8601 (<c>yyyy-MM-dd</c>, optionally with a time).</summary>
    public static void PublishedDate(string iso)
    {
        if (!DateTime.TryParseExact(iso, ["yyyy-MM-dd", "yyyy-MM-ddTHH:mm:ss"], CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
            throw new InvalidOperationException($"'{iso}' is not a calendar date in ISO 8601.");
    }

    /// <summary>Every signal within the range its documentation gives it.</summary>
    public static void Signals(IReadOnlyDictionary<string, double> signals)
    {
        foreach (var (name, value) in signals)
        {
            if (!double.IsFinite(value))
                throw new InvalidOperationException($"Signal {name} = {value} is not a finite number.");
            if (value < 0)
                throw new InvalidOperationException($"Signal {name} = {value} is negative.");
            var upper = name switch
            {
                QualitySignals.TextSpaceless or QualitySignals.TextUnpunctuated or QualitySignals.TextSyllabic
                    or QualitySignals.C4LoremIpsum or QualitySignals.C4CurlyBracket => 1,
                QualitySignals.TextTokensPerWord => 3,
                _ when name.EndsWith("_frac", StringComparison.Ordinal) => 1,
                _ => double.PositiveInfinity,
            };
            if (value > upper)
                throw new InvalidOperationException($"Signal {name} = {value} is above its documented maximum {upper}.");
        }
    }

    /// <summary>The invariants of a whole pipeline run.</summary>
    public static void Result(PipelineResult result)
    {
        var document = result.Document;
        Assert.NotEmpty(result.StagesRun);
        if (result.Rejection is { } rejection)
        {
            Assert.Equal(result.StagesRun[^1], rejection.Stage);
            Assert.False(string.IsNullOrWhiteSpace(rejection.Message));
            foreach (var code in rejection.Codes)
                Assert.Contains(code, RejectionCodes);
            WellFormed(rejection.Message, "rejection message");
        }
        else
        {
            Assert.False(string.IsNullOrWhiteSpace(document.Text));
            Assert.NotNull(document.Dedup);
            // The exact-duplicate hash is taken over this text: it must be in the canonical form.
            Assert.Equal(TextNormalizer.Normalize(document.Text!), document.Text);
        }
        WellFormed(document.Text, "document text");
        WellFormed(document.Title, "document title");
        Metadata(document.Metadata, "document");
        if (document.Page is { } page)
            Page(page, "page");
        if (document.Cleaning is { } cleaned)
            Cleaned(cleaned, document.Page?.Metadata ?? PageMetadata.None);
        if (document.Quality is { } quality)
        {
            Signals(quality.Signals);
            Assert.All(quality.Failed, code => Assert.Contains(code, RejectionCodes));
        }
        Assert.All(document.Flags, flag => Assert.Contains(flag, FlagCodesAll));
    }

    /// <summary>Everything a run decided, as one string: two runs over the same input must give the same one.</summary>
    public static string Fingerprint(PipelineResult result)
    {
        var d = result.Document;
        var builder = new StringBuilder();
        builder.AppendLine(string.Join(",", result.StagesRun));
        builder.AppendLine($"{result.Rejection?.Stage}|{result.Rejection?.Code}|{result.Rejection?.Message}|{string.Join(",", result.Rejection?.Codes ?? [])}");
        builder.AppendLine(d.Text).AppendLine(d.Title).AppendLine(d.SiteKey);
        builder.AppendLine($"{d.Metadata.Title}|{d.Metadata.Author}|{d.Metadata.Published}|{d.Metadata.Url}|{d.Metadata.Site}");
        builder.AppendLine($"{d.Decoding}|{d.Format}|{string.Join(",", d.Flags)}");
        if (d.Cleaning is { } c)
        {
            builder.AppendLine(string.Join("\u0001", c.KeptBlocks));
            builder.AppendLine(string.Join("\u0001", c.Removed.Select(r => r.Reason + ":" + r.Text)));
        }
        if (d.Quality is { } q)
            builder.AppendLine(q.Score.ToString("R", CultureInfo.InvariantCulture) + "|" + string.Join(",", q.Signals.Select(s => s.Key + "=" + s.Value.ToString("R", CultureInfo.InvariantCulture))) + "|" + string.Join(",", q.Failed));
        builder.AppendLine($"{d.Dedup?.ContentHash}|{d.NearDedup?.Signature.ToBase64()}");
        return builder.ToString();
    }
}
