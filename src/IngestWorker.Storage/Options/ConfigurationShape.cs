using System.Reflection;
using Microsoft.Extensions.Configuration;

namespace IngestWorker.Options;

/// <summary>How an options type's properties map onto configuration keys, shared by the checks that walk a section beside the type.</summary>
internal static class ConfigurationShape
{
    public static PropertyInfo? Property(Type optionsType, string key) =>
        optionsType.GetProperty(key, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);

    /// <summary>A class of settings of its own (bound key by key), as opposed to a value or a list.</summary>
    public static bool IsNestedOptions(Type type) =>
        type.IsClass && type != typeof(string) && !typeof(System.Collections.IEnumerable).IsAssignableFrom(type);

    /// <summary>The type of a list's items (of a dictionary's values), or null when <paramref name="type"/> is not a list.</summary>
    public static Type? ItemType(Type type)
    {
        if (type == typeof(string) || !typeof(System.Collections.IEnumerable).IsAssignableFrom(type))
            return null;
        if (type.IsArray)
            return type.GetElementType();
        var dictionary = type.IsGenericType && type.GetGenericTypeDefinition() is var d && (d == typeof(IDictionary<,>) || d == typeof(IReadOnlyDictionary<,>))
            ? type
            : type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IDictionary<,>));
        if (dictionary is not null)
            return dictionary.GetGenericArguments()[1];
        var enumerable = type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IEnumerable<>)
            ? type
            : type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>));
        return enumerable?.GetGenericArguments()[0] ?? typeof(object);
    }

    /// <summary>Every key of <paramref name="section"/> that a property of <paramref name="optionsType"/> reads, with the property's type, nested classes and list items included.</summary>
    public static IEnumerable<(IConfigurationSection Section, Type Type)> KnownKeys(IConfigurationSection section, Type optionsType)
    {
        foreach (var child in section.GetChildren())
        {
            if (Property(optionsType, child.Key) is not { } property)
                continue;
            foreach (var known in Walk(child, property.PropertyType))
                yield return known;
        }
    }

    private static IEnumerable<(IConfigurationSection, Type)> Walk(IConfigurationSection section, Type type)
    {
        yield return (section, type);
        if (IsNestedOptions(type))
        {
            foreach (var known in KnownKeys(section, type))
                yield return known;
        }
        else if (ItemType(type) is { } itemType)
        {
            foreach (var item in section.GetChildren())
            {
                foreach (var known in Walk(item, itemType))
                    yield return known;
            }
        }
    }
}
