import Foundation
import Hummingbird

/// The artifact root on disk, read and written so that nothing outside it is ever reached: reads resolve the whole
/// path (symbolic links included) and refuse a result outside the root; writes never go through a symbolic link.
///
/// File-system failures a client caused (a name too long, a file where a folder should be, a link in the way) become
/// 400 `INVALID_PARAMETER_VALUE` with what to fix; failures of the server itself (a full disk, an I/O error, a
/// permission the server lacks) stay 500, as MLflow clients retry those.
struct ArtifactFiles: Sendable {
    /// The root as configured (it may itself be a symbolic link, which the administrator chose).
    let root: URL

    /// What a path names on disk, after resolving every symbolic link.
    enum Item: Equatable {
        case file(path: String, size: Int64)
        case directory(path: String)
    }

    /// The root with every symbolic link resolved.
    /// - Throws: 500 when the root cannot be resolved (it is created when the server starts).
    func resolvedRoot() throws -> String {
        guard let resolved = Self.realPath(root.path) else {
            throw Self.error(errno: errno, doing: "open the artifact root", path: root.path)
        }
        return resolved
    }

    /// The file or folder `path` names, resolved; `nil` when nothing is there.
    /// - Throws: 400 when the resolved path leaves the root (a symbolic link pointing outside) or names something
    ///   other than a file or folder; a mapped error for other failures.
    func item(at path: ArtifactPath) throws -> Item? {
        let rootPath = try resolvedRoot()
        let full = ([rootPath] + path.components).joined(separator: "/")
        guard let resolved = Self.realPath(full) else {
            let code = errno
            if code == ENOENT || code == ENOTDIR { return nil }
            throw Self.error(errno: code, doing: "read", path: path.relative)
        }
        guard Self.isInside(resolved, root: rootPath) else {
            throw APIError.invalid(
                "Invalid path: '\(path.relative)' is a symbolic link that leads outside the artifact root")
        }
        var info = stat()
        guard stat(resolved, &info) == 0 else {
            let code = errno
            if code == ENOENT { return nil }
            throw Self.error(errno: code, doing: "read", path: path.relative)
        }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return .file(path: resolved, size: Int64(info.st_size))
        case S_IFDIR: return .directory(path: resolved)
        default: throw APIError.invalid("'\(path.relative)' is not a regular file or folder")
        }
    }

    /// The entries of a resolved folder, as listed to clients: hidden upload files left out, and symbolic links
    /// shown as what they point to, or left out when they lead outside the root or nowhere.
    func entries(of folder: String) throws -> [(name: String, item: Item)] {
        let rootPath = try resolvedRoot()
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: folder)
        } catch {
            throw APIError(.internalServerError, "INTERNAL_ERROR", "Cannot list an artifact folder")
        }
        var entries: [(name: String, item: Item)] = []
        for name in names.sorted() where !name.hasPrefix(".provkit-") {
            guard let resolved = Self.realPath(folder + "/" + name), Self.isInside(resolved, root: rootPath) else {
                continue
            }
            var info = stat()
            guard stat(resolved, &info) == 0 else { continue }
            switch info.st_mode & S_IFMT {
            case S_IFREG: entries.append((name, .file(path: resolved, size: Int64(info.st_size))))
            case S_IFDIR: entries.append((name, .directory(path: resolved)))
            default: continue
            }
        }
        return entries
    }

    /// Creates the folders an upload to `path` needs, without following any symbolic link, and returns the
    /// destination's full path (its folder is a real folder under the root).
    /// - Throws: 400 when a component is a symbolic link or a file, or the destination is a folder or a link.
    func prepareUpload(to path: ArtifactPath) throws -> String {
        var current = try resolvedRoot()
        // The upload's temporary file (`.provkit-upload-` and 32 hex digits) must fit in PATH_MAX (4,096) too.
        if current.utf8.count + path.relative.utf8.count + 50 >= 4_096 {
            throw Self.error(errno: ENAMETOOLONG, doing: "write", path: path.relative)
        }
        for (index, component) in path.components.enumerated() {
            current += "/" + component
            let isLast = index == path.components.count - 1
            var info = stat()
            if lstat(current, &info) != 0 {
                let code = errno
                guard code == ENOENT else { throw Self.error(errno: code, doing: "write", path: path.relative) }
                if isLast { return current }
                if mkdir(current, 0o777) != 0, errno != EEXIST {
                    throw Self.error(errno: errno, doing: "create a folder for", path: path.relative)
                }
                // Created here or by a concurrent upload; check what is there now.
                guard lstat(current, &info) == 0 else {
                    throw Self.error(errno: errno, doing: "create a folder for", path: path.relative)
                }
            }
            let prefix = path.components[...index].joined(separator: "/")
            switch info.st_mode & S_IFMT {
            case S_IFLNK:
                throw APIError.invalid(
                    "Invalid path: '\(prefix)' is a symbolic link; the server does not write through links")
            case S_IFDIR:
                if isLast {
                    throw APIError.invalid("'\(path.relative)' is a directory; upload files into it instead")
                }
            case S_IFREG where isLast:
                return current  // replaced atomically by the upload
            default:
                throw APIError.invalid(
                    "Cannot create the folder for '\(path.relative)': '\(prefix)' is a file, not a folder")
            }
        }
        throw APIError.invalid("Invalid path: the artifact path is empty")
    }

    /// Whether a resolved path is the root or inside it.
    static func isInside(_ resolved: String, root: String) -> Bool {
        resolved == root || resolved.hasPrefix(root.hasSuffix("/") ? root : root + "/")
    }

    /// `realpath(3)`: the absolute path with every symbolic link, `.` and `..` resolved; `nil` with `errno` set when
    /// the path does not exist or cannot be resolved.
    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// The answer for a failed file-system call on an artifact path: 400 for what the client can fix, 500 otherwise.
    static func error(errno code: Int32, doing operation: String, path: String) -> APIError {
        switch code {
        case ENAMETOOLONG:
            return .invalid(
                "Cannot \(operation) '\(path)': a name in it is too long for the file system (at most 255 bytes per "
                    + "name and 4,096 for the whole path); shorten it")
        case EINVAL, EILSEQ:
            return .invalid("Cannot \(operation) '\(path)': the file system does not accept that name; rename it")
        case ENOTDIR:
            return .invalid("Cannot \(operation) '\(path)': part of the path is a file, not a folder")
        case EEXIST, EISDIR, ENOTEMPTY:
            return .invalid("Cannot \(operation) '\(path)': a folder of that name is in the way")
        case ELOOP:
            return .invalid("Cannot \(operation) '\(path)': it goes through a loop of symbolic links")
        default:
            let reason = String(cString: strerror(code))
            return APIError(
                .internalServerError, "INTERNAL_ERROR",
                "Cannot \(operation) '\(path)' in the artifact store: \(reason) (errno \(code))")
        }
    }
}
