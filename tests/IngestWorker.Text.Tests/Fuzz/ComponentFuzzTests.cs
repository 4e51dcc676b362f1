using System.Text;
using CsCheck;
using Xunit.Abstractions;
using IngestWorker.Text.Cleaning;
using IngestWorker.Text.Decoding;
using IngestWorker.Text.Dedup.Near;
using IngestWorker.Text.Html;
using IngestWorker.Text.Normalization;
using IngestWorker.Text.Quality;
using IngestWorker.Text.Readers;

namespace IngestWorker.Text.Tests.Fuzz;

/// <summary>
/// The pipeline's parts on their own, each fed what it could meet — including what the stages
/// before it would have filtered out — so a fault is found where it is, not only when the
/// whole pipeline happens to reach it.
/// </summary>
[Collection(FuzzCollection.Name)]
public sealed class ComponentFuzzTests(ITestOutputHelper output)
{
    private static readonly TextDecoder Decoder = new(new LegacyEncodingDetector());

    private static readonly BoilerplateCleaner Cleaner = new(new BoilerplateOptions());

    /// <summary>Text of every kind the readers take, and hostile Unicode.</summary>
    private static readonly Gen<string> AnyText = Gen.OneOf(FuzzText.PlainText, FuzzText.Markdown, FuzzText.Json, FuzzText.Html, FuzzText.Prose(40));

    private static readonly Gen<byte[]> AnyBytes = Gen.Frequency(
        (3, Gen.Select(AnyText, FuzzInputs.Encoded).Select((text, encode) => encode(text))),
        (1, Gen.Byte.Array[0, 400]),
        (1, Gen.Select(Gen.Select(AnyText, FuzzInputs.Encoded).Select((text, encode) => encode(text)), FuzzInputs.Mutation.Array[1, 6])
            .Select((bytes, mutations) => mutations.Aggregate(bytes, (b, mutate) => mutate(b)))));

    [Fact]
    public void The_decoder_decodes_strictly_or_refuses_with_a_reason() =>
        FuzzSettings.Run(AnyBytes, bytes =>
        {
            var declared = DeclaredCharset.Find(bytes);
            foreach (var outcome in new[] { Decoder.Decode(bytes), Decoder.Decode(bytes, declared) })
            {
                if (outcome.Succeeded)
                {
                    FuzzChecks.WellFormed(outcome.Text, "decoded text");
                    Assert.NotNull(outcome.Info);
                }
                else
                {
                    Assert.Contains(outcome.FailureCode!, FuzzChecks.RejectionCodes);
                    Assert.False(string.IsNullOrWhiteSpace(outcome.FailureMessage));
                }
            }
            if (new LegacyEncodingDetector().Detect(bytes) is { } guess)
            {
                Assert.InRange(guess.Confidence, 0, 1);
                FuzzChecks.WellFormed(guess.Text, "legacy text");
            }
            BinarySignatures.Identify(bytes);
        }, FuzzInput.Describe, output);

    [Fact]
    public void Normalising_gives_well_formed_text_and_is_idempotent() =>
        FuzzSettings.Run(AnyText.Select(WellFormed), text =>
        {
            var once = TextNormalizer.Normalize(text);
            FuzzChecks.WellFormed(once, "normalised text");
            Assert.Equal(once, TextNormalizer.Normalize(once));
        }, Print, output);

    [Fact]
    public void The_readers_make_well_formed_pages_of_any_text() =>
        // The decoder lets no lone surrogate through, so the readers are given none either.
        FuzzSettings.Run(AnyText.Select(WellFormed), text =>
        {
            var normalized = TextNormalizer.Normalize(text);
            FuzzChecks.Page(PlainTextReader.Read(normalized), "plain text");
            FuzzChecks.Page(MarkdownReader.Read(normalized), "markdown");
            var (page, problem) = JsonArticleReader.Read(text, new HtmlArticleExtractor());
            Assert.True(page is not null ^ problem is not null);
            if (page is not null)
                FuzzChecks.Page(page, "json");
        }, Print, output);

