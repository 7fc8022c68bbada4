/// The variables an old master hands the new master it starts for a binary upgrade (USR2).
public enum UpgradeEnvironment {
    /// Number of listening sockets at fds 3…, in the order of the `-b` addresses.
    public static let listenFDs = "SWIFTCORN_UPGRADE_FDS"
    /// The old master's pid: the new master tells it to stop once ready (`upgrade_auto_stop`).
    public static let oldMasterPID = "SWIFTCORN_UPGRADE_FROM"
}
