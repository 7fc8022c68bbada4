#if canImport(Glibc)
import Glibc
#endif

/// A NULL-terminated `char *[]` for the lifetime of a closure.
enum CStringArray {
    static func with<Result>(_ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> Result) -> Result {
        var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
        pointers.append(nil)
        defer {
            for pointer in pointers { free(pointer) }
        }
        return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
    }
}
