#if Postgres
    import Foundation
    import PostgresNIO
    import ProvStore

    /// A `postgres://` (or `postgresql://`) connection URL, read as PostgreSQL's own clients read it:
    /// `postgres://USER:PASSWORD@HOST:PORT/DATABASE?sslmode=MODE&host=/socket/dir`.
    ///
    /// - User: from the URL, else `PGUSER`, else the login name. Password: from the URL, else `PGPASSWORD`.
    /// - Host: from the URL, else the `host` parameter, else `PGHOST`, else the first of `/var/run/postgresql` and
    ///   `/tmp` that holds the server's socket, else `localhost`. A host that starts with `/` is the folder of a Unix
    ///   socket (`.s.PGSQL.PORT` in it); TLS is not used on a socket.
    /// - Port: from the URL, else `port`, else `PGPORT`, else 5432. Database: the path, else `dbname`, else the user.
    /// - `sslmode`: `disable`, `allow` and `prefer` (the default: TLS when the server offers it, without checking its
    ///   certificate), `require` (TLS or fail, certificate not checked), `verify-ca` (the certificate must chain to
    ///   `sslrootcert` or the system roots), `verify-full` (and name the host). `sslrootcert=PATH` adds a root.
    public struct PostgresURL: Sendable, Equatable {
        public enum TLSMode: String, Sendable, CaseIterable {
            case disable, allow, prefer, require
            case verifyCA = "verify-ca"
            case verifyFull = "verify-full"
        }

        public var user: String
        public var password: String?
        /// A host name or address, or the folder of a Unix socket (starts with `/`).
        public var host: String
        public var port: Int
        public var database: String
        public var tls: TLSMode
        public var rootCertificate: String?

        /// Reads a URL.
        /// - Parameter environment: where `PGUSER`, `PGPASSWORD`, `PGHOST`, `PGPORT` come from.
        /// - Throws: ``StoreError`` `.cannotOpen` naming what is wrong.
        public init(_ text: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
            func bad(_ why: String) -> StoreError {
                StoreError(
                    .cannotOpen,
                    "invalid PostgreSQL URL: \(why) (expected postgres://USER:PASSWORD@HOST:PORT/DATABASE?sslmode=prefer)"
                )
            }
            guard text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") else {
                throw bad("it must start with postgres:// or postgresql://")
            }
            guard let components = URLComponents(string: text) else { throw bad("it is not a valid URL") }
            var parameters: [String: String] = [:]
            for item in components.queryItems ?? [] {
                guard let value = item.value else { throw bad("parameter '\(item.name)' has no value") }
                parameters[item.name] = value
            }
            let known: Set<String> = ["sslmode", "host", "port", "dbname", "user", "password", "sslrootcert"]
            if let unknown = parameters.keys.sorted().first(where: { !known.contains($0) }) {
                throw bad("unknown parameter '\(unknown)' (known: \(known.sorted().joined(separator: ", ")))")
            }
            let login = ProcessInfo.processInfo.userName
            user =
                components.percentEncodedUser.flatMap { $0.removingPercentEncoding }.flatMap { $0.isEmpty ? nil : $0 }
                ?? parameters["user"] ?? environment["PGUSER"] ?? login
            password =
                components.percentEncodedPassword.flatMap { $0.removingPercentEncoding }
                ?? parameters["password"] ?? environment["PGPASSWORD"]
            if let given = components.port {
                port = given
            } else if let text = parameters["port"] ?? environment["PGPORT"] {
                guard let number = Int(text) else { throw bad("the port '\(text)' is not a number") }
                port = number
            } else {
                port = 5432
            }
            guard (1...65535).contains(port) else { throw bad("the port \(port) is out of range") }
            let urlHost = components.percentEncodedHost.flatMap { $0.removingPercentEncoding }.flatMap {
                $0.isEmpty ? nil : $0
            }
            if let chosen = urlHost ?? parameters["host"] ?? environment["PGHOST"] {
                host = chosen
            } else {
                let port = self.port
                host =
                    ["/var/run/postgresql", "/tmp"].first {
                        FileManager.default.fileExists(atPath: "\($0)/.s.PGSQL.\(port)")
                    } ?? "localhost"
            }
            let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
            let name = path.removingPercentEncoding ?? path
            database = name.isEmpty ? (parameters["dbname"] ?? user) : name
            if let mode = parameters["sslmode"] {
                guard let parsed = TLSMode(rawValue: mode) else {
                    throw bad(
                        "sslmode '\(mode)' is not one of \(TLSMode.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                tls = parsed
            } else {
                tls = .prefer
            }
            rootCertificate = parameters["sslrootcert"]
        }

        /// Whether the host is the folder of a Unix socket.
        public var isUnixSocket: Bool { host.hasPrefix("/") }

        /// The URL without its password, safe to print.
        public var redacted: String {
            var text = "postgres://\(user)@"
            text += isUnixSocket ? "/\(database)?host=\(host)" : "\(host):\(port)/\(database)"
            if !isUnixSocket, tls != .prefer { text += "?sslmode=\(tls.rawValue)" }
            return text
        }

        /// The pool configuration for this URL.
        func clientConfiguration() throws -> PostgresClient.Configuration {
            if isUnixSocket {
                if tls == .require || tls == .verifyCA || tls == .verifyFull {
                    throw StoreError(
                        .cannotOpen,
                        "sslmode=\(tls.rawValue) cannot be used over a Unix socket (\(host)); use a host name or sslmode=prefer"
                    )
                }
                return PostgresClient.Configuration(
                    unixSocketPath: "\(host)/.s.PGSQL.\(port)", username: user, password: password, database: database)
            }
            let mode: PostgresClient.Configuration.TLS
            switch tls {
            case .disable:
                mode = .disable
            case .allow, .prefer:
                mode = .prefer(try tlsConfiguration(verification: .none))
            case .require:
                mode = .require(try tlsConfiguration(verification: .none))
            case .verifyCA:
                mode = .require(try tlsConfiguration(verification: .noHostnameVerification))
            case .verifyFull:
                mode = .require(try tlsConfiguration(verification: .fullVerification))
            }
            return PostgresClient.Configuration(
                host: host, port: port, username: user, password: password, database: database, tls: mode)
        }

        /// The configuration of a single connection for this URL (a quick first connection that reports a wrong URL at
        /// once, where the pool would keep retrying).
        func connectionConfiguration(startupParameters: [(String, String)]) throws -> PostgresConnection.Configuration {
            var configuration: PostgresConnection.Configuration
            if isUnixSocket {
                _ = try clientConfiguration()  // refuses TLS modes a socket cannot have
                configuration = PostgresConnection.Configuration(
                    unixSocketPath: "\(host)/.s.PGSQL.\(port)", username: user, password: password, database: database)
            } else {
                let mode: PostgresConnection.Configuration.TLS
                switch tls {
                case .disable: mode = .disable
                case .allow, .prefer:
                    mode = .prefer(try NIOSSLContext(configuration: tlsConfiguration(verification: .none)))
                case .require: mode = .require(try NIOSSLContext(configuration: tlsConfiguration(verification: .none)))
                case .verifyCA:
                    mode = .require(
                        try NIOSSLContext(configuration: tlsConfiguration(verification: .noHostnameVerification)))
                case .verifyFull:
                    mode = .require(try NIOSSLContext(configuration: tlsConfiguration(verification: .fullVerification)))
                }
                configuration = PostgresConnection.Configuration(
                    host: host, port: port, username: user, password: password, database: database, tls: mode)
            }
            configuration.options.additionalStartupParameters = startupParameters
            return configuration
        }

        private func tlsConfiguration(verification: CertificateVerification) throws -> TLSConfiguration {
            var configuration = TLSConfiguration.makeClientConfiguration()
            configuration.certificateVerification = verification
            if let rootCertificate {
                guard FileManager.default.isReadableFile(atPath: rootCertificate) else {
                    throw StoreError(.cannotOpen, "cannot read the root certificate sslrootcert=\(rootCertificate)")
                }
                configuration.trustRoots = .file(rootCertificate)
            }
            return configuration
        }
    }
#endif
