import SwiftcornSystem
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// ``SystemCallError`` names the call, its subject and the errno's text, as glibc words it.
@Suite("SystemCallError: which call failed, and why")
struct SystemCallErrorTests {
    @Test("with a subject: call(subject) failed: text (errno N)")
    func withSubject() {
        let error = SystemCallError("bind", subject: "127.0.0.1:80", errno: EACCES)
        #expect(error.description == "bind(127.0.0.1:80) failed: Permission denied (errno 13)")
        #expect(error.call == "bind" && error.subject == "127.0.0.1:80" && error.errno == EACCES)
    }

    @Test("without a subject: call failed: text (errno N)")
    func withoutSubject() {
        #expect(SystemCallError("signalfd", errno: EMFILE).description == "signalfd failed: Too many open files (errno 24)")
        #expect(SystemCallError("open", errno: ENOENT).description == "open failed: No such file or directory (errno 2)")
    }

    @Test("captures errno as the failed call left it")
    func capturesErrno() {
        let result = open("/nonexistent/swiftcorn-test", O_RDONLY)
        let error = SystemCallError("open", subject: "/nonexistent/swiftcorn-test")
        #expect(result == -1)
        #expect(error.errno == ENOENT)
        #expect(error.description == "open(/nonexistent/swiftcorn-test) failed: No such file or directory (errno 2)")
    }

    @Test("an errno glibc does not know still reads as a sentence with its number")
    func unknownErrno() {
        #expect(SystemCallError("x", errno: 4_242).description == "x failed: Unknown error 4242 (errno 4242)")
    }
}
