using System.Text.Json;
using System.Text.RegularExpressions;
using IngestWorker.Options;

namespace IngestWorker.Tests.Infra;

/// <summary>
/// infra/ compiles and lints with the Bicep CLI without a single diagnostic, and the template it
/// compiles to deploys what the worker needs (<see cref="InfraRequirements"/>), under the names
/// and settings the worker uses by default. The compiled template is evaluated with the values of
/// infra/main.bicepparam, so what is checked is what <c>az deployment group create</c> would deploy.
/// </summary>
public sealed partial class BicepTemplateTests
{
    /// <summary>The image the parameters file is given, as a deployment gives it (docs/deploy.md).</summary>
    private const string Image = "ingestworkertest.azurecr.io/ingestworker:test";

    private static readonly Lazy<CompiledInfra> Infra = new(CompileInfra);

    private static readonly Lazy<Dictionary<string, string>> MutatedTemplates = new(CompileMutations);

    [BicepFact]
    public void Main_bicep_and_its_parameters_file_build_and_lint_without_a_single_diagnostic()
    {
        foreach (var run in Infra.Value.Runs)
        {
            Assert.True(run.ExitCode == 0, run.ToString());
            Assert.True(run.StandardError.Trim().Length == 0, run.ToString());
        }
        Assert.All(Infra.Value.Runs.Where(run => run.Command.StartsWith("lint", StringComparison.Ordinal)),
            lint => Assert.True(lint.StandardOutput.Trim().Length == 0, $"bicep {lint.Command} printed:\n{lint.StandardOutput}"));
    }

    [BicepFact]
    public void The_storage_account_takes_no_shared_keys_no_anonymous_reads_and_nothing_below_tls_1_2() =>
        Assert.Empty(InfraRequirements.StorageAccount(Infra.Value.Deployment));

    [BicepFact]
    public void The_account_holds_the_containers_and_queues_the_worker_uses_by_default() =>
        Assert.Empty(InfraRequirements.ContainersAndQueues(Infra.Value.Deployment));

    [BicepFact]
    public void Event_Grid_puts_final_writes_to_the_input_container_on_the_work_queue_as_the_topic_identity() =>
        Assert.Empty(InfraRequirements.EventGrid(Infra.Value.Deployment));

    [BicepFact]
    public void The_worker_identity_holds_blob_and_queue_data_contributor_on_the_account() =>
        Assert.Empty(InfraRequirements.WorkerIdentity(Infra.Value.Deployment));

    [BicepFact]
    public void The_container_app_runs_the_worker_keyless_in_event_grid_mode_with_health_probes_and_a_queue_scale_rule()
    {
        var parameters = Infra.Value.Parameters;
        Assert.Equal(TriggerOptions.EventGridMode, parameters["triggerMode"]);
        Assert.Empty(InfraRequirements.ContainerApp(Infra.Value.Deployment, Image, TriggerOptions.EventGridMode,
            minReplicas: Convert.ToInt32(parameters["minReplicas"]), maxReplicas: Convert.ToInt32(parameters["maxReplicas"])));
    }

    [BicepFact]
    public void The_queue_mode_is_handed_to_the_worker_as_it_names_it()
    {
        var deployment = Deploy(Infra.Value.Template, Infra.Value.Parameters, ("triggerMode", TriggerOptions.QueueMode));
        Assert.Equal(TriggerOptions.QueueMode, InfraRequirements.AppSetting(deployment, "ingestWorker__trigger__mode"));
    }

    [BicepFact]
    public void The_container_apps_environment_sends_its_logs_to_log_analytics() =>
        Assert.Empty(InfraRequirements.Logs(Infra.Value.Deployment));

