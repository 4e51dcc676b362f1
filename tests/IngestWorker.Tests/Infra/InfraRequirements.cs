using IngestWorker.Options;

namespace IngestWorker.Tests.Infra;

/// <summary>
/// What infra/ must deploy for the worker, checked in an evaluated template (<see cref="ArmDeployment"/>).
/// Each check returns what is wrong, one line each, so that a test can show all of it at once and
/// another can show that a template missing a setting is caught.
/// </summary>
internal static class InfraRequirements
{
    public const string StorageAccountType = "Microsoft.Storage/storageAccounts";
    public const string ContainerType = "Microsoft.Storage/storageAccounts/blobServices/containers";
    public const string QueueType = "Microsoft.Storage/storageAccounts/queueServices/queues";
    public const string SystemTopicType = "Microsoft.EventGrid/systemTopics";
    public const string EventSubscriptionType = "Microsoft.EventGrid/systemTopics/eventSubscriptions";
    public const string RoleAssignmentType = "Microsoft.Authorization/roleAssignments";
    public const string UserAssignedIdentityType = "Microsoft.ManagedIdentity/userAssignedIdentities";
    public const string WorkspaceType = "Microsoft.OperationalInsights/workspaces";
    public const string ManagedEnvironmentType = "Microsoft.App/managedEnvironments";
    public const string ContainerAppType = "Microsoft.App/containerApps";

    // Built-in role definition ids, the same in every tenant.
    public const string StorageBlobDataContributor = "ba92f5b4-2d11-453d-a403-e96b0029c9fe";
    public const string StorageQueueDataContributor = "974c5e8b-45b6-4653-ba55-5f855dd0a4b5";
    public const string StorageQueueDataMessageSender = "c6a89b2d-59bc-44d0-9896-0f6e12d7b80a";

    /// <summary>The blob APIs that finish a blob's content; other BlobCreated events come too early.</summary>
    public static readonly string[] FinalWriteApis = ["PutBlob", "PutBlockList", "CopyBlob", "FlushWithClose"];

    /// <summary>The names and settings the worker itself uses by default (src/IngestWorker.Storage/Options).</summary>
    public static readonly ContainerOptions WorkerContainers = new();

    public static string WorkQueue => new TriggerOptions().WorkQueueName(WorkerContainers.Input);

    public static string PoisonQueue => TriggerOptions.PoisonQueueName(WorkQueue);

    public static int HealthPort => new HttpOptions().Port;

    public static IReadOnlyList<string> StorageAccount(ArmDeployment deployment)
    {
        var problems = new List<string>();
        var account = deployment.Single(StorageAccountType);
        Expect(problems, account, "kind", "StorageV2");
        Expect(problems, account, "properties.allowSharedKeyAccess", false);
        Expect(problems, account, "properties.minimumTlsVersion", "TLS1_2");
        Expect(problems, account, "properties.allowBlobPublicAccess", false);
        Expect(problems, account, "properties.supportsHttpsTrafficOnly", true);
        return problems;
    }

    /// <summary>The worker's input, outcome and state containers, a dead-letter container, and the two queues.</summary>
    public static IReadOnlyList<string> ContainersAndQueues(ArmDeployment deployment)
    {
        var problems = new List<string>();
        var account = deployment.Single(StorageAccountType);
        var containers = deployment.OfType(ContainerType).ToList();
        string[] required = [WorkerContainers.Input, WorkerContainers.Accepted, WorkerContainers.Rejected, WorkerContainers.Poison, WorkerContainers.State, DeadLetterContainer(deployment)];
        foreach (var name in required.Where(name => containers.All(c => LastSegment(c.Name) != name)))
            problems.Add($"no blob container '{name}' in the account");
        foreach (var container in containers)
        {
            Expect(problems, container, "properties.publicAccess", "None");
            if (!container.Id.StartsWith(account.Id + "/", StringComparison.Ordinal))
                problems.Add($"{container} is not in the storage account");
        }
        var queues = deployment.OfType(QueueType).Select(q => LastSegment(q.Name)).ToList();
        foreach (var name in new[] { WorkQueue, PoisonQueue }.Except(queues))
            problems.Add($"no queue '{name}' in the account");
        return problems;
    }

