import ProvCapture
import Testing

@Suite("Credential redaction inside captured values")
struct CredentialRedactorTests {
    @Test(
        "URL passwords and secret parameters are removed, everything else is kept",
        arguments: [
            ("postgres://prov:PGSECRET@db.example:5432/prov", "postgres://prov:[REDACTED]@db.example:5432/prov"),
            ("https://bob:MLSECRET@mlflow.example/api", "https://bob:[REDACTED]@mlflow.example/api"),
            (
                "https://ghp_abcdefghijklmnopqrstuvwxyz0123@github.com/org/repo.git",
                "https://[REDACTED]@github.com/org/repo.git"
            ),
            ("https://alice@host.example/x", "https://alice@host.example/x"),
            ("ssh://git@github.com/org/repo.git", "ssh://git@github.com/org/repo.git"),
            (
                "https://store.example/blob?sv=2020&sig=ABC%2Fdef&se=2026",
                "https://store.example/blob?sv=2020&sig=[REDACTED]&se=2026"
            ),
            (
                "postgres://db/prov?sslmode=require&password=hunter2",
                "postgres://db/prov?sslmode=require&password=[REDACTED]"
            ),
            ("host=db user=prov password=hunter2 dbname=x", "host=db user=prov password=[REDACTED] dbname=x"),
            ("s3://b/k?X-Amz-Signature=deadbeef&X-Amz-Date=1", "s3://b/k?X-Amz-Signature=[REDACTED]&X-Amz-Date=1"),
            ("--api-key=abc123", "--api-key=[REDACTED]"),
            ("a=1, token=xyz; b=2", "a=1, token=[REDACTED]; b=2"),
            ("sigma=0.5 keyword=x monkey=3 lr=0.1", "sigma=0.5 keyword=x monkey=3 lr=0.1"),
            ("two urls: http://u:p1@a/ and redis://:p2@b:6379/0", "two urls: http://u:[REDACTED]@a/ and redis://:[REDACTED]@b:6379/0"),
            ("plain value", "plain value"),
            ("", ""),
        ])
    func values(input: String, expected: String) {
        #expect(CredentialRedactor.redact(input) == expected)
    }

    @Test("a command line loses the value after a secret option and the credentials inside words")
    func commandLine() {
        let arguments = [
            "python", "train.py", "--token", "T0K3N", "--lr", "0.1", "--password=pw", "--db",
            "postgres://u:DBPW@h/x", "-p", "8080",
        ]
        #expect(
            CredentialRedactor.redact(arguments: arguments) == [
                "python", "train.py", "--token", "[REDACTED]", "--lr", "0.1", "--password=[REDACTED]", "--db",
                "postgres://u:[REDACTED]@h/x", "-p", "8080",
            ])
    }

    @Test("secret names are recognised by their parts, not by substrings")
    func names() {
        for name in ["password", "access_token", "X-Amz-Signature", "--api-key", "clientSecret", "sig", "PGPASSWORD"] {
            #expect(CredentialRedactor.isSecretName(name), "\(name)")
        }
        for name in ["sigma", "keyword", "monkey", "lr", "sslmode", "--db", "user"] {
            #expect(!CredentialRedactor.isSecretName(name), "\(name)")
        }
    }

    @Test("allow-listed environment values lose embedded credentials")
    func environment() {
        let collector = EnvironmentCollector(environmentAllowList: ["PROVKIT_*", "MLFLOW_TRACKING_URI"])
        let kept = collector.allowListed([
            "PROVKIT_STORE": "postgres://prov:PGSECRET@db/prov",
            "MLFLOW_TRACKING_URI": "https://bob:MLSECRET@mlflow.example",
            "PROVKIT_AUTH_TOKEN": "abc",
        ])
        #expect(kept["PROVKIT_STORE"] == "postgres://prov:[REDACTED]@db/prov")
        #expect(kept["MLFLOW_TRACKING_URI"] == "https://bob:[REDACTED]@mlflow.example")
        #expect(kept["PROVKIT_AUTH_TOKEN"] == "[REDACTED]")
    }
}