    [Fact]
    public void The_html_extractor_and_the_cleaner_handle_tag_soup() =>
        FuzzSettings.Run(Gen.Frequency((6, FuzzText.Html), (1, FuzzText.Nested), (1, AnyText)).Select(WellFormed), html =>
        {
            var page = new HtmlArticleExtractor().Extract(html, "https://example.com/a");
            FuzzChecks.Page(page, "html");
            var normalized = page with { Blocks = page.Blocks.Select(b => b with { Text = TextNormalizer.Normalize(b.Text) }).Where(b => b.Text.Length > 0).ToList() };
            FuzzChecks.Cleaned(Cleaner.Clean(normalized), page.Metadata);
            // Plain text goes through the cleaner's whole analysis, not only the trimming of HTML blocks.
            var lines = PlainTextReader.Read(TextNormalizer.Normalize(html));
            FuzzChecks.Cleaned(Cleaner.Clean(lines), lines.Metadata);
        }, Print, output);

    [Fact]
    public void A_date_found_in_a_line_is_a_real_calendar_date() =>
        FuzzSettings.Run(Gen.Frequency((3, FuzzText.Prose(8)), (1, DateLike)), line =>
        {
            DateText.IsRelative(line);
            if (DateText.Find(line) is { } found)
            {
                FuzzChecks.PublishedDate(found.Iso);
                Assert.InRange(found.Hour, 0, 23);
                Assert.InRange(found.Minute, 0, 59);
            }
        }, Print, output);

    [Fact]
    public void Quality_signals_stay_within_their_documented_ranges() =>
        FuzzSettings.Run(Gen.Select(AnyText.Select(WellFormed), Gen.OneOf<string?>(null, "en", "de", "zh", "ja", "th", "ko", "ru", "ar", "xx", "", "zh-Hant")),
            input =>
            {
                var (text, language) = input;
                var normalized = TextNormalizer.Normalize(text);
                FuzzChecks.Signals(QualitySignals.Compute(normalized, language));
                Assert.Equal(QualitySignals.Compute(normalized, language).ToArray(), QualitySignals.Compute(normalized, language).ToArray());
            }, input => $"{input.Item2}: \"{FuzzInput.Escape(input.Item1)}\"", output);

    [Fact]
    public void Near_duplicate_hashing_agrees_on_every_path_and_normalising_is_idempotent() =>
        FuzzSettings.Run(AnyText.Select(WellFormed), text =>
        {
            var hasher = new MinHasher(new MinHashOptions());
            var normalized = NearDuplicateText.Normalize(text);
            FuzzChecks.WellFormed(normalized, "near-duplicate text");
            Assert.Equal(normalized, NearDuplicateText.Normalize(normalized));
            var reference = hasher.ComputeFromWords(NearDuplicateText.Words(normalized), MinHashPath.Scalar);
            foreach (var path in Enum.GetValues<MinHashPath>())
            {
                var signature = hasher.Compute(text, path);
                Assert.Equal(reference.ShingleCount, signature.ShingleCount);
                Assert.True(reference.Values.SequenceEqual(signature.Values), $"{path} differs from the reference");
            }
        }, Print, output);

    /// <summary>Lines built of date parts, in orders and values real datelines do and do not use.</summary>
    private static readonly Gen<string> DateLike =
        Gen.OneOf(
            Gen.Int[0, 40].Select(n => n.ToString()), Gen.Int[1985, 2105].Select(n => n.ToString()), Gen.Int[0, 99].Select(n => n.ToString("00")),
            Gen.OneOf(DateText.MonthNames.ToArray()), Gen.OneOf("de", "of", "at", "pm", "am", "Published", "Updated", "年", "月", "日", "г", "ago", "days", "by Jane Doe"),
            Gen.OneOf(" ", " ", ", ", ".", "-", "/", ":", "T", "st", "th", "\u00BA"))
        .Array[1, 12].Select(string.Concat);

    /// <summary>The text with every lone surrogate replaced by U+FFFD, as strict decoding guarantees the stages after it.</summary>
    private static string WellFormed(string text)
    {
        var chars = text.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (char.IsHighSurrogate(chars[i]) && i + 1 < chars.Length && char.IsLowSurrogate(chars[i + 1]))
                i++;
            else if (char.IsSurrogate(chars[i]))
                chars[i] = '\uFFFD';
        }
        return new string(chars);
    }

    private static string Print(string text) => "\"" + FuzzInput.Escape(text) + "\"";
}
