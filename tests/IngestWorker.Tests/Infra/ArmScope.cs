using System.Globalization;
using System.Text.Json.Nodes;

namespace IngestWorker.Tests.Infra;

/// <summary>
/// One template with its parameter values: the root template, or a module's nested template (Bicep
/// compiles modules to nested deployments evaluated in their own, inner scope). Evaluates the
/// template's expressions as far as they can be known before a deployment; what only a deployment
/// knows becomes a <see cref="Deferred"/>. A module's outputs read by another module resolve to
/// what the module outputs, so a value can be followed from main.bicep's parameters to the
/// resource that uses it.
/// </summary>
internal sealed class ArmScope
{
    private readonly JsonObject _template;
    private readonly IReadOnlyDictionary<string, object?> _given;
    private readonly Dictionary<string, object?> _resolved = new(StringComparer.Ordinal);
    private readonly HashSet<string> _resolving = new(StringComparer.Ordinal);
    private Dictionary<string, Func<ArmScope>>? _modules;
    private readonly Dictionary<string, ArmScope> _moduleScopes = new(StringComparer.OrdinalIgnoreCase);

    public ArmScope(JsonObject template, IReadOnlyDictionary<string, object?> parameterValues)
    {
        _template = template;
        _given = parameterValues;
    }

    /// <summary><c>copyIndex()</c> while a resource loop is being expanded.</summary>
    public int? CopyIndex { get; set; }

    public IEnumerable<JsonObject> ResourceDefinitions => _template["resources"] switch
    {
        JsonArray array => array.OfType<JsonObject>(),
        // languageVersion 2.0 keys resources by their symbolic names.
        JsonObject byName => byName.Select(p => p.Value).OfType<JsonObject>(),
        _ => [],
    };

    public JsonObject? Outputs => _template["outputs"] as JsonObject;

    /// <summary>JSON with expressions in it (a resource, a variable's value) as a value.</summary>
    public object? Evaluate(JsonNode? node) => node switch
    {
        JsonObject obj => obj.ToDictionary(p => ArmValues.Text(EvaluateString(p.Key)), p => Evaluate(p.Value), StringComparer.Ordinal),
        JsonArray array => array.Select(Evaluate).ToList(),
        JsonValue value when value.TryGetValue<string>(out var text) => EvaluateString(text),
        _ => ArmValues.FromJson(node),
    };

    public object? Parameter(string name) => Resolve("parameters:" + name, () =>
    {
        if (_given.TryGetValue(name, out var value))
            return value;
        var definition = _template["parameters"]?[name] ?? throw new KeyNotFoundException($"The template has no parameter '{name}'.");
        return definition["defaultValue"] is { } fallback
            ? Evaluate(fallback)
            : throw new InvalidOperationException($"The parameter '{name}' has neither a value nor a default.");
    });

    public object? Variable(string name) => Resolve("variables:" + name, () =>
        Evaluate(_template["variables"]?[name] ?? throw new KeyNotFoundException($"The template has no variable '{name}'.")));

    public object? Output(string name) =>
        Evaluate(Outputs?[name]?["value"] ?? throw new KeyNotFoundException($"The template has no output '{name}'."));

    /// <summary>The scope of the module (nested deployment) of that name, or null.</summary>
    public ArmScope? Module(string name)
    {
        _modules ??= FindModules();
        if (_moduleScopes.TryGetValue(name, out var scope))
            return scope;
        if (!_modules.TryGetValue(name, out var create))
            return null;
        return Resolve("module:" + name, () => _moduleScopes[name] = create()) as ArmScope;
    }

