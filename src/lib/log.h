/* Logging for programs that run in the initramfs: every message goes to
 * /dev/kmsg (so it lands in dmesg and on the console) and to /run/vtoy/log;
 * messages the kernel would not print at the current console loglevel
 * (warnings under "quiet") are also written to stderr so the user sees them. */
#ifndef VTOY_LOG_H
#define VTOY_LOG_H

enum vlog_level {
	VLOG_ERR = 3,
	VLOG_WARN = 4,
	VLOG_NOTICE = 5,
	VLOG_INFO = 6,
	VLOG_DEBUG = 7,
};

#define VLOG_TO_KMSG 0x1 /* boot mode: kmsg + log file */
#define VLOG_TO_FILE 0x2

void log_init(const char *prog, int targets, const char *run_dir);
void log_set_debug(int on);
/* Host programs: every message goes to fn instead (NULL restores the
 * default), so that a report can show what the boot's code would log. */
typedef void (*log_sink_fn)(int level, const char *msg, void *ctx);
void log_set_sink(log_sink_fn fn, void *ctx);
/* The sink in place, to put it back after borrowing it. */
void log_get_sink(log_sink_fn *fn, void **ctx);
void log_msg(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_err(...) log_msg(VLOG_ERR, __VA_ARGS__)
#define log_warn(...) log_msg(VLOG_WARN, __VA_ARGS__)
#define log_notice(...) log_msg(VLOG_NOTICE, __VA_ARGS__)
#define log_info(...) log_msg(VLOG_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(VLOG_DEBUG, __VA_ARGS__)

#endif
