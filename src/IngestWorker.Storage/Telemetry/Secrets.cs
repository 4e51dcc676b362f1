using System.Text.RegularExpressions;

namespace IngestWorker.Telemetry;

/// <summary>
/// Removes credentials from text bound for a log line or the console: account keys and shared
/// access signatures as connection strings and SAS URLs spell them. The one place that knows what
/// a secret looks like.
/// </summary>
public static partial class Secrets
{
    public const string Mask = "REDACTED";

    /// <summary>The text with every account key, SAS signature and SAS connection-string value replaced by <see cref="Mask"/>.</summary>
    public static string Redact(string text) =>
        MayContainSecret(text) ? SecretValue().Replace(text, m => m.Groups["name"].Value + Mask) : text;

    public static bool MayContainSecret(string text) => SecretValue().IsMatch(text);

    /// <summary>An endpoint to show: scheme, host, port and path; never user information or a query (where a SAS lives).</summary>
    public static string Endpoint(Uri uri) =>
        uri.IsAbsoluteUri ? uri.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped) : Mask;

    public static string Endpoint(string uri) => Uri.TryCreate(uri, UriKind.Absolute, out var parsed) ? Endpoint(parsed) : Mask;

    // AccountKey=…; and SharedAccessKey=… (connection strings), SharedAccessSignature=… up to the
    // next ';' (its value is a whole SAS, '&'s and all), and sig=… (a SAS in a URL or on its own).
    [GeneratedRegex("""(?<name>\b(?:AccountKey|SharedAccessKey)=)[^;\s"']+|(?<name>\bSharedAccessSignature=)[^;\s"']+|(?<name>(?<![A-Za-z0-9_])sig=)[^&;\s"'<>]+""", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SecretValue();
}
