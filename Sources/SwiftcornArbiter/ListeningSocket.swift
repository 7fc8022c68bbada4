import SwiftcornConfig
import SwiftcornSystem

#if canImport(Glibc)
import Glibc
#endif

/// A socket the master binds and listens on, handed to every worker.
///
/// The descriptor is close-on-exec and moved above the range workers receive (3…), so that
/// spawning can `dup2` sockets into place without one overwriting another.
package struct ListeningSocket: Sendable {
    /// The file descriptor in the master.
    package let fileDescriptor: Int32
    /// The address it was bound to.
    package let address: BindAddress
    /// systemd's name for a socket it passed; `nil` for sockets the master bound.
    package let activationName: String?

    init(fileDescriptor: Int32, address: BindAddress, activationName: String? = nil) {
        self.fileDescriptor = fileDescriptor
        self.address = address
        self.activationName = activationName
    }

    /// Descriptors of listening sockets are moved to this number or above.
    static let lowestDescriptor: Int32 = 64

    /// Binds and listens on `address` with `SO_REUSEADDR` and `backlog`.
    package static func bind(_ address: BindAddress, backlog: Int) throws(SystemCallError) -> ListeningSocket {
        let subject = address.description
        let fd: Int32
        switch address {
        case .tcp(let host, let port):
            let isIPv6 = host.contains(":")
            fd = socket(isIPv6 ? AF_INET6 : AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard fd >= 0 else { throw SystemCallError("socket", subject: subject) }
            var one: Int32 = 1
            setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
            let result: Int32
            if isIPv6 {
                setsockopt(fd, Int32(IPPROTO_IPV6), IPV6_V6ONLY, &one, socklen_t(MemoryLayout<Int32>.size))
                var storage = sockaddr_in6()
                storage.sin6_family = sa_family_t(AF_INET6)
                storage.sin6_port = in_port_t(UInt16(port).bigEndian)
                guard inet_pton(AF_INET6, host, &storage.sin6_addr) == 1 else {
                    close(fd)
                    throw SystemCallError("inet_pton", subject: subject, errno: EINVAL)
                }
                result = withUnsafePointer(to: &storage) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                        Glibc.bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size))
                    }
                }
            } else {
                var storage = sockaddr_in()
                storage.sin_family = sa_family_t(AF_INET)
                storage.sin_port = in_port_t(UInt16(port).bigEndian)
                guard inet_pton(AF_INET, host, &storage.sin_addr) == 1 else {
                    close(fd)
                    throw SystemCallError("inet_pton", subject: subject, errno: EINVAL)
                }
                result = withUnsafePointer(to: &storage) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                        Glibc.bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                    }
                }
            }
            guard result == 0 else {
                let error = SystemCallError("bind", subject: subject)
                close(fd)
                throw error
            }
        case .unix(let path):
            fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard fd >= 0 else { throw SystemCallError("socket", subject: subject) }
            var storage = sockaddr_un()
            storage.sun_family = sa_family_t(AF_UNIX)
            let pathBytes = Array(path.utf8)
            guard pathBytes.count < MemoryLayout.size(ofValue: storage.sun_path) else {
                close(fd)
                throw SystemCallError("bind", subject: subject, errno: ENAMETOOLONG)
            }
            withUnsafeMutableBytes(of: &storage.sun_path) { raw in
                raw.copyBytes(from: pathBytes)
                raw[pathBytes.count] = 0
            }
            Self.removeStaleSocket(at: path)
            let result = withUnsafePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    Glibc.bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
                }
            }
            guard result == 0 else {
                let error = SystemCallError("bind", subject: subject)
                close(fd)
                throw error
            }
        }
        guard listen(fd, Int32(backlog)) == 0 else {
            let error = SystemCallError("listen", subject: subject)
            close(fd)
            throw error
        }
        let moved = fcntl(fd, F_DUPFD_CLOEXEC, Self.lowestDescriptor)
        guard moved >= 0 else {
            let error = SystemCallError("fcntl(F_DUPFD_CLOEXEC)", subject: subject)
            close(fd)
            throw error
        }
        close(fd)
        return ListeningSocket(fileDescriptor: moved, address: address)
    }

    /// Sockets systemd passed (socket activation): `LISTEN_FDS` descriptors from 3 when
    /// `LISTEN_PID` names this process; `nil` when there are none. They are moved above the
    /// workers' range and marked close-on-exec like sockets the master binds.
    package static func inherited() -> [ListeningSocket]? {
        guard let pidText = getenv("LISTEN_PID"), pid_t(String(cString: pidText)) == getpid(),
            let countText = getenv("LISTEN_FDS"), let count = Int(String(cString: countText)), count > 0
        else { return nil }
        let names = getenv("LISTEN_FDNAMES").map { String(cString: $0).split(separator: ":").map(String.init) } ?? []
        let sockets = Self.takeDescriptors(count: count).map { offset, moved in
            let name = offset < names.count ? names[offset] : "fd\(WorkerLaunch.Descriptors(socketCount: count).socket(offset))"
            return ListeningSocket(fileDescriptor: moved, address: .unix(path: ""), activationName: name)
        }
        // The variables are for this process only: workers get SWIFTCORN_LISTEN_FDS instead.
        unsetenv("LISTEN_PID")
        unsetenv("LISTEN_FDS")
        unsetenv("LISTEN_FDNAMES")
        return sockets
    }

    /// The sockets an old master handed over in a binary upgrade, one per configured address;
    /// `nil` when this master was not started by one.
    package static func handedOver(binds: [BindAddress]) -> [ListeningSocket]? {
        guard let countText = getenv(UpgradeEnvironment.listenFDs), let count = Int(String(cString: countText)), count > 0 else {
            return nil
        }
        unsetenv(UpgradeEnvironment.listenFDs)
        // Addresses from the configuration: this master now owns the sockets, files included.
        return Self.takeDescriptors(count: count).map { offset, moved in
            ListeningSocket(fileDescriptor: moved, address: offset < binds.count ? binds[offset] : .unix(path: ""))
        }
    }

    /// Moves `count` inherited sockets, at the descriptors a worker gets them at too (from 3,
    /// systemd's and an old master's convention), above the workers' range, close-on-exec; each
    /// with its offset from the first.
    private static func takeDescriptors(count: Int) -> [(offset: Int, descriptor: Int32)] {
        let inherited = WorkerLaunch.Descriptors(socketCount: count)
        return (0..<count).compactMap { offset in
            let fd = inherited.socket(offset)
            let moved = fcntl(fd, F_DUPFD_CLOEXEC, Self.lowestDescriptor)
            guard moved >= 0 else { return nil }
            Glibc.close(fd)
            return (offset, moved)
        }
    }

    /// Closes the socket, leaving a Unix socket's file to the master it was handed to.
    package func closeKeepingFile() {
        _ = Glibc.close(self.fileDescriptor)
    }

    /// Closes the socket and removes a Unix socket's file.
    package func closeAndUnlink() {
        _ = Glibc.close(self.fileDescriptor)
        // systemd owns the files of sockets it passed.
        if self.activationName == nil, case .unix(let path) = self.address, !path.isEmpty {
            unlink(path)
        }
    }

    /// A socket file left by a previous run would make `bind` fail with EADDRINUSE; only a socket
    /// is removed, never a regular file someone pointed us at by mistake.
    private static func removeStaleSocket(at path: String) {
        var info = stat()
        if lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFSOCK {
            unlink(path)
        }
    }
}
