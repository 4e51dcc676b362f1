namespace IngestWorker.Text.Quality;

/// <summary>One rule as applied to one document.</summary>
/// <param name="Reason">The rule's reason code (<see cref="QualityReasons"/>).</param>
/// <param name="Signal">The signal it reads (<see cref="QualitySignals"/>).</param>
/// <param name="Value">The signal's value.</param>
/// <param name="Threshold">The threshold it was compared with.</param>
/// <param name="Failed">Whether the document fails the rule.</param>
/// <param name="Margin">
/// How far inside or outside the threshold the value is, from 1 (comfortably inside: at the value a
/// clean article typically has, or better) through 0 (at the threshold) to −1 (far outside); see
/// <see cref="QualityDecision"/>.
/// </param>
public sealed record QualityCheck(string Reason, string Signal, double Value, double Threshold, bool Failed, double Margin);

/// <summary>
/// The quality verdict of one document: the rules it fails and a score. Depends only on the signals
/// (<see cref="QualitySignals.Compute"/>, or the same names and values read back from storage) and
/// the options, so stored documents can be re-decided with new thresholds without their text.
/// </summary>
/// <remarks>
/// <para><b>Which rules apply.</b> Every rule of an enabled family whose reason code is not in
/// <see cref="QualityOptions.DisabledReasons"/>, whose threshold is set (C4's line rules have none by
/// default) and whose signal is present. Besides: the mean-word-length rules are skipped for
/// spaceless scripts (<c>text_spaceless_script</c> = 1: a character is not a word), and the
/// line-punctuation rules for Thai and Lao (<c>text_unpunctuated_script</c> = 1: their sentences
/// end with a space). Every applicable rule is checked (datatrove stops at the first failure); the
/// failures are listed in the order of <see cref="QualityReasons.All"/>.</para>
///
/// <para><b>The score</b> ranks documents from 0 (junk) to 1 (clean), monotone in every signal:
/// making any signal worse never raises it. Each applicable rule gets a margin. Inside the
/// threshold the margin <c>m</c> runs linearly from 0 at the threshold to 1 at a "good" value
/// typical of clean news articles (for example 250 words on a log scale for the 50-word minimum, an
/// alpha share of 0.85 for the 0.8 minimum, 15 sentences for C4's 5, zero repetition for the
/// repetition rules), and stays 1 beyond. Outside, a severity <c>s</c> runs from 0 at the threshold
/// to 1 at a "bad" value (no words at all; twice or more the maximum, or a share near 1).
/// <list type="bullet">
/// <item>A document that fails nothing scores <c>0.5 + 0.25·min(m) + 0.25·mean(m)</c>, between 0.5 and
/// 1: the weakest rule decides half (a document just inside one threshold is borderline, about
/// 0.75), all rules together the other half.</item>
/// <item>A document that fails k rules scores <c>0.45 · 0.85^(k−1) · Π(1 − s/2)</c>, at most 0.45:
/// below every document that passes, lower with each further failure and with how far outside the
/// thresholds it is (one marginal failure ≈ 0.45, one extreme failure 0.225, several ≈ 0).</item>
/// </list>
/// Disabled families and rules, and rules whose signal is absent, do not count. With no applicable
/// rule at all the score is 1.</para>
/// </remarks>
public sealed class QualityDecision
{
    private QualityDecision(IReadOnlyList<string> failures, double score, IReadOnlyList<QualityCheck> checks)
    {
        Failures = failures;
        Score = score;
        Checks = checks;
    }

    /// <summary>Reason codes of the rules the document fails (empty: accepted).</summary>
    public IReadOnlyList<string> Failures { get; }

    /// <summary>The quality score in [0, 1]; failing documents score below 0.5, passing ones at or above.</summary>
    public double Score { get; }

    /// <summary>Every rule applied, with its value, threshold and margin (what the score was made of).</summary>
    public IReadOnlyList<QualityCheck> Checks { get; }

