using System.Text;
using System.Text.Json;

namespace IngestWorker.Tests.Container;

/// <summary>
/// The repository's Dockerfile read as far as its tests need: stages and their instructions, with
/// line continuations joined and comments dropped. No engine runs where the tests do, so the image
/// is checked from its definition (DockerfileTests) and its start command and health check are run
/// against a published folder (the integration tests' PublishedWorkerTests).
/// </summary>
internal sealed class Dockerfile
{
    private Dockerfile(IReadOnlyList<DockerStage> stages) => Stages = stages;

    public IReadOnlyList<DockerStage> Stages { get; }

    /// <summary>The stage the image is made of: the last one.</summary>
    public DockerStage Runtime => Stages[^1];

    public DockerStage Stage(string name) =>
        Stages.SingleOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new InvalidOperationException($"The Dockerfile has no stage named '{name}'.");

    public static Dockerfile Load(string path) => Parse(File.ReadAllText(path));

    public static Dockerfile Parse(string text)
    {
        var stages = new List<DockerStage>();
        List<DockerInstruction>? current = null;
        foreach (var instruction in Instructions(text))
        {
            if (instruction.Keyword == "FROM")
            {
                var words = instruction.Words();
                var image = words.First(w => !w.StartsWith("--", StringComparison.Ordinal));
                var asIndex = words.FindIndex(w => w.Equals("AS", StringComparison.OrdinalIgnoreCase));
                current = [];
                stages.Add(new DockerStage(image, asIndex >= 0 ? words[asIndex + 1] : null, current));
            }
            else if (current is null)
            {
                // Only ARG may come before the first FROM.
                if (instruction.Keyword != "ARG")
                    throw new FormatException($"Line {instruction.Line}: {instruction.Keyword} before the first FROM.");
            }
            else
            {
                current.Add(instruction);
            }
        }
        return new Dockerfile(stages);
    }

    private static IEnumerable<DockerInstruction> Instructions(string text)
    {
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var logical = new StringBuilder();
        var start = 0;
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            var trimmed = line.TrimStart();
            // Comments (parser directives included) are whole lines, also between continued lines.
            if (trimmed.StartsWith('#'))
                continue;
            if (logical.Length == 0)
            {
                if (trimmed.Length == 0)
                    continue;
                start = i + 1;
            }
            var body = line.TrimEnd();
            if (body.EndsWith('\\'))
            {
                logical.Append(body[..^1]).Append(' ');
                continue;
            }
            logical.Append(body);
            yield return DockerInstruction.From(logical.ToString(), start);
            logical.Clear();
        }
        if (logical.Length > 0)
            yield return DockerInstruction.From(logical.ToString(), start);
    }
}

internal sealed record DockerStage(string Image, string? Name, IReadOnlyList<DockerInstruction> Instructions)
{
    public IEnumerable<DockerInstruction> All(string keyword) => Instructions.Where(i => i.Keyword == keyword);

    public DockerInstruction? Last(string keyword) => All(keyword).LastOrDefault();

    /// <summary>The stage's working directory at its end (absolute WORKDIRs only, which is what this Dockerfile uses).</summary>
    public string? WorkDir => Last("WORKDIR")?.Arguments;

    /// <summary>The variables the stage's ENV instructions set, in the <c>key=value</c> form.</summary>
    public IReadOnlyDictionary<string, string> Environment()
    {
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var env in All("ENV"))
        {
            foreach (var pair in env.Words())
            {
                var equals = pair.IndexOf('=', StringComparison.Ordinal);
                if (equals <= 0)
                    throw new FormatException($"Line {env.Line}: ENV is read in its key=value form only.");
                variables[pair[..equals]] = pair[(equals + 1)..].Trim('"');
            }
        }
        return variables;
    }
}

internal sealed record DockerInstruction(string Keyword, string Arguments, int Line)
{
    public static DockerInstruction From(string text, int line)
    {
        var trimmed = text.Trim();
        var space = trimmed.IndexOfAny([' ', '\t']);
        return space < 0
            ? new DockerInstruction(trimmed.ToUpperInvariant(), "", line)
            : new DockerInstruction(trimmed[..space].ToUpperInvariant(), trimmed[space..].Trim(), line);
    }

    /// <summary>The arguments split at white space (this Dockerfile quotes nothing that holds a space).</summary>
    public List<string> Words() => Arguments.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries).ToList();

    /// <summary>The leading <c>--name=value</c> options (COPY --from, HEALTHCHECK --interval, …).</summary>
    public IReadOnlyDictionary<string, string> Flags() =>
        Words().TakeWhile(w => w.StartsWith("--", StringComparison.Ordinal))
            .Select(w => w[2..].Split('=', 2))
            .ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : "", StringComparer.Ordinal);

    /// <summary>What follows the options.</summary>
    public string Body => string.Join(' ', Words().SkipWhile(w => w.StartsWith("--", StringComparison.Ordinal)));

    /// <summary>
    /// The command of an exec-form ENTRYPOINT, CMD or HEALTHCHECK CMD (a JSON array), as the engine
    /// runs it: a program and its arguments, no shell. Null for the shell form.
    /// </summary>
    public IReadOnlyList<string>? ExecForm()
    {
        var json = Arguments;
        if (Keyword == "HEALTHCHECK")
        {
            // Its options come first and never contain "CMD".
            var cmd = Arguments.IndexOf("CMD ", StringComparison.Ordinal);
            if (cmd < 0)
                return null;
            json = Arguments[(cmd + 4)..];
        }
        json = json.Trim();
        return json.StartsWith('[') ? JsonSerializer.Deserialize<string[]>(json) : null;
    }

    /// <summary>COPY's sources and destination (its last word).</summary>
    public (IReadOnlyList<string> Sources, string Destination) CopyPaths()
    {
        var paths = Body.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return (paths[..^1], paths[^1]);
    }
}
