using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace IngestWorker.Tests.Infra;

/// <summary>
/// A value only a deployment knows (a resource's runtime property, a generated name), kept as the
/// expression that makes it, so that tests can still say where it comes from.
/// </summary>
internal sealed record Deferred(string Expression)
{
    public override string ToString() => "⟨" + Expression + "⟩";
}

/// <summary>
/// The subset of the ARM template expression language that compiled Bicep uses
/// (<c>[format('{0}-work', parameters('input'))]</c>): function calls, string and number literals,
/// property access and indexing. Parsing is strict, so a construct the tests do not know fails
/// loudly instead of being misread.
/// </summary>
internal abstract record ArmExpression
{
    public static ArmExpression Parse(string text) => new Parser(text).ParseWhole();

    private sealed class Parser(string text)
    {
        private int _at;

        public ArmExpression ParseWhole()
        {
            var expression = ParseExpression();
            SkipSpace();
            return _at == text.Length ? expression : throw Error("text after the expression");
        }

        private ArmExpression ParseExpression()
        {
            SkipSpace();
            var next = _at < text.Length ? text[_at] : '\0';
            ArmExpression expression = next switch
            {
                '\'' => new ArmLiteral(ParseString()),
                _ when char.IsAsciiDigit(next) || next == '-' => new ArmLiteral(ParseNumber()),
                _ when char.IsAsciiLetter(next) => ParseCall(),
                _ => throw Error("a value"),
            };
            while (true)
            {
                SkipSpace();
                if (TryTake('.'))
                    expression = new ArmMember(expression, ParseIdentifier());
                else if (TryTake('['))
                {
                    var key = ParseExpression();
                    SkipSpace();
                    Expect(']');
                    expression = new ArmIndex(expression, key);
                }
                else
                    return expression;
            }
        }

        private ArmCall ParseCall()
        {
            var name = ParseIdentifier();
            SkipSpace();
            Expect('(');
            var arguments = new List<ArmExpression>();
            SkipSpace();
            if (!TryTake(')'))
            {
                do
                    arguments.Add(ParseExpression());
                while (SkipSpace() && TryTake(','));
                SkipSpace();
                Expect(')');
            }
            return new ArmCall(name, arguments);
        }

        private string ParseString()
        {
            Expect('\'');
            var value = new StringBuilder();
            while (true)
            {
                if (_at >= text.Length)
                    throw Error("the end of a string");
                var c = text[_at++];
                if (c != '\'')
                    value.Append(c);
                else if (TryTake('\''))
                    value.Append('\'');
                else
                    return value.ToString();
            }
        }

        private long ParseNumber()
        {
            var start = _at;
            if (text[_at] == '-')
                _at++;
            while (_at < text.Length && char.IsAsciiDigit(text[_at]))
                _at++;
            return long.Parse(text.AsSpan(start, _at - start), CultureInfo.InvariantCulture);
        }

        private string ParseIdentifier()
        {
            var start = _at;
            while (_at < text.Length && (char.IsAsciiLetterOrDigit(text[_at]) || text[_at] == '_'))
                _at++;
            return _at > start ? text[start.._at] : throw Error("a name");
        }

        private bool SkipSpace()
        {
            while (_at < text.Length && text[_at] == ' ')
                _at++;
            return true;
        }

        private bool TryTake(char c)
        {
            if (_at >= text.Length || text[_at] != c)
                return false;
            _at++;
            return true;
        }

        private void Expect(char c)
        {
            if (!TryTake(c))
                throw Error($"'{c}'");
        }

        private FormatException Error(string expected) => new($"Expected {expected} at {_at} in the ARM expression [{text}].");
    }
}

internal sealed record ArmLiteral(object? Value) : ArmExpression;

internal sealed record ArmCall(string Function, IReadOnlyList<ArmExpression> Arguments) : ArmExpression;

internal sealed record ArmMember(ArmExpression Target, string Property) : ArmExpression;

internal sealed record ArmIndex(ArmExpression Target, ArmExpression Key) : ArmExpression;

/// <summary>
/// Values as the evaluator holds them: string, long, double, bool, null, <see cref="List{T}"/> of
/// values, <see cref="Dictionary{TKey,TValue}"/> of string to value, or <see cref="Deferred"/>.
/// </summary>
internal static class ArmValues
{
    /// <summary>Plain JSON (a parameters file's value) as a value; strings are taken as they are.</summary>
    public static object? FromJson(JsonNode? node) => node switch
    {
        null => null,
        JsonObject obj => obj.ToDictionary(p => p.Key, p => FromJson(p.Value), StringComparer.Ordinal),
        JsonArray array => array.Select(FromJson).ToList(),
        JsonValue value => value.GetValueKind() switch
        {
            JsonValueKind.String => value.GetValue<string>(),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Number when value.TryGetValue<long>(out var whole) => whole,
            JsonValueKind.Number => value.GetValue<double>(),
            _ => null,
        },
        _ => throw new NotSupportedException(node.ToJsonString()),
    };

    /// <summary>A value inside a string being built (<c>format</c>, <c>concat</c>, resource ids).</summary>
    public static string Text(object? value) => value switch
    {
        string s => s,
        long or double => Convert.ToString(value, CultureInfo.InvariantCulture)!,
        bool b => b ? "True" : "False",
        Deferred deferred => deferred.ToString(),
        _ => Render(value),
    };

    /// <summary>A value as an argument in a <see cref="Deferred"/> expression.</summary>
    public static string Render(object? value) => value switch
    {
        null => "null",
        string s => "'" + s + "'",
        long or double => Convert.ToString(value, CultureInfo.InvariantCulture)!,
        bool b => b ? "true" : "false",
        Deferred deferred => deferred.Expression,
        List<object?> list => "[" + string.Join(", ", list.Select(Render)) + "]",
        Dictionary<string, object?> obj => "{" + string.Join(", ", obj.Select(p => p.Key + ": " + Render(p.Value))) + "}",
        _ => throw new NotSupportedException(value.GetType().Name),
    };

    public static bool DeepEquals(object? left, object? right) => (left, right) switch
    {
        (List<object?> a, List<object?> b) => a.Count == b.Count && a.Zip(b).All(pair => DeepEquals(pair.First, pair.Second)),
        (Dictionary<string, object?> a, Dictionary<string, object?> b) =>
            a.Count == b.Count && a.All(p => b.TryGetValue(p.Key, out var other) && DeepEquals(p.Value, other)),
        (long a, double b) => a == b,
        (double a, long b) => a == b,
        _ => Equals(left, right),
    };

    /// <summary>The id of a resource in the deployment's resource group (subscription and group left as placeholders).</summary>
    public static string ResourceId(string type, IReadOnlyList<object?> names) =>
        "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}" + ProviderPath(type, names);

    /// <summary><c>/providers/Microsoft.Storage/storageAccounts/a/queueServices/default/queues/q</c> from a type and its names.</summary>
    public static string ProviderPath(string type, IReadOnlyList<object?> names)
    {
        var segments = type.Split('/');
        if (segments.Length - 1 != names.Count)
            throw new ArgumentException($"The type {type} takes {segments.Length - 1} names; {names.Count} given.");
        var path = new StringBuilder("/providers/").Append(segments[0]);
        for (var i = 1; i < segments.Length; i++)
            path.Append('/').Append(segments[i]).Append('/').Append(Text(names[i - 1]));
        return path.ToString();
    }
}