    /// <summary>No rule failed.</summary>
    public bool Passed => Failures.Count == 0;

    /// <summary>Applies <paramref name="options"/> to <paramref name="signals"/>. The options are assumed valid (<see cref="QualityOptions.Validate"/>).</summary>
    public static QualityDecision Decide(IReadOnlyDictionary<string, double> signals, QualityOptions options)
    {
        ArgumentNullException.ThrowIfNull(signals);
        ArgumentNullException.ThrowIfNull(options);
        var checks = new List<QualityCheck>(QualityRules.All.Length);
        var failures = new List<string>();
        if (options.Enabled)
        {
            var nonAlphabetic = (signals.TryGetValue(QualitySignals.TextSpaceless, out var sl) && sl >= 1)
                || (signals.TryGetValue(QualitySignals.TextSyllabic, out var sy) && sy >= 1);
            var unpunctuated = signals.TryGetValue(QualitySignals.TextUnpunctuated, out var up) && up >= 1;
            foreach (var rule in QualityRules.All)
            {
                if (!rule.FamilyEnabled(options) || options.DisabledReasons.Contains(rule.Reason))
                    continue;
                if ((rule.SkipForNonAlphabetic && nonAlphabetic) || (rule.SkipForUnpunctuated && unpunctuated))
                    continue;
                if (rule.Threshold(options) is not { } threshold)
                    continue;
                var signal = rule.Signal(options);
                if (!signals.TryGetValue(signal, out var value) || double.IsNaN(value))
                    continue;
                var check = rule.Check(signal, value, threshold);
                checks.Add(check);
                if (check.Failed)
                    failures.Add(rule.Reason);
            }
        }
        return new QualityDecision(failures, ScoreOf(checks, failures.Count), checks);
    }

    private static double ScoreOf(List<QualityCheck> checks, int failed)
    {
        if (checks.Count == 0)
            return 1;
        if (failed == 0)
        {
            double min = 1, sum = 0;
            foreach (var check in checks)
            {
                min = Math.Min(min, check.Margin);
                sum += check.Margin;
            }
            return 0.5 + 0.25 * min + 0.25 * (sum / checks.Count);
        }
        var score = 0.45 * Math.Pow(0.85, failed - 1);
        foreach (var check in checks)
        {
            if (check.Failed)
                score *= 1 + check.Margin / 2; // margin = −severity
        }
        return score;
    }
}

/// <summary>How a rule compares its signal with its threshold.</summary>
internal enum Fails
{
    /// <summary>Fails when the value is above the threshold.</summary>
    Above,
    /// <summary>Fails when the value is at or above the threshold.</summary>
    AtOrAbove,
    /// <summary>Fails when the value is below the threshold.</summary>
    Below,
    /// <summary>Fails when the value is at or below the threshold.</summary>
    AtOrBelow,
}

