#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Which file a path names, whatever its spelling: two paths name the same file when they lead
/// (after following links) to the same device and inode; a path that does not exist yet is
/// compared by its resolved parent folder and its name. Outputs are checked against inputs and
/// against each other with it, never by the text of the paths.
public enum PathIdentity {
    /// `path` made absolute and standardized, with the symbolic links of its longest existing
    /// part resolved (`realpath`) and the rest appended as written.
    public static func resolved(_ path: String) -> String {
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        let parts = absolute.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        var keep = parts.count
        while keep >= 0 {
            let prefix = "/" + parts[0..<keep].joined(separator: "/")
            if let r = realpath(prefix, nil) {
                var base = String(cString: r)
                free(r)
                for p in parts[keep...] { base += (base == "/" ? "" : "/") + p }
                return base
            }
            keep -= 1
        }
        return absolute
    }

    /// The device and inode of the file `path` leads to (links followed); nil when it does not exist.
    public static func fileID(_ path: String) -> (device: UInt64, inode: UInt64)? {
        var st = stat()
        guard !path.isEmpty, stat(path, &st) == 0 else { return nil }
        return (UInt64(st.st_dev), UInt64(st.st_ino))
    }

    /// True when `a` and `b` name the same file: the same device and inode when both exist,
    /// otherwise the same resolved path.
    public static func same(_ a: String, _ b: String) -> Bool {
        if let x = fileID(a), let y = fileID(b) { return x == y }
        return resolved(a) == resolved(b)
    }

    /// The path of `path` relative to `folder` when it lies inside it (both resolved, the folder
    /// compared by identity when it exists); nil otherwise.
    public static func relative(_ path: String, inside folder: String) -> String? {
        let p = resolved(path), f = resolved(folder)
        if p.hasPrefix(f + "/") { return String(p.dropFirst(f.count + 1)) }
        // The folder under another spelling (a bind mount or a hard-linked name is not possible
        // for folders, but a link inside the path was resolved already): walk up p's ancestors.
        guard let fid = fileID(f) else { return nil }
        var url = URL(fileURLWithPath: p)
        var rest: [String] = []
        while url.path != "/" {
            rest.insert(url.lastPathComponent, at: 0)
            url.deleteLastPathComponent()
            if let id = fileID(url.path), id == fid { return rest.joined(separator: "/") }
        }
        return nil
    }
}