    /// <summary>
    /// <c>reference()</c>: a module's outputs when the id is a nested deployment of this template,
    /// otherwise what only the deployment knows.
    /// </summary>
    public object? Reference(object? id)
    {
        const string deployments = "/providers/Microsoft.Resources/deployments/";
        if (id is string text && text.Contains(deployments, StringComparison.Ordinal) && Module(text[(text.LastIndexOf('/') + 1)..]) is { } module)
        {
            var outputs = module.Outputs?.ToDictionary(p => p.Key, p => (object?)new Dictionary<string, object?> { ["value"] = module.Output(p.Key) }, StringComparer.Ordinal);
            return new Dictionary<string, object?>(StringComparer.Ordinal) { ["outputs"] = outputs ?? [] };
        }
        return new Deferred("reference(" + ArmValues.Render(id) + ")");
    }

    private Dictionary<string, Func<ArmScope>> FindModules()
    {
        var modules = new Dictionary<string, Func<ArmScope>>(StringComparer.OrdinalIgnoreCase);
        foreach (var definition in ResourceDefinitions.Where(r => (string?)r["type"] == "Microsoft.Resources/deployments"))
        {
            if (definition["properties"]?["template"] is not JsonObject template)
                continue;
            if ((string?)definition["properties"]?["expressionEvaluationOptions"]?["scope"] != "inner")
                throw new NotSupportedException("A nested deployment in the outer scope: Bicep compiles modules to the inner scope.");
            var name = ArmValues.Text(Evaluate(definition["name"]));
            var parameters = definition["properties"]?["parameters"] as JsonObject ?? [];
            modules[name] = () => new ArmScope(template,
                parameters.ToDictionary(p => p.Key, p => Evaluate(p.Value?["value"]), StringComparer.Ordinal));
        }
        return modules;
    }

    private object? Resolve(string key, Func<object?> compute)
    {
        if (_resolved.TryGetValue(key, out var known))
            return known;
        if (!_resolving.Add(key))
            throw new InvalidOperationException($"{key} depends on itself.");
        try
        {
            return _resolved[key] = compute();
        }
        finally
        {
            _resolving.Remove(key);
        }
    }

    private object? EvaluateString(string text)
    {
        if (text.StartsWith("[[", StringComparison.Ordinal))
            return text[1..];
        if (text.Length >= 2 && text[0] == '[' && text[^1] == ']')
            return Evaluate(ArmExpression.Parse(text[1..^1]));
        return text;
    }

    private object? Evaluate(ArmExpression expression) => expression switch
    {
        ArmLiteral literal => literal.Value,
        ArmCall call => ArmFunctions.Invoke(call, this, Evaluate),
        ArmMember member => Member(Evaluate(member.Target), member.Property),
        ArmIndex index => Index(Evaluate(index.Target), Evaluate(index.Key)),
        _ => throw new NotSupportedException(expression.ToString()),
    };

    private static object? Member(object? target, string property) => target switch
    {
        Deferred deferred => new Deferred(deferred.Expression + "." + property),
        Dictionary<string, object?> obj => obj.TryGetValue(property, out var value)
            ? value
            : throw new KeyNotFoundException($"No property '{property}' in {ArmValues.Render(obj)}."),
        _ => throw new InvalidOperationException($"'.{property}' of {ArmValues.Render(target)}."),
    };

    private static object? Index(object? target, object? key) => (target, key) switch
    {
        (Deferred, _) or (_, Deferred) => new Deferred(ArmValues.Render(target) + "[" + ArmValues.Render(key) + "]"),
        (List<object?> list, long i) => list[checked((int)i)],
        (Dictionary<string, object?> obj, string name) => obj[name],
        _ => throw new InvalidOperationException($"{ArmValues.Render(target)}[{ArmValues.Render(key)}]."),
    };
}