/// <summary>
/// One quality rule: its signal, comparison, threshold (from the options; null when the rule is
/// off) and the two anchors of the score's margins, given as functions of the threshold so they stay
/// sensible when a threshold is changed: <c>Good</c>, where the pass margin reaches 1, and
/// <c>Bad</c>, where the failure severity reaches 1.
/// </summary>
internal sealed record QualityRule(
    string Reason,
    Func<QualityOptions, bool> FamilyEnabled,
    Func<QualityOptions, string> Signal,
    Fails Fails,
    Func<QualityOptions, double?> Threshold,
    Func<double, double> Good,
    Func<double, double> Bad,
    bool LogScale = false,
    bool SkipForNonAlphabetic = false,
    bool SkipForUnpunctuated = false)
{
    public QualityCheck Check(string signal, double value, double threshold)
    {
        var upper = Fails is Fails.Above or Fails.AtOrAbove; // a maximum
        var failed = Fails switch
        {
            Fails.Above => value > threshold,
            Fails.AtOrAbove => value >= threshold,
            Fails.Below => value < threshold,
            _ => value <= threshold,
        };
        double margin;
        if (!failed)
        {
            var good = Good(threshold);
            if (upper)
                margin = good < threshold ? Clamp((threshold - value) / (threshold - good)) : 1;
            else if (!(good > threshold))
                margin = 1;
            else if (LogScale && threshold > 0 && value > 0)
                margin = Clamp(Math.Log(value / threshold) / Math.Log(good / threshold));
            else
                margin = Clamp((value - threshold) / (good - threshold));
        }
        else
        {
            var bad = Bad(threshold);
            var severity = upper
                ? (bad > threshold ? Clamp((value - threshold) / (bad - threshold)) : 1)
                : (bad < threshold ? Clamp((threshold - value) / (threshold - bad)) : 1);
            margin = -severity;
        }
        return new QualityCheck(Reason, signal, value, threshold, failed, margin);
    }

    private static double Clamp(double x) => double.IsNaN(x) ? 0 : Math.Clamp(x, 0, 1);
}

/// <summary>The rule table, in the order of <see cref="QualityReasons.All"/>.</summary>
internal static class QualityRules
{
    private static bool Gopher(QualityOptions o) => o.GopherQuality.Enabled;
    private static bool Repetition(QualityOptions o) => o.GopherRepetition.Enabled;
    private static bool C4(QualityOptions o) => o.C4.Enabled;
    private static bool FineWeb(QualityOptions o) => o.FineWeb.Enabled;
    private static bool Unicode(QualityOptions o) => o.Unicode.Enabled;

    private static Func<QualityOptions, string> S(string signal) => _ => signal;

    // A maximum on a share: margin 1 at zero, severity 1 at the threshold plus `spread` (capped at 1).
    private static QualityRule MaxShare(string reason, Func<QualityOptions, bool> family, string signal, Func<QualityOptions, double?> threshold,
        double spread, Fails fails = Fails.Above, bool skipForUnpunctuated = false) =>
        new(reason, family, S(signal), fails, threshold, _ => 0, t => Math.Min(1, t + spread), SkipForUnpunctuated: skipForUnpunctuated);

