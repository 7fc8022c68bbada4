#ifndef C_SYSTEMD_SHIM_H
#define C_SYSTEMD_SHIM_H

// libsystemd: sd_notify for the master under systemd, sd_journal_sendv for the journald sink, and the reader API for
// swiftcorn-logs. Installed by libsystemd-dev (pkg-config libsystemd).
#include <systemd/sd-daemon.h>
#include <systemd/sd-journal.h>
#include <sys/uio.h>

#endif
