import SwiftcornSystem
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// What workers and the fork server tell the master, and what it asks the fork server: the
/// encodings survive a round trip, and anything else is refused.
@Suite("ControlMessage and ForkRequest: the master's wire messages", .serialized)
struct ControlMessageTests {
    @Test(
        "a control message survives its line, as the master splits the pipe on newlines",
        arguments: [
            ControlMessage.ready(index: 1, pid: 4_242),
            .ready(index: 1_024, pid: Int32.max),
            .retire(index: 3, pid: 1),
            .retire(index: 17, pid: 99_999),
        ]
    )
    func roundTrip(message: ControlMessage) {
        let line = message.line
        #expect(line.hasSuffix("\n") && line.utf8.count < PIPE_BUF)
        #expect(line.dropLast().split(separator: "\n").count == 1)
        #expect(ControlMessage(line: line.dropLast()) == message)
    }

    @Test("the line is the documented text")
    func lineText() {
        #expect(ControlMessage.ready(index: 2, pid: 4_242).line == "ready 2 4242\n")
        #expect(ControlMessage.retire(index: 5, pid: 77).line == "retire 5 77\n")
    }

    @Test(
        "malformed lines are no message",
        arguments: [
            "", " ", "ready", "ready 1", "ready 1 2 3", "hello 1 2", "READY 1 2", "ready x 2", "ready 1 x", "ready 1.5 2",
            "ready 1 2\n", "ready 1 99999999999", "ready 99999999999999999999 1", "retire\t1 2", "ready 1 -",
        ]
    )
    func malformed(line: String) {
        #expect(ControlMessage(line: line[...]) == nil)
    }

    @Test("send writes the line to the control pipe a worker's launch names, and nothing without one")
    func send() throws {
        var ends: [Int32] = [0, 0]
        #expect(pipe(&ends) == 0)
        #expect(fcntl(ends[0], F_SETFL, O_NONBLOCK) == 0)
        defer { for end in ends { close(end) } }
        // The control pipe is descriptor 3 + n for n sockets: make the pipe's write end that one.
        let launch = WorkerLaunch(
            socketCount: Int(ends[1]) - 3,
            masterPID: getpid(),
            settings: "",
            role: .worker(.init(index: 2, slot: 0, measured: false))
        )
        #expect(launch.descriptors.controlPipe == ends[1])
        ControlMessage.ready(index: 9, pid: 9).send()
        var buffer = [UInt8](repeating: 0, count: 64)
        #expect(read(ends[0], &buffer, buffer.count) == -1, "no launch in this process: nothing sent")
        launch.export()
        defer {
            for entry in launch.environment { unsetenv(String(entry.prefix { $0 != "=" })) }
        }
        ControlMessage.ready(index: 2, pid: 4_242).send()
        let count = read(ends[0], &buffer, buffer.count)
        #expect(count > 0 && String(decoding: buffer[..<max(count, 0)], as: UTF8.self) == "ready 2 4242\n")
    }

    @Test("a fork request's three words carry a worker's assignment")
    func forkRequestRoundTrip() {
        for assignment in [
            WorkerLaunch.Assignment(index: 1, slot: 0, measured: true),
            .init(index: 12, slot: 1_023, measured: false),
            .init(index: 1_024, slot: 2_047, measured: true),
        ] {
            let request = ForkRequest(assignment)
            #expect(ForkRequest(words: request.words) == request)
            #expect(request.words.0 == Int64(assignment.index) && request.words.1 == Int64(assignment.slot))
            #expect(request.words.2 == (assignment.measured ? 1 : 0))
        }
        #expect(ForkRequest.size == 24)
    }

    @Test("any non-zero third word reads as measured")
    func forkRequestMeasuredWord() {
        #expect(ForkRequest(words: (1, 0, 0)).assignment.measured == false)
        #expect(ForkRequest(words: (1, 0, 2)).assignment.measured == true)
        #expect(ForkRequest(words: (1, 0, -1)).assignment.measured == true)
    }

    @Test("refusals travel as distinct negative errnos and come back; other errnos are no refusal")
    func refusals() {
        let errnos = ForkRequest.Refusal.allCases.map(\.errno)
        #expect(Set(errnos).count == errnos.count)
        for refusal in ForkRequest.Refusal.allCases {
            #expect(ForkRequest.Refusal(errno: refusal.errno) == refusal)
            #expect(!refusal.reason.isEmpty)
        }
        #expect(ForkRequest.Refusal(errno: EDEADLK) == .threads)
        #expect(ForkRequest.Refusal(errno: EINVAL) == .configuration)
        #expect(ForkRequest.Refusal(errno: EBADFD) == .descriptors)
        for other in [0, EAGAIN, ENOMEM, EPERM, -EDEADLK] {
            #expect(ForkRequest.Refusal(errno: other) == nil)
        }
    }
}