    [BicepFact]
    public void The_meter_is_exported_over_otlp_only_when_an_endpoint_is_given()
    {
        Assert.Equal("", Infra.Value.Parameters["otlpEndpoint"]);
        Assert.Same(ArmResource.Missing, InfraRequirements.AppSetting(Infra.Value.Deployment, "OTEL_EXPORTER_OTLP_ENDPOINT"));

        var exporting = Deploy(Infra.Value.Template, Infra.Value.Parameters, ("otlpEndpoint", "http://otel-collector:4317"));
        Assert.Equal("http://otel-collector:4317", InfraRequirements.AppSetting(exporting, "OTEL_EXPORTER_OTLP_ENDPOINT"));
        Assert.Equal("grpc", InfraRequirements.AppSetting(exporting, "OTEL_EXPORTER_OTLP_PROTOCOL"));
    }

    [BicepFact]
    public void An_image_from_a_registry_in_the_group_is_pulled_as_the_worker_identity_with_acr_pull()
    {
        Assert.DoesNotContain(Infra.Value.Deployment.OfType(InfraRequirements.RoleAssignmentType),
            assignment => assignment.Get("scope") is string scope && scope.Contains("Microsoft.ContainerRegistry", StringComparison.Ordinal));

        var deployment = Deploy(Infra.Value.Template, Infra.Value.Parameters, ("containerRegistryName", "ingestworkertest"));
        var identity = deployment.Single(InfraRequirements.UserAssignedIdentityType);
        var acrPull = Assert.Single(deployment.OfType(InfraRequirements.RoleAssignmentType),
            assignment => assignment.Get("properties.roleDefinitionId") is string role && role.EndsWith("/7f951dda-4ed3-4680-a7ca-43fe172d538d", StringComparison.Ordinal));
        Assert.EndsWith("/providers/Microsoft.ContainerRegistry/registries/ingestworkertest", (string)acrPull.Get("scope")!);
        Assert.Equal(new Deferred($"reference('{identity.Id}').principalId"), acrPull.Get("properties.principalId"));
        var registry = Assert.Single((List<object?>)deployment.Single(InfraRequirements.ContainerAppType).Get("properties.configuration.registries")!);
        Assert.Equal(identity.Id, ArmResource.At(registry, "identity"));
    }

    [BicepFact]
    public void The_outputs_name_the_account_its_endpoints_the_identity_and_the_app()
    {
        var deployment = Infra.Value.Deployment;
        var account = deployment.Single(InfraRequirements.StorageAccountType);
        var identity = deployment.Single(InfraRequirements.UserAssignedIdentityType);
        var app = deployment.Single(InfraRequirements.ContainerAppType);
        var outputs = deployment.Outputs;

        Assert.Equal(account.Name, outputs["storageAccountName"]);
        Assert.Equal(new Deferred($"reference('{account.Id}').primaryEndpoints.blob"), outputs["blobEndpoint"]);
        Assert.Equal(new Deferred($"reference('{account.Id}').primaryEndpoints.queue"), outputs["queueEndpoint"]);
        Assert.Equal(InfraRequirements.WorkQueue, outputs["workQueueName"]);
        Assert.Equal(InfraRequirements.PoisonQueue, outputs["poisonQueueName"]);
        Assert.Equal(new Deferred($"reference('{identity.Id}').clientId"), outputs["identityClientId"]);
        Assert.Equal(app.Name, outputs["containerAppName"]);
        Assert.Equal(new Deferred($"reference('{app.Id}').configuration.ingress.fqdn"), outputs["containerAppFqdn"]);
    }

    [BicepFact]
    public void The_parameters_file_takes_the_image_from_the_environment_and_does_not_build_without_it()
    {
        Assert.Equal(Image, Infra.Value.Parameters["image"]);

        var unnamed = BicepCli.Run(RepositoryRoot, ["build-params", "infra/main.bicepparam", "--stdout", "--no-restore"]);
        Assert.NotEqual(0, unnamed.ExitCode);
        Assert.Contains("INGESTWORKER_IMAGE", unnamed.StandardError, StringComparison.Ordinal);
    }

