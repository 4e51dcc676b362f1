using Microsoft.Extensions.Configuration;

namespace IngestWorker.Options;

/// <summary>
/// Finds keys in a configuration section that no property of the options type reads, by their full
/// path (e.g. <c>ingestWorker:pipeline:maxInputByte</c>). The binder's own check names only the
/// property and the type, which does not tell a user which line of host.json is wrong.
/// </summary>
internal static class UnknownConfigurationKeys
{
    public static IEnumerable<string> Find(IConfigurationSection section, Type optionsType)
    {
        foreach (var child in section.GetChildren())
        {
            var property = ConfigurationShape.Property(optionsType, child.Key);
            if (property is null)
            {
                yield return child.Path;
                continue;
            }
            if (ConfigurationShape.IsNestedOptions(property.PropertyType))
            {
                foreach (var unknown in Find(child, property.PropertyType))
                    yield return unknown;
            }
        }
    }
}
