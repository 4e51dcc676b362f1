using System.Text.Json.Nodes;

namespace IngestWorker.Tests.Infra;

/// <summary>One resource a deployment would create, its expressions evaluated (<see cref="ArmScope"/>).</summary>
internal sealed record ArmResource(string Type, string Name, string Id, IReadOnlyDictionary<string, object?> Body)
{
    /// <summary>What a path leads to when something on the way is not there.</summary>
    public static readonly object Missing = new MissingValue();

    /// <summary>The value at a dotted path (<c>properties.filter.subjectBeginsWith</c>), or <see cref="Missing"/>.</summary>
    public object? Get(string path) => At(Body, path);

    public static object? At(object? value, string path)
    {
        foreach (var property in path.Split('.'))
        {
            if (value is not Dictionary<string, object?> obj || !obj.TryGetValue(property, out value))
                return Missing;
        }
        return value;
    }

    public override string ToString() => $"{Type} '{Name}'";

    private sealed class MissingValue
    {
        public override string ToString() => "(missing)";
    }
}

/// <summary>
/// A compiled template evaluated with parameter values, as a flat list of the resources it would
/// deploy (modules' resources included, resource loops expanded, conditions that are false left out)
/// and its outputs.
/// </summary>
internal sealed class ArmDeployment
{
    private ArmDeployment(IReadOnlyList<ArmResource> resources, IReadOnlyDictionary<string, object?> outputs)
    {
        Resources = resources;
        Outputs = outputs;
    }

    public IReadOnlyList<ArmResource> Resources { get; }

    public IReadOnlyDictionary<string, object?> Outputs { get; }

    public static ArmDeployment Evaluate(string templateJson, IReadOnlyDictionary<string, object?> parameterValues)
    {
        var root = new ArmScope(JsonNode.Parse(templateJson)!.AsObject(), parameterValues);
        var resources = Expand(root).ToList();
        var outputs = (root.Outputs ?? []).ToDictionary(p => p.Key, p => root.Output(p.Key), StringComparer.Ordinal);
        return new ArmDeployment(resources, outputs);
    }

    /// <summary>The <c>parameters</c> of a deployment parameters file (what <c>bicep build-params</c> prints as parametersJson).</summary>
    public static Dictionary<string, object?> ParametersOf(string parametersJson) =>
        (JsonNode.Parse(parametersJson)?["parameters"] as JsonObject ?? [])
        .ToDictionary(p => p.Key, p => ArmValues.FromJson(p.Value?["value"]), StringComparer.Ordinal);

    public IEnumerable<ArmResource> OfType(string type) =>
        Resources.Where(r => r.Type.Equals(type, StringComparison.OrdinalIgnoreCase));

    /// <summary>The one resource of a type; fails naming what there is instead.</summary>
    public ArmResource Single(string type)
    {
        var found = OfType(type).ToList();
        return found.Count == 1
            ? found[0]
            : throw new InvalidOperationException($"Expected one {type}; the deployment has {found.Count}: {string.Join(", ", Resources.Select(r => r.ToString()))}.");
    }

    private static IEnumerable<ArmResource> Expand(ArmScope scope)
    {
        foreach (var definition in scope.ResourceDefinitions)
        {
            if (definition["copy"] is JsonObject copy)
            {
                var count = Convert.ToInt32(scope.Evaluate(copy["count"]), System.Globalization.CultureInfo.InvariantCulture);
                for (var i = 0; i < count; i++)
                {
                    scope.CopyIndex = i;
                    foreach (var resource in One(scope, definition))
                        yield return resource;
                }
                scope.CopyIndex = null;
            }
            else
            {
                foreach (var resource in One(scope, definition))
                    yield return resource;
            }
        }
    }

    private static IEnumerable<ArmResource> One(ArmScope scope, JsonObject definition)
    {
        // A condition that only the deployment could decide keeps the resource in.
        if (definition["condition"] is { } condition && scope.Evaluate(condition) is false)
            return [];
        var type = (string)definition["type"]!;
        var name = ArmValues.Text(scope.Evaluate(definition["name"]));
        if (type == "Microsoft.Resources/deployments" && definition["properties"]?["template"] is not null)
            return Expand(scope.Module(name)!).ToList();

        var body = (Dictionary<string, object?>)scope.Evaluate(definition)!;
        var names = NameSegments(name);
        var id = body.TryGetValue("scope", out var extended)
            ? ArmValues.Text(extended) + ArmValues.ProviderPath(type, names)
            : ArmValues.ResourceId(type, names);
        return [new ArmResource(type, name, id, body)];
    }

    // A child's name is its parents' and its own, joined by '/'; a deferred part of it (a generated
    // account name) may hold '/' in its expression, which does not separate anything.
    private static List<object?> NameSegments(string name)
    {
        var segments = new List<object?>();
        var depth = 0;
        var start = 0;
        for (var i = 0; i < name.Length; i++)
        {
            if (name[i] == '⟨')
                depth++;
            else if (name[i] == '⟩')
                depth--;
            else if (name[i] == '/' && depth == 0)
            {
                segments.Add(name[start..i]);
                start = i + 1;
            }
        }
        segments.Add(name[start..]);
        return segments;
    }
}
