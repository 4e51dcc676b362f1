using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace IngestWorker.Options;

/// <summary>
/// The <c>logging</c> section, checked before the host is built: the logger factory is created
/// while the host is built, and a log level it cannot read (<c>logging:logLevel:default=loud</c>)
/// or a console option that does not convert would stop it there with a stack trace and a message
/// that does not say which key is wrong.
/// </summary>
public static class LoggingConfigurationCheck
{
    public const string Section = "logging";

    public static IReadOnlyList<string> Find(IConfiguration configuration)
    {
        var logging = configuration.GetSection(Section);
        var errors = new List<string>();
        // logging:logLevel:<category>, and per provider logging:<provider>:logLevel:<category>.
        var levelSections = logging.GetChildren()
            .Select(child => string.Equals(child.Key, "logLevel", StringComparison.OrdinalIgnoreCase) ? child : child.GetSection("logLevel"));
        foreach (var levels in levelSections)
        {
            foreach (var level in levels.GetChildren())
            {
                if (!string.IsNullOrEmpty(level.Value) && !Enum.TryParse<LogLevel>(level.Value, ignoreCase: true, out _))
                    errors.Add($"{level.Path}: '{level.Value}' is not a log level (one of {string.Join(", ", Enum.GetNames<LogLevel>())}).");
            }
        }
        var console = logging.GetSection("console");
        errors.AddRange(ConfigurationValueChecks.Unconvertible(console, typeof(ConsoleLoggerOptions)));
        // Whichever formatter is chosen binds these; the JSON one has a few more of its own.
        errors.AddRange(ConfigurationValueChecks.Unconvertible(console.GetSection("formatterOptions"), typeof(SimpleConsoleFormatterOptions)));
        var jsonOnly = ConfigurationValueChecks.Unconvertible(console.GetSection("formatterOptions"), typeof(JsonConsoleFormatterOptions))
            .Where(e => !errors.Contains(e)).ToList();
        errors.AddRange(jsonOnly);
        return errors;
    }
}
