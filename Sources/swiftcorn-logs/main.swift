#if canImport(Glibc)
import Glibc
#endif

// The log-analysis CLI has its own issue; until it lands the executable says so instead of
// pretending to analyse anything.
let message = "swiftcorn-logs: not yet implemented; see the swiftcorn-logs issue\n"
_ = message.utf8CString.withUnsafeBufferPointer { write(2, $0.baseAddress, $0.count - 1) }
exit(64)
