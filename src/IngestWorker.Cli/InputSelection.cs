namespace IngestWorker.Cli;

/// <summary>The inputs an operator command acts on: one name, the names under a prefix, or every input.</summary>
internal sealed record InputSelection(string? Name, string Prefix)
{
    /// <summary>
    /// Exactly one of a name, <c>--prefix</c> or <c>--all</c>. An empty prefix is refused rather than
    /// read as "everything": a command that changes state for every input should be asked for by name.
    /// </summary>
    /// <param name="acceptsName">Whether the command takes a single blob name, so that the messages offer it.</param>
    public static InputSelection From(string command, bool acceptsName, string? name, string? prefix, bool all)
    {
        var choices = acceptsName ? "a blob name, --prefix <p> or --all" : "--prefix <p> or --all";
        var given = (name is null ? 0 : 1) + (prefix is null ? 0 : 1) + (all ? 1 : 0);
        if (given == 0)
            throw new ArgumentException($"{command}: say which inputs: {choices}.");
        if (given > 1)
            throw new ArgumentException($"{command}: give only one of {choices}.");
        if (name is not null)
            return name.Length > 0 ? new InputSelection(name, name) : throw new ArgumentException($"{command}: the blob name is empty.");
        if (all)
            return new InputSelection(null, "");
        var trimmed = prefix!.TrimStart('/');
        return trimmed.Length > 0
            ? new InputSelection(null, trimmed)
            : throw new ArgumentException($"{command}: --prefix needs a non-empty prefix; use --all to mean every input.");
    }

    public bool IsSingle => Name is not null;

    public string Describe() => Name is not null ? $"'{Name}'" : Prefix.Length == 0 ? "every input" : $"names starting with '{Prefix}'";
}
