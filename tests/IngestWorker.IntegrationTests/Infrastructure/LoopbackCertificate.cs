using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace IngestWorker.IntegrationTests.Infrastructure;

/// <summary>
/// A self-signed TLS certificate for 127.0.0.1, made by the test, so that Azurite can serve HTTPS
/// (bearer tokens are only sent over TLS). The test process trusts exactly this certificate
/// (<see cref="Trusts"/>); a child process trusts it through OpenSSL's <c>SSL_CERT_FILE</c>
/// (<see cref="TrustSettings"/>), which replaces the system's trust store for that process alone.
/// </summary>
public sealed class LoopbackCertificate : IDisposable
{
    private readonly string _directory;

    public LoopbackCertificate()
    {
        _directory = Directory.CreateTempSubdirectory("ingestworker-tls-").FullName;
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(System.Net.IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: true, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment | X509KeyUsageFlags.KeyCertSign, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        Certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        CertificatePath = Path.Combine(_directory, "cert.pem");
        KeyPath = Path.Combine(_directory, "key.pem");
        File.WriteAllText(CertificatePath, Certificate.ExportCertificatePem());
        File.WriteAllText(KeyPath, key.ExportPkcs8PrivateKeyPem());
    }

    public X509Certificate2 Certificate { get; }

    public string CertificatePath { get; }

    public string KeyPath { get; }

    /// <summary>The environment that makes a .NET child process on Linux trust this certificate (and nothing else).</summary>
    public IReadOnlyDictionary<string, string?> TrustSettings => new Dictionary<string, string?> { ["SSL_CERT_FILE"] = CertificatePath, ["SSL_CERT_DIR"] = _directory };

    /// <summary>A server-certificate check that accepts this certificate alone, for the test's own clients.</summary>
    public bool Trusts(X509Certificate2? presented, SslPolicyErrors errors) =>
        presented is not null && presented.RawData.AsSpan().SequenceEqual(Certificate.RawData);

    public void Dispose()
    {
        Certificate.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
