using System.ComponentModel;
using Microsoft.Extensions.Configuration;

namespace IngestWorker.Options;

/// <summary>
/// Values the configuration binder would ignore or fail on, found by walking a section beside its
/// options type and named by their full key, like every other configuration error.
/// </summary>
internal static class ConfigurationValueChecks
{
    /// <summary>
    /// List settings given one value (<c>ingestWorker__pipeline__language__allowed=fr</c>): the binder
    /// reads a list only from numbered keys and silently drops the value, so the setting would look
    /// applied and not be.
    /// </summary>
    public static IEnumerable<string> ScalarsForLists(IConfigurationSection section, Type optionsType)
    {
        foreach (var (key, type) in ConfigurationShape.KnownKeys(section, optionsType))
        {
            if (key.Value is { } value && ConfigurationShape.ItemType(type) is not null)
                yield return $"{key.Path} is a list, but it is given one value ('{value}'); give each item a numbered key of its own: "
                    + $"{key.Path}:0, {key.Path}:1, … (in the environment {key.Path.Replace(":", "__", StringComparison.Ordinal)}__0, …), or a JSON array in host.json.";
        }
    }

    /// <summary>
    /// Values that do not convert to their setting's type (<c>ingestWorker:http:port=abc</c>), all of
    /// them: the binder stops at the first with a message that does not start with the key.
    /// The conversion is the binder's own (the type's <see cref="TypeConverter"/>, invariant culture).
    /// </summary>
    public static IEnumerable<string> Unconvertible(IConfigurationSection section, Type optionsType)
    {
        foreach (var (key, type) in ConfigurationShape.KnownKeys(section, optionsType))
        {
            if (string.IsNullOrEmpty(key.Value) || ConfigurationShape.IsNestedOptions(type) || ConfigurationShape.ItemType(type) is not null)
                continue;
            var target = Nullable.GetUnderlyingType(type) ?? type;
            var converter = TypeDescriptor.GetConverter(target);
            if (!converter.CanConvertFrom(typeof(string)))
                continue;
            string? problem = null;
            try
            {
                _ = converter.ConvertFromInvariantString(key.Value);
            }
            catch (Exception e) when (e is FormatException or ArgumentException or OverflowException or NotSupportedException || e.InnerException is FormatException or OverflowException)
            {
                problem = $"{key.Path}: '{key.Value}' is not {Expected(target)}.";
            }
            if (problem is not null)
                yield return problem;
        }
    }

    private static string Expected(Type type) => type switch
    {
        _ when type == typeof(bool) => "true or false",
        _ when type == typeof(int) || type == typeof(long) || type == typeof(short) || type == typeof(byte)
            || type == typeof(uint) || type == typeof(ulong) || type == typeof(ushort) || type == typeof(sbyte) => "a whole number",
        _ when type == typeof(double) || type == typeof(float) || type == typeof(decimal) => "a number (with '.' for decimals, e.g. 0.5)",
        _ when type == typeof(TimeSpan) => "a duration as [d.]hh:mm:ss[.fff] (e.g. 00:00:30)",
        _ when type.IsEnum => "one of " + string.Join(", ", Enum.GetNames(type).Select(n => $"'{char.ToLowerInvariant(n[0])}{n[1..]}'")),
        _ => "a valid " + type.Name,
    };
}