    // A module, import or parameters file from a registry would have the CLI fetch it (the tests
    // build with --no-restore, so it would fail there instead); a module file nothing refers to
    // would escape the lint of main.bicep.
    [Fact]
    public void Infra_refers_to_local_files_only_and_every_module_is_used()
    {
        var infra = Path.Combine(RepositoryRoot, "infra");
        var referenced = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(infra, "*.bicep*", SearchOption.AllDirectories))
        {
            foreach (Match reference in FileReference().Matches(File.ReadAllText(file)))
            {
                var path = reference.Groups["path"].Value;
                Assert.False(path.Contains(':', StringComparison.Ordinal), $"{Path.GetRelativePath(RepositoryRoot, file)} refers to {path}, which is not a local file.");
                var target = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(file)!, path));
                Assert.True(File.Exists(target), $"{Path.GetRelativePath(RepositoryRoot, file)} refers to {path}, which does not exist.");
                referenced.Add(target);
            }
        }
        Assert.Subset(referenced, Directory.EnumerateFiles(Path.Combine(infra, "modules"), "*.bicep").ToHashSet(StringComparer.Ordinal));

        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(infra, "bicepconfig.json")),
            new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
        Assert.False(config.RootElement.TryGetProperty("moduleAliases", out _), "bicepconfig.json names module registries.");
    }

    [GeneratedRegex(@"^\s*(?:module\s+\w+|using|import\b[^\n]*?\bfrom|extends)\s+'(?<path>[^']+)'", RegexOptions.Multiline)]
    private static partial Regex FileReference();

    // Shows that the checks above bite: each case compiles infra/ with one required thing taken
    // out or changed, and the check that covers it must name what went missing.
    public static TheoryData<string> MutationNames => new(Mutations.Select(m => m.Name));

    [BicepTheory]
    [MemberData(nameof(MutationNames))]
    public void A_template_missing_a_required_setting_fails_its_check(string mutationName)
    {
        var mutation = Mutations.Single(m => m.Name == mutationName);
        var deployment = ArmDeployment.Evaluate(MutatedTemplates.Value[mutation.Name], Infra.Value.Parameters);

        var problems = mutation.Check(deployment);

        Assert.Contains(problems, problem => problem.Contains(mutation.Problem, StringComparison.Ordinal));
    }

    /// <summary>One change to a file of infra/ that leaves a requirement unmet, and the problem its check must report.</summary>
    private sealed record Mutation(string Name, string File, string Find, string Replace, Func<ArmDeployment, IReadOnlyList<string>> Check, string Problem);

    private static readonly Mutation[] Mutations =
    [
        new("shared keys left on", "modules/storage.bicep", "    allowSharedKeyAccess: false\n", "",
            InfraRequirements.StorageAccount, "properties.allowSharedKeyAccess should be false"),
        new("no state container", "main.bicep", "      stateContainerName\n", "",
            InfraRequirements.ContainersAndQueues, $"no blob container '{InfraRequirements.WorkerContainers.State}'"),
        new("FlushWithClose not let through", "modules/eventGrid.bicep", "  'FlushWithClose'\n", "",
            InfraRequirements.EventGrid, "data.api StringIn"),
        new("subject filter without its trailing slash", "modules/eventGrid.bicep", "containers/${inputContainerName}/'", "containers/${inputContainerName}'",
            InfraRequirements.EventGrid, "properties.filter.subjectBeginsWith"),
        new("queue reader instead of contributor", "modules/identity.bicep", "'974c5e8b-45b6-4653-ba55-5f855dd0a4b5'", "'19e7f393-937e-4f77-808e-94535e297925'",
            InfraRequirements.WorkerIdentity, "no Storage Queue Data Contributor role"),
        new("readiness asks the liveness path", "modules/containerApp.bicep", "path: '/healthz/ready'", "path: '/healthz/live'",
            deployment => InfraRequirements.ContainerApp(deployment, Image, TriggerOptions.EventGridMode, 1, 10), "the Readiness probe"),
        new("scale rule without the identity", "modules/containerApp.bicep", "the account takes no keys.\n              identity: identityId\n", "the account takes no keys.\n",
            deployment => InfraRequirements.ContainerApp(deployment, Image, TriggerOptions.EventGridMode, 1, 10), "should read the queue as"),
        new("no client id for the credential", "modules/containerApp.bicep", "name: 'AzureWebJobsStorage__clientId'", "name: 'AZURE_CLIENT_ID'",
            deployment => InfraRequirements.ContainerApp(deployment, Image, TriggerOptions.EventGridMode, 1, 10), "AzureWebJobsStorage__clientId is missing"),
    ];

    private sealed record CompiledInfra(IReadOnlyList<BicepRun> Runs, string Template, Dictionary<string, object?> Parameters, ArmDeployment Deployment);

    private static string RepositoryRoot => ConfigurationTests.RepositoryRoot();

    private static CompiledInfra CompileInfra()
    {
        var image = new Dictionary<string, string> { ["INGESTWORKER_IMAGE"] = Image };
        var build = BicepCli.Run(RepositoryRoot, ["build", "infra/main.bicep", "--stdout", "--no-restore"]);
        var lint = BicepCli.Run(RepositoryRoot, ["lint", "infra/main.bicep", "--no-restore"]);
        var buildParams = BicepCli.Run(RepositoryRoot, ["build-params", "infra/main.bicepparam", "--stdout", "--no-restore"], image);
        var lintParams = BicepCli.Run(RepositoryRoot, ["lint", "infra/main.bicepparam", "--no-restore"], image);
        Assert.True(build.ExitCode == 0, build.ToString());
        Assert.True(buildParams.ExitCode == 0, buildParams.ToString());

        var parametersJson = (string)ArmValues.FromJson(System.Text.Json.Nodes.JsonNode.Parse(buildParams.StandardOutput)!["parametersJson"])!;
        var parameters = ArmDeployment.ParametersOf(parametersJson);
        return new CompiledInfra([build, lint, buildParams, lintParams], build.StandardOutput, parameters,
            ArmDeployment.Evaluate(build.StandardOutput, parameters));
    }

    // Every mutated copy of infra/ is compiled by one run of the CLI.
    private static Dictionary<string, string> CompileMutations()
    {
        var root = Directory.CreateTempSubdirectory("ingestworker-infra-");
        try
        {
            for (var i = 0; i < Mutations.Length; i++)
            {
                var copy = Path.Combine(root.FullName, $"mutation{i}");
                CopyDirectory(Path.Combine(RepositoryRoot, "infra"), copy);
                var file = Path.Combine(copy, Mutations[i].File);
                var text = File.ReadAllText(file);
                var at = text.IndexOf(Mutations[i].Find, StringComparison.Ordinal);
                Assert.True(at >= 0 && text.IndexOf(Mutations[i].Find, at + 1, StringComparison.Ordinal) < 0,
                    $"'{Mutations[i].Name}' expects its text once in infra/{Mutations[i].File}: {Mutations[i].Find}");
                File.WriteAllText(file, text[..at] + Mutations[i].Replace + text[(at + Mutations[i].Find.Length)..]);
            }
            var run = BicepCli.Run(root.FullName, ["build", "--pattern", "mutation*/main.bicep", "--no-restore"]);
            Assert.True(run.ExitCode == 0, run.ToString());
            return Enumerable.Range(0, Mutations.Length).ToDictionary(i => Mutations[i].Name,
                i => File.ReadAllText(Path.Combine(root.FullName, $"mutation{i}", "main.json")));
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    private static ArmDeployment Deploy(string template, Dictionary<string, object?> parameters, (string Name, object? Value) change) =>
        ArmDeployment.Evaluate(template, new Dictionary<string, object?>(parameters) { [change.Name] = change.Value });
}