    public static IReadOnlyList<string> EventGrid(ArmDeployment deployment)
    {
        var problems = new List<string>();
        var account = deployment.Single(StorageAccountType);
        var topic = deployment.Single(SystemTopicType);
        Expect(problems, topic, "properties.topicType", "Microsoft.Storage.StorageAccounts");
        Expect(problems, topic, "properties.source", account.Id);
        Expect(problems, topic, "identity.type", "SystemAssigned");

        var subscription = deployment.Single(EventSubscriptionType);
        if (!subscription.Name.StartsWith(topic.Name + "/", StringComparison.Ordinal))
            problems.Add($"{subscription} is not a subscription of {topic}");
        Expect(problems, subscription, "properties.filter.includedEventTypes", new List<object?> { "Microsoft.Storage.BlobCreated" });
        Expect(problems, subscription, "properties.filter.subjectBeginsWith", $"/blobServices/default/containers/{WorkerContainers.Input}/");
        var apiFilters = subscription.Get("properties.filter.advancedFilters") is List<object?> filters
            ? filters.Where(f => Equals(ArmResource.At(f, "key"), "data.api")).ToList()
            : [];
        if (apiFilters.Count != 1
            || !Equals(ArmResource.At(apiFilters[0], "operatorType"), "StringIn")
            || ArmResource.At(apiFilters[0], "values") is not List<object?> apis
            || !apis.Order().SequenceEqual(FinalWriteApis.Order()))
            problems.Add($"the subscription must let through only data.api StringIn [{string.Join(", ", FinalWriteApis)}]; its advanced filters are {Show(subscription.Get("properties.filter.advancedFilters"))}");

        const string delivery = "properties.deliveryWithResourceIdentity";
        Expect(problems, subscription, delivery + ".identity.type", "SystemAssigned");
        Expect(problems, subscription, delivery + ".destination.endpointType", "StorageQueue");
        Expect(problems, subscription, delivery + ".destination.properties.resourceId", account.Id);
        Expect(problems, subscription, delivery + ".destination.properties.queueName", WorkQueue);
        const string deadLetter = "properties.deadLetterWithResourceIdentity";
        Expect(problems, subscription, deadLetter + ".identity.type", "SystemAssigned");
        Expect(problems, subscription, deadLetter + ".deadLetterDestination.endpointType", "StorageBlob");
        Expect(problems, subscription, deadLetter + ".deadLetterDestination.properties.resourceId", account.Id);

        // The topic's identity may send to the work queue and write dead letters, before the subscription is made.
        var principal = RuntimeProperty(topic, "identity.principalId");
        var queueId = account.Id + $"/queueServices/default/queues/{WorkQueue}";
        var deadLetterId = account.Id + $"/blobServices/default/containers/{DeadLetterContainer(deployment)}";
        foreach (var (role, roleName, scope) in new[] { (StorageQueueDataMessageSender, "Storage Queue Data Message Sender", queueId), (StorageBlobDataContributor, "Storage Blob Data Contributor", deadLetterId) })
        {
            var assignment = FindRoleAssignment(deployment, principal, role, scope);
            if (assignment is null)
                problems.Add($"the system topic's identity has no {roleName} role on {scope}");
            else if (subscription.Get("dependsOn") is not List<object?> dependsOn || !dependsOn.Contains(assignment.Id))
                problems.Add($"the subscription is not made after the topic's {roleName} role");
        }
        return problems;
    }