/// <summary>The ARM functions compiled Bicep uses in infra/; any other fails the test, naming it.</summary>
internal static class ArmFunctions
{
    public static object? Invoke(ArmCall call, ArmScope scope, Func<ArmExpression, object?> evaluate)
    {
        // if() evaluates only the branch it takes, as ARM does.
        if (call.Function.Equals("if", StringComparison.OrdinalIgnoreCase))
        {
            return evaluate(call.Arguments[0]) switch
            {
                true => evaluate(call.Arguments[1]),
                false => evaluate(call.Arguments[2]),
                var unknown => new Deferred($"if({ArmValues.Render(unknown)}, …)"),
            };
        }
        var args = call.Arguments.Select(evaluate).ToList();
        var name = call.Function.ToLowerInvariant();
        // Strings built from something only the deployment knows keep its expression inside.
        switch (name)
        {
            case "parameters": return scope.Parameter((string)args[0]!);
            case "variables": return scope.Variable((string)args[0]!);
            case "copyindex": return (long)(scope.CopyIndex ?? throw new InvalidOperationException("copyIndex() outside a loop.")) + args.OfType<long>().Sum();
            case "reference": return scope.Reference(args[0]);
            case "format": return string.Format(CultureInfo.InvariantCulture, (string)args[0]!, args.Skip(1).Select(ArmValues.Text).ToArray<object?>());
            case "createarray": return args;
            case "createobject": return args.Chunk(2).ToDictionary(pair => (string)pair[0]!, pair => pair[1], StringComparer.Ordinal);
            case "resourcegroup":
                return new Dictionary<string, object?>(StringComparer.Ordinal)
                {
                    ["id"] = "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}",
                    ["name"] = "{resourceGroup}",
                    ["location"] = new Deferred("resourceGroup().location"),
                };
            case "resourceid": return ArmValues.ResourceId(TypeArgument(args, 0), args[1..]);
            case "subscriptionresourceid": return "/subscriptions/{subscriptionId}" + ArmValues.ProviderPath(TypeArgument(args, 0), args[1..]);
            case "extensionresourceid": return ArmValues.Text(args[0]) + ArmValues.ProviderPath(TypeArgument(args, 1), args[2..]);
            case "guid" or "uniquestring" or "listkeys": return Unknown(call.Function, args);
            case "true": return true;
            case "false": return false;
            case "null": return null;
        }
        if (args.Any(arg => arg is Deferred))
            return Unknown(call.Function, args);
        return name switch
        {
            "concat" when args.All(arg => arg is List<object?>) => args.Cast<List<object?>>().SelectMany(list => list).ToList(),
            "concat" => string.Concat(args.Select(ArmValues.Text)),
            "string" => ArmValues.Text(args[0]),
            "json" => ArmValues.FromJson(JsonNode.Parse((string)args[0]!)),
            "length" => (long)Count(args[0]),
            "empty" => args[0] is null || Count(args[0]) == 0,
            "not" => !(bool)args[0]!,
            "and" => args.All(arg => (bool)arg!),
            "or" => args.Any(arg => (bool)arg!),
            "equals" => ArmValues.DeepEquals(args[0], args[1]),
            "tolower" => ((string)args[0]!).ToLowerInvariant(),
            "contains" => args[0] switch
            {
                string s => s.Contains((string)args[1]!, StringComparison.OrdinalIgnoreCase),
                List<object?> list => list.Any(item => ArmValues.DeepEquals(item, args[1])),
                Dictionary<string, object?> obj => obj.ContainsKey((string)args[1]!),
                _ => false,
            },
            _ => throw new NotSupportedException($"The ARM function {call.Function}() is not known to the tests' template reader (Infra/ArmScope.cs)."),
        };
    }

    private static Deferred Unknown(string name, IEnumerable<object?> args) =>
        new($"{name}({string.Join(", ", args.Select(ArmValues.Render))})");

    private static string TypeArgument(List<object?> args, int at) =>
        args[at] is string type && type.Contains('/', StringComparison.Ordinal)
            ? type
            : throw new NotSupportedException($"Expected a resource type at argument {at}: ids of other subscriptions or groups are not used in infra/.");

    private static int Count(object? value) => value switch
    {
        string s => s.Length,
        List<object?> list => list.Count,
        Dictionary<string, object?> obj => obj.Count,
        _ => throw new InvalidOperationException($"The length of {ArmValues.Render(value)}."),
    };
}
