using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Xml.Linq;
using IngestWorker.Storage;

namespace IngestWorker.Tests;

/// <summary>
/// Which project may use which: the operator CLI and the worker share the state layer (the
/// IngestWorker.Storage library); the CLI never references the worker's executable, and the
/// library knows nothing of the worker, its HTTP server or its exporters.
/// </summary>
public sealed class ArchitectureTests
{
    private const string Worker = "IngestWorker";
    private const string StateLayer = "IngestWorker.Storage";

    [Fact]
    public void The_cli_assembly_references_the_state_layer_and_not_the_worker()
    {
        var references = ReferencedAssemblies(BuiltCliDll());

        Assert.DoesNotContain(Worker, references);
        Assert.Contains(StateLayer, references);
    }

    // An unused project reference leaves no trace in the assembly, but still builds the worker and
    // ships it with the CLI: the project file is checked too.
    [Fact]
    public void The_cli_project_has_no_project_reference_to_the_worker()
    {
        var project = XDocument.Load(Path.Combine(ConfigurationTests.RepositoryRoot(), "src", "IngestWorker.Cli", "IngestWorker.Cli.csproj"));
        var referenced = project.Descendants("ProjectReference")
            .Select(reference => Path.GetFileName(((string?)reference.Attribute("Include") ?? "").Replace('\\', '/')))
            .ToList();

        Assert.DoesNotContain(Worker + ".csproj", referenced);
        Assert.Contains(StateLayer + ".csproj", referenced);
    }

    [Fact]
    public void The_state_layer_references_neither_the_worker_nor_hosting_on_the_web_nor_the_exporter()
    {
        var references = typeof(IngestContainers).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();

        Assert.Equal(StateLayer, typeof(IngestContainers).Assembly.GetName().Name);
        Assert.Contains("IngestWorker.Text", references);
        Assert.DoesNotContain(Worker, references);
        Assert.DoesNotContain(references, name => name.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal));
        Assert.DoesNotContain(references, name => name.StartsWith("OpenTelemetry", StringComparison.Ordinal));
    }

    // Read from the file's metadata rather than loaded: the CLI is an executable this project does
    // not reference (its project reference only orders the build).
    private static List<string> ReferencedAssemblies(string path)
    {
        using var stream = File.OpenRead(path);
        using var pe = new PEReader(stream);
        var metadata = pe.GetMetadataReader();
        return metadata.AssemblyReferences.Select(handle => metadata.GetString(metadata.GetAssemblyReference(handle).Name)).ToList();
    }

    // Tests run from tests/IngestWorker.Tests/bin/{Configuration}/net10.0/; the CLI was built alongside.
    private static string BuiltCliDll()
    {
        var configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;
        var path = Path.Combine(ConfigurationTests.RepositoryRoot(), "src", "IngestWorker.Cli", "bin", configuration, "net10.0", "ingestworker-cli.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException($"The CLI is not built at {path}.", path);
    }
}
