namespace IngestWorker.IntegrationTests.Infrastructure;

public enum AzuriteBackendKind
{
    /// <summary>The storage in INGESTWORKER_TEST_STORAGE, run by the user.</summary>
    External,

    /// <summary>Azurite's image in a container, started through Testcontainers.</summary>
    Docker,

    /// <summary>node_modules/azurite, run with node as a child process.</summary>
    Npm,
}

/// <summary>Which Azurite the shared fixture runs, and why, in words fit for the test output.</summary>
public sealed record AzuriteBackendChoice(AzuriteBackendKind Kind, string Reason, Uri? DockerEndpoint = null)
{
    public string Description => Kind switch
    {
        AzuriteBackendKind.External => $"Azurite backend: external storage ({Reason})",
        AzuriteBackendKind.Docker => $"Azurite backend: Docker, image {AzuriteImage.Name}, through Testcontainers ({Reason})",
        _ => $"Azurite backend: npm, node_modules/azurite run by node ({Reason})",
    };
}

/// <summary>
/// The one place that decides which Azurite the integration tests share: the user's storage when
/// INGESTWORKER_TEST_STORAGE is set; otherwise what INGESTWORKER_TEST_AZURITE forces (npm or
/// docker); otherwise Docker where an engine on this machine answers, and npm where none does.
/// The engine is only looked for when the answer depends on it, so a forced npm run never asks.
/// </summary>
public static class AzuriteBackend
{
    public const string ForceVariable = "INGESTWORKER_TEST_AZURITE";

    private static readonly Lazy<AzuriteBackendChoice> ForThisRun = new(() => Choose(
        Environment.GetEnvironmentVariable(Azurite.ExternalStorageVariable),
        Environment.GetEnvironmentVariable(ForceVariable),
        () => DockerEngine.Local));

    /// <summary>The choice for this test process, made once (a forced docker with no engine throws, every time it is asked).</summary>
    public static AzuriteBackendChoice Current => ForThisRun.Value;

    /// <summary>What <see cref="ForceVariable"/> forces: npm, docker, or nothing when it is unset.</summary>
    public static AzuriteBackendKind? Forced(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        null or "" => null,
        "npm" => AzuriteBackendKind.Npm,
        "docker" => AzuriteBackendKind.Docker,
        _ => throw new InvalidOperationException($"{ForceVariable}={value} is not understood: use npm or docker, or leave it unset to use Docker where an engine answers."),
    };

    public static AzuriteBackendChoice Choose(string? externalStorage, string? force, Func<DockerEngineCheck> engine)
    {
        if (!string.IsNullOrWhiteSpace(externalStorage))
        {
            var ignored = string.IsNullOrWhiteSpace(force) ? "" : $"; {ForceVariable}={force} does not apply";
            return new(AzuriteBackendKind.External, $"{Azurite.ExternalStorageVariable} is set{ignored}");
        }
        switch (Forced(force))
        {
            case AzuriteBackendKind.Npm:
                return new(AzuriteBackendKind.Npm, $"{ForceVariable}=npm");
            case AzuriteBackendKind.Docker:
                var forced = engine();
                return forced.Answers
                    ? new(AzuriteBackendKind.Docker, $"{ForceVariable}=docker; {forced.Reason}", forced.Endpoint)
                    : throw new InvalidOperationException($"{ForceVariable}=docker, but no Docker engine answers: {forced.Reason}.");
        }
        var found = engine();
        return found.Answers
            ? new(AzuriteBackendKind.Docker, found.Reason, found.Endpoint)
            : new(AzuriteBackendKind.Npm, $"no Docker engine: {found.Reason}");
    }

    /// <summary>
    /// Why a test that needs Azurite in Docker cannot run here, or null when it can. A forced docker
    /// with no engine is not a reason to skip: the test runs and fails, saying so.
    /// </summary>
    public static string? DockerUnavailableReason(string? force, Func<DockerEngineCheck> engine)
    {
        var forced = Forced(force);
        if (forced == AzuriteBackendKind.Npm)
            return $"{ForceVariable}=npm keeps the tests off Docker";
        if (forced == AzuriteBackendKind.Docker)
            return null;
        var found = engine();
        return found.Answers ? null : $"needs a Docker engine on this machine to run Azurite through Testcontainers: {found.Reason}";
    }
}

/// <summary>
/// The Azurite image: the tag is the Azurite version that package.json pins for npm, so that both
/// backends run the same Azurite.
/// </summary>
public static class AzuriteImage
{
    public const string Repository = "mcr.microsoft.com/azure-storage/azurite";

    private static readonly Lazy<string> Pinned = new(() => Tag(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "package.json"))));

    public static string Name => $"{Repository}:{Pinned.Value}";

    /// <summary>The exact Azurite version in a package.json's devDependencies; a range is refused, as no image tag matches one.</summary>
    public static string Tag(string packageJson)
    {
        using var document = System.Text.Json.JsonDocument.Parse(packageJson);
        var version = document.RootElement.GetProperty("devDependencies").GetProperty("azurite").GetString() ?? "";
        return System.Text.RegularExpressions.Regex.IsMatch(version, @"^\d+\.\d+\.\d+$")
            ? version
            : throw new InvalidOperationException($"package.json asks for azurite \"{version}\"; pin an exact version, which is also the tag of {Repository}.");
    }
}
