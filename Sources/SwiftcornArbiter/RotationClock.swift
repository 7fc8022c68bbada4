import SwiftcornConfig
import SwiftcornTime

#if canImport(Glibc)
import Glibc
#endif

/// When hourly and daily rotations happen and what dated files are called, in UTC or in the
/// machine's local time (DST included: the offset is read for the moment in question).
struct RotationClock {
    /// Local time instead of UTC.
    let local: Bool

    /// Seconds east of UTC at `seconds` since the epoch.
    func offset(at seconds: Int64) -> Int64 {
        guard self.local else { return 0 }
        var time = time_t(seconds)
        var parts = tm()
        localtime_r(&time, &parts)
        return Int64(parts.tm_gmtoff)
    }

    /// The next hour or day boundary after `seconds` on this clock, or `nil` without time
    /// rotation.
    func boundary(after seconds: Int64, interval: RotationInterval) -> Int64? {
        let period: Int64
        switch interval {
        case .hourly: period = 3600
        case .daily: period = 86_400
        case .none: return nil
        }
        let offset = self.offset(at: seconds)
        let candidate = (CivilCalendar.floorDivide(seconds + offset, period).quotient + 1) * period - offset
        // A DST change before the boundary moves it by the change.
        let later = self.offset(at: candidate)
        guard later != offset else { return candidate }
        let corrected = (CivilCalendar.floorDivide(seconds + later, period).quotient + 1) * period - later
        return corrected > seconds ? corrected : candidate
    }

    /// The dated suffix of a rotated file: for a time rotation at boundary `seconds` the period
    /// before it (`2026-11-27` or `2026-11-27T13`), for a size rotation at `seconds` the moment
    /// (`2026-11-28T13-45-02`).
    func stamp(rotatedAt seconds: Int64, interval: RotationInterval, bySize: Bool) -> String {
        let covered = bySize ? seconds : seconds - 1
        let local = covered + self.offset(at: covered)
        let (days, secondOfDay) = CivilCalendar.floorDivide(local, 86_400)
        let (year, month, day) = CivilCalendar.date(days: days)
        let date = "\(year)-\(Self.two(month))-\(Self.two(day))"
        if bySize {
            return "\(date)T\(Self.two(Int(secondOfDay / 3600)))-\(Self.two(Int(secondOfDay / 60 % 60)))-\(Self.two(Int(secondOfDay % 60)))"
        }
        return interval == .hourly ? "\(date)T\(Self.two(Int(secondOfDay / 3600)))" : date
    }

    private static func two(_ value: Int) -> String {
        value < 10 ? "0\(value)" : "\(value)"
    }
}
