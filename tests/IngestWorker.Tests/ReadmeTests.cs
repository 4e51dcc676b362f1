using System.Text;
using System.Text.RegularExpressions;

namespace IngestWorker.Tests;

/// <summary>
/// The README is a newcomer's first hour, so it has to work as written: every command in it is one
/// that a test or CI runs, it stays short, and its links and those of docs/ lead somewhere.
/// </summary>
public sealed partial class ReadmeTests
{
    // Every command line of the README's bash, sh and console blocks, each with what runs it.
    private static readonly string[] RunCommands =
    [
        // .ci/run runs exactly this script.
        "scripts/test.sh",
        // IngestWorker.IntegrationTests: ReadmeWalkthroughTests, on the test's own containers.
        "scripts/run-local.sh",
        // IngestWorker.IntegrationTests: ReadmeWalkthroughTests, from the repository root while the worker runs.
        "dotnet src/IngestWorker.Cli/bin/Release/net10.0/ingestworker-cli.dll drop seeds/000_4f18580d3c5b64cd.txt --prefix again --exit-when-done",
    ];

    private static readonly string Root = ConfigurationTests.RepositoryRoot();

    [Fact]
    public void Every_command_in_the_readme_is_run_by_a_test_or_by_CI()
    {
        var commands = Commands(File.ReadAllText(Path.Combine(Root, "README.md")));
        var unrun = commands.Except(RunCommands, StringComparer.Ordinal).ToList();
        Assert.True(unrun.Count == 0, "In the README, but nothing runs them (run them in a test, or move them to docs/):\n" + string.Join("\n", unrun));
        var lost = RunCommands.Except(commands, StringComparer.Ordinal).ToList();
        Assert.True(lost.Count == 0, "Listed in ReadmeTests, but gone from the README:\n" + string.Join("\n", lost));
    }

    [Fact]
    public void The_readme_is_at_most_300_lines() =>
        Assert.InRange(File.ReadAllLines(Path.Combine(Root, "README.md")).Length, 1, 300);

    [Fact]
    public void Every_relative_link_of_the_readme_and_docs_leads_to_a_file_and_its_anchor_to_a_heading()
    {
        var pages = Directory.GetFiles(Path.Combine(Root, "docs"), "*.md").Prepend(Path.Combine(Root, "README.md"));
        var broken = new List<string>();
        foreach (var page in pages)
        {
            foreach (Match link in Link().Matches(Prose(File.ReadAllText(page))))
            {
                var target = link.Groups["target"].Value;
                if (Scheme().IsMatch(target))
                    continue;
                var (path, anchor) = target.IndexOf('#') is var hash and >= 0 ? (target[..hash], target[(hash + 1)..]) : (target, "");
                var file = path.Length == 0 ? page : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(page)!, Uri.UnescapeDataString(path)));
                var from = Path.GetRelativePath(Root, page);
                if (!File.Exists(file) && !Directory.Exists(file))
                {
                    broken.Add($"{from}: {target} (no such file)");
                }
                else if (anchor.Length > 0 && file.EndsWith(".md", StringComparison.Ordinal) && !Anchors(File.ReadAllText(file)).Contains(anchor))
                {
                    broken.Add($"{from}: {target} (no such heading)");
                }
            }
        }
        Assert.True(broken.Count == 0, "Broken links:\n" + string.Join("\n", broken));
    }

    /// <summary>The command lines of bash, sh and console blocks: continuations joined, comments dropped, console lines by their <c>$ </c>.</summary>
    private static List<string> Commands(string markdown)
    {
        var commands = new List<string>();
        string? language = null;
        var line = new StringBuilder();
        foreach (var raw in markdown.Split('\n'))
        {
            var text = raw.TrimEnd();
            if (text.TrimStart().StartsWith("```", StringComparison.Ordinal))
            {
                language = language is null ? text.TrimStart()[3..].Trim() : null;
                continue;
            }
            if (language is not ("bash" or "sh" or "shell" or "console"))
                continue;
            if (language == "console" && line.Length == 0)
            {
                if (!text.StartsWith("$ ", StringComparison.Ordinal))
                    continue;
                text = text[2..];
            }
            line.Append(text.TrimEnd('\\')).Append(' ');
            if (text.EndsWith('\\'))
                continue;
            var command = Comment().Replace(line.ToString(), "");
            line.Clear();
            command = Spaces().Replace(command, " ").Trim();
            if (command.Length > 0)
                commands.Add(command);
        }
        return commands;
    }

    // The text outside fenced blocks and code spans: links and headings live there only.
    private static string Prose(string markdown) =>
        CodeSpan().Replace(Fence().Replace(markdown, ""), "");

    // GitHub's anchors: lower case, punctuation dropped, each space a hyphen, repeats numbered.
    private static HashSet<string> Anchors(string markdown)
    {
        var anchors = new HashSet<string>(StringComparer.Ordinal);
        foreach (Match heading in Heading().Matches(Fence().Replace(markdown, "")))
        {
            var slug = NotInSlug().Replace(heading.Groups["text"].Value.Trim().ToLowerInvariant(), "").Replace(' ', '-');
            var anchor = slug;
            for (var n = 1; !anchors.Add(anchor); n++)
                anchor = $"{slug}-{n}";
        }
        return anchors;
    }

    [GeneratedRegex(@"!?\[[^\]]*\]\((?<target>[^)\s]+)(\s+""[^""]*"")?\)")]
    private static partial Regex Link();

    [GeneratedRegex(@"^[a-z][a-z0-9+.-]*:", RegexOptions.IgnoreCase)]
    private static partial Regex Scheme();

    [GeneratedRegex(@"^\s*```.*?^\s*```[^\n]*$", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex Fence();

    [GeneratedRegex(@"`[^`\n]*`")]
    private static partial Regex CodeSpan();

    [GeneratedRegex(@"^#{1,6}\s+(?<text>.+?)\s*#*$", RegexOptions.Multiline)]
    private static partial Regex Heading();

    [GeneratedRegex(@"[^\p{L}\p{M}\p{N}_ -]")]
    private static partial Regex NotInSlug();

    [GeneratedRegex(@"(^|\s)#.*$")]
    private static partial Regex Comment();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}