    public static IReadOnlyList<string> WorkerIdentity(ArmDeployment deployment)
    {
        var problems = new List<string>();
        var account = deployment.Single(StorageAccountType);
        var identity = deployment.Single(UserAssignedIdentityType);
        var principal = RuntimeProperty(identity, "principalId");
        foreach (var (role, roleName) in new[] { (StorageBlobDataContributor, "Storage Blob Data Contributor"), (StorageQueueDataContributor, "Storage Queue Data Contributor") })
        {
            if (FindRoleAssignment(deployment, principal, role, account.Id) is null)
                problems.Add($"the worker's identity has no {roleName} role on the storage account");
        }
        return problems;
    }

    public static IReadOnlyList<string> ContainerApp(ArmDeployment deployment, string image, string triggerMode, int minReplicas, int maxReplicas)
    {
        var problems = new List<string>();
        var account = deployment.Single(StorageAccountType);
        var identity = deployment.Single(UserAssignedIdentityType);
        var app = deployment.Single(ContainerAppType);
        Expect(problems, app, "properties.managedEnvironmentId", deployment.Single(ManagedEnvironmentType).Id);
        Expect(problems, app, "identity.type", "UserAssigned");
        if (app.Get("identity.userAssignedIdentities") is not Dictionary<string, object?> identities || !identities.ContainsKey(identity.Id))
            problems.Add($"the app does not run as {identity}");

        var containers = app.Get("properties.template.containers") as List<object?> ?? [];
        if (containers.Count != 1)
            return [.. problems, $"the app should have one container; it has {containers.Count}"];
        var container = containers[0];
        if (!Equals(ArmResource.At(container, "image"), image))
            problems.Add($"the image should be {image}; it is {Show(ArmResource.At(container, "image"))}");

        var settings = (ArmResource.At(container, "env") as List<object?> ?? [])
            .ToDictionary(e => (string)ArmResource.At(e, "name")!, e => ArmResource.At(e, "value"), StringComparer.Ordinal);
        var expected = new Dictionary<string, object?>
        {
            ["AzureWebJobsStorage__blobServiceUri"] = Text(RuntimeProperty(account, "primaryEndpoints.blob")),
            ["AzureWebJobsStorage__queueServiceUri"] = Text(RuntimeProperty(account, "primaryEndpoints.queue")),
            ["AzureWebJobsStorage__credential"] = "managedidentity",
            ["AzureWebJobsStorage__clientId"] = Text(RuntimeProperty(identity, "clientId")),
            ["ingestWorker__trigger__mode"] = triggerMode,
            ["ingestWorker__trigger__queue"] = WorkQueue,
            ["ingestWorker__containers__input"] = WorkerContainers.Input,
            ["ingestWorker__containers__accepted"] = WorkerContainers.Accepted,
            ["ingestWorker__containers__rejected"] = WorkerContainers.Rejected,
            ["ingestWorker__containers__poison"] = WorkerContainers.Poison,
            ["ingestWorker__containers__state"] = WorkerContainers.State,
            ["ingestWorker__http__enabled"] = "true",
            ["ingestWorker__http__address"] = "0.0.0.0",
            ["ingestWorker__http__port"] = HealthPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        foreach (var (name, value) in expected)
        {
            if (!settings.TryGetValue(name, out var actual))
                problems.Add($"the setting {name} is missing");
            else if (!Equals(Text(actual), value))
                problems.Add($"the setting {name} should be {value}; it is {Show(actual)}");
        }
        // A connection string would need the account keys, which are off.
        if (settings.ContainsKey("AzureWebJobsStorage"))
            problems.Add("the app sets a connection string (AzureWebJobsStorage)");

        var probes = ArmResource.At(container, "probes") as List<object?> ?? [];
        foreach (var (type, path) in new[] { ("Liveness", "/healthz/live"), ("Readiness", "/healthz/ready") })
        {
            var probe = probes.SingleOrDefault(p => Equals(ArmResource.At(p, "type"), type));
            if (!Equals(ArmResource.At(probe, "httpGet.path"), path) || !Equals(ArmResource.At(probe, "httpGet.port"), (long)HealthPort))
                problems.Add($"the {type} probe should ask {path} on port {HealthPort}; it is {Show(probe)}");
        }

        Expect(problems, app, "properties.template.scale.minReplicas", (long)minReplicas);
        Expect(problems, app, "properties.template.scale.maxReplicas", (long)maxReplicas);
        var rules = app.Get("properties.template.scale.rules") as List<object?> ?? [];
        var queueRule = rules.SingleOrDefault(r => Equals(ArmResource.At(r, "custom.type"), "azure-queue"));
        if (queueRule is null)
            problems.Add($"no azure-queue scale rule; the rules are {Show(rules)}");
        else
        {
            if (!Equals(ArmResource.At(queueRule, "custom.metadata.accountName"), account.Name)
                || !Equals(ArmResource.At(queueRule, "custom.metadata.queueName"), WorkQueue)
                || !int.TryParse(ArmResource.At(queueRule, "custom.metadata.queueLength") as string, out var length) || length < 1)
                problems.Add($"the azure-queue scale rule should watch {WorkQueue} of {account.Name} with a queueLength; its metadata is {Show(ArmResource.At(queueRule, "custom.metadata"))}");
            if (!Equals(ArmResource.At(queueRule, "custom.identity"), identity.Id))
                problems.Add($"the azure-queue scale rule should read the queue as {identity.Id}; its identity is {Show(ArmResource.At(queueRule, "custom.identity"))}");
        }
        return problems;
    }

    public static IReadOnlyList<string> Logs(ArmDeployment deployment)
    {
        var problems = new List<string>();
        var workspace = deployment.Single(WorkspaceType);
        var environment = deployment.Single(ManagedEnvironmentType);
        Expect(problems, environment, "properties.appLogsConfiguration.destination", "log-analytics");
        Expect(problems, environment, "properties.appLogsConfiguration.logAnalyticsConfiguration.customerId", RuntimeProperty(workspace, "customerId"));
        return problems;
    }

    /// <summary>The one app setting of that name, or <see cref="ArmResource.Missing"/>.</summary>
    public static object? AppSetting(ArmDeployment deployment, string name)
    {
        var env = deployment.Single(ContainerAppType).Get("properties.template.containers") is List<object?> { Count: 1 } containers
            ? ArmResource.At(containers[0], "env") as List<object?> ?? []
            : [];
        return env.Where(e => Equals(ArmResource.At(e, "name"), name)).Select(e => ArmResource.At(e, "value")).DefaultIfEmpty(ArmResource.Missing).Single();
    }

    public static string DeadLetterContainer(ArmDeployment deployment) =>
        deployment.Single(EventSubscriptionType).Get("properties.deadLetterWithResourceIdentity.deadLetterDestination.properties.blobContainerName") as string ?? "(no dead-letter container)";

    private static ArmResource? FindRoleAssignment(ArmDeployment deployment, Deferred principal, string roleId, string scope) =>
        deployment.OfType(RoleAssignmentType).FirstOrDefault(assignment =>
            Equals(assignment.Get("scope"), scope)
            && assignment.Get("properties.roleDefinitionId") is string role && role.EndsWith("/roleDefinitions/" + roleId, StringComparison.OrdinalIgnoreCase)
            && Equals(assignment.Get("properties.principalId"), principal)
            && Equals(assignment.Get("properties.principalType"), "ServicePrincipal"));

    /// <summary>A runtime property of a resource, as the evaluated template refers to it.</summary>
    private static Deferred RuntimeProperty(ArmResource resource, string path) => new($"reference({ArmValues.Render(resource.Id)}).{path}");

    private static string Text(object? value) => ArmValues.Text(value);

    private static string LastSegment(string name) => name[(name.LastIndexOf('/') + 1)..];

    private static void Expect(List<string> problems, ArmResource resource, string path, object? expected)
    {
        var actual = resource.Get(path);
        if (!ArmValues.DeepEquals(actual, expected))
            problems.Add($"{resource}: {path} should be {Show(expected)}; it is {Show(actual)}");
    }

    private static string Show(object? value) => ReferenceEquals(value, ArmResource.Missing) ? "(missing)" : ArmValues.Render(value);
}