    public static readonly QualityRule[] All =
    [
        // Gopher quality. Good: 250 words (log scale), mean word length 4.2 and 6.5, an alpha share of
        // 0.85, 20 stop words (5 different ones) — about the 10th percentile of clean news articles.
        new(QualityReasons.GopherShortDoc, Gopher, S(QualitySignals.GopherWordCount), Fails.Below,
            o => o.GopherQuality.MinWords, t => Math.Max(5 * t, t + 1), _ => 0, LogScale: true),
        new(QualityReasons.GopherLongDoc, Gopher, S(QualitySignals.GopherWordCount), Fails.Above,
            o => o.GopherQuality.MaxWords, t => t / 2, t => 2 * t),
        new(QualityReasons.GopherBelowAvgThreshold, Gopher, S(QualitySignals.GopherMeanWordLength), Fails.Below,
            o => o.GopherQuality.MinMeanWordLength, t => t + 1.2, t => t / 2, SkipForNonAlphabetic: true),
        new(QualityReasons.GopherAboveAvgThreshold, Gopher, S(QualitySignals.GopherMeanWordLength), Fails.Above,
            o => o.GopherQuality.MaxMeanWordLength, t => 0.65 * t, t => 2 * t, SkipForNonAlphabetic: true),
        MaxShare(QualityReasons.GopherTooManyHashes, Gopher, QualitySignals.GopherHashWordRatio, o => o.GopherQuality.MaxHashWordRatio, 0.4),
        MaxShare(QualityReasons.GopherTooManyEllipsis, Gopher, QualitySignals.GopherEllipsisWordRatio, o => o.GopherQuality.MaxEllipsisWordRatio, 0.4),
        MaxShare(QualityReasons.GopherTooManyBullets, Gopher, QualitySignals.GopherBulletLinesFrac, o => o.GopherQuality.MaxBulletLinesFrac, 1),
        MaxShare(QualityReasons.GopherTooManyEndEllipsis, Gopher, QualitySignals.GopherEndEllipsisLinesFrac, o => o.GopherQuality.MaxEndEllipsisLinesFrac, 1),
        new(QualityReasons.GopherBelowAlphaThreshold, Gopher, S(QualitySignals.GopherAlphaWordsFrac), Fails.Below,
            o => o.GopherQuality.MinAlphaWordsFrac, t => Math.Min(1, t + 0.05), t => t / 2),
        new(QualityReasons.GopherEnoughStopWords, Gopher,
            o => o.GopherQuality.CountDistinctStopWords ? QualitySignals.GopherDistinctStopWords : QualitySignals.GopherStopWords, Fails.Below,
            o => o.GopherQuality.MinStopWords, t => Math.Max(10 * t, 1), _ => 0),

        // Gopher repetition: margin 1 at no repetition at all.
        MaxShare(QualityReasons.DupParaFrac, Repetition, QualitySignals.DupParaFrac, o => o.GopherRepetition.MaxDupParaFrac, 0.5),
        MaxShare(QualityReasons.DupParaCharFrac, Repetition, QualitySignals.DupParaCharFrac, o => o.GopherRepetition.MaxDupParaCharFrac, 0.4),
        MaxShare(QualityReasons.DupLineFrac, Repetition, QualitySignals.DupLineFrac, o => o.GopherRepetition.MaxDupLineFrac, 0.5),
        MaxShare(QualityReasons.DupLineCharFrac, Repetition, QualitySignals.DupLineCharFrac, o => o.GopherRepetition.MaxDupLineCharFrac, 0.4),
        MaxShare(QualityReasons.Top2Gram, Repetition, QualitySignals.Top2GramCharFrac, o => o.GopherRepetition.MaxTop2GramCharFrac, 0.3),
        MaxShare(QualityReasons.Top3Gram, Repetition, QualitySignals.Top3GramCharFrac, o => o.GopherRepetition.MaxTop3GramCharFrac, 0.3),
        MaxShare(QualityReasons.Top4Gram, Repetition, QualitySignals.Top4GramCharFrac, o => o.GopherRepetition.MaxTop4GramCharFrac, 0.3),
        MaxShare(QualityReasons.Duplicated5NGrams, Repetition, QualitySignals.Duplicated5GramCharFrac, o => o.GopherRepetition.MaxDuplicated5GramCharFrac, 0.3),
        MaxShare(QualityReasons.Duplicated6NGrams, Repetition, QualitySignals.Duplicated6GramCharFrac, o => o.GopherRepetition.MaxDuplicated6GramCharFrac, 0.3),
        MaxShare(QualityReasons.Duplicated7NGrams, Repetition, QualitySignals.Duplicated7GramCharFrac, o => o.GopherRepetition.MaxDuplicated7GramCharFrac, 0.3),
        MaxShare(QualityReasons.Duplicated8NGrams, Repetition, QualitySignals.Duplicated8GramCharFrac, o => o.GopherRepetition.MaxDuplicated8GramCharFrac, 0.3),
        MaxShare(QualityReasons.Duplicated9NGrams, Repetition, QualitySignals.Duplicated9GramCharFrac, o => o.GopherRepetition.MaxDuplicated9GramCharFrac, 0.3),
        MaxShare(QualityReasons.Duplicated10NGrams, Repetition, QualitySignals.Duplicated10GramCharFrac, o => o.GopherRepetition.MaxDuplicated10GramCharFrac, 0.3),

        // C4. Flags fail when set (threshold 0); 15 sentences are "good" for the minimum of 5.
        new(QualityReasons.C4LoremIpsum, C4, S(QualitySignals.C4LoremIpsum), Fails.Above,
            o => o.C4.RejectLoremIpsum ? 0 : null, _ => 0, _ => 1),
        new(QualityReasons.C4CurlyBracket, C4, S(QualitySignals.C4CurlyBracket), Fails.Above,
            o => o.C4.RejectCurlyBracket ? 0 : null, _ => 0, _ => 1),
        new(QualityReasons.C4TooFewSentences, C4, S(QualitySignals.C4Sentences), Fails.Below,
            o => o.C4.MinSentences > 0 ? o.C4.MinSentences : null, t => 3 * t, _ => 0),
        MaxShare(QualityReasons.C4LinesWithoutTerminalPunct, C4, QualitySignals.C4LinesWithoutTerminalPunctFrac,
            o => o.C4.MaxLinesWithoutTerminalPunctFrac, 1, skipForUnpunctuated: true),
        MaxShare(QualityReasons.C4LinesUnder3Words, C4, QualitySignals.C4LinesUnder3WordsFrac, o => o.C4.MaxLinesUnder3WordsFrac, 1),
        new(QualityReasons.C4Javascript, C4, S(QualitySignals.C4JavascriptLines), Fails.Above,
            o => o.C4.MaxJavascriptLines, _ => 0, t => t + 5),
        new(QualityReasons.C4Policy, C4, S(QualitySignals.C4PolicyLines), Fails.Above,
            o => o.C4.MaxPolicyLines, _ => 0, t => t + 5),

        // FineWeb, with datatrove's comparisons. Good: 60% of lines end in punctuation, a short-line
        // share of half the maximum, no repeated line, no line breaks.
        new(QualityReasons.FineWebLinePunctRatio, FineWeb, S(QualitySignals.FineWebLinePunctFrac), Fails.AtOrBelow,
            o => o.FineWeb.MinLinePunctFrac, t => Math.Min(1, 5 * t), _ => 0, SkipForUnpunctuated: true),
        new(QualityReasons.FineWebShortLineRatio, FineWeb, S(QualitySignals.FineWebShortLineFrac), Fails.AtOrAbove,
            o => o.FineWeb.MaxShortLineFrac, t => t / 2, _ => 1),
        MaxShare(QualityReasons.FineWebCharDupRatio, FineWeb, QualitySignals.FineWebDupLineCharFrac, o => o.FineWeb.MaxDupLineCharFrac, 0.2, Fails.AtOrAbove),
        new(QualityReasons.FineWebListRatio, FineWeb, S(QualitySignals.FineWebNewlineWordRatio), Fails.Above,
            o => o.FineWeb.MaxNewlineWordRatio, _ => 0, t => t + 0.7),

        // Unicode: clean text has none of these; ten times the maximum is as bad as it gets.
        new(QualityReasons.UnicodeReplacementChars, Unicode, S(QualitySignals.UnicodeReplacementCharFrac), Fails.Above,
            o => o.Unicode.MaxReplacementCharFrac, _ => 0, t => Math.Min(1, Math.Max(10 * t, 0.01))),
        new(QualityReasons.UnicodeMojibake, Unicode, S(QualitySignals.UnicodeMojibakeFrac), Fails.Above,
            o => o.Unicode.MaxMojibakeFrac, _ => 0, t => Math.Min(1, Math.Max(10 * t, 0.01))),
        new(QualityReasons.UnicodeControlChars, Unicode, S(QualitySignals.UnicodeControlCharFrac), Fails.Above,
            o => o.Unicode.MaxControlCharFrac, _ => 0, t => Math.Min(1, Math.Max(10 * t, 0.01))),
        new(QualityReasons.UnicodeUnexpectedScript, Unicode, S(QualitySignals.UnicodeExpectedScriptFrac), Fails.Below,
            o => o.Unicode.MinExpectedScriptFrac, t => t + 0.8 * (1 - t), _ => 0),
    ];
}
