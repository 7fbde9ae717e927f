/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * log: "prog: what: why" lines on stderr (journald adds the time and
 * priority prefix when run under systemd).
 */
#ifndef OVNMIG_LOG_H
#define OVNMIG_LOG_H

enum log_level { LOG_LVL_ERR, LOG_LVL_WARN, LOG_LVL_INFO, LOG_LVL_DBG };

void log_init(const char *prog, enum log_level level);
void log_set_level(enum log_level level);
const char *log_prog(void);
/* Whether a message of @level would be written (to skip making it). */
int log_enabled(enum log_level level);
void log_msg(enum log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define log_err(...)	log_msg(LOG_LVL_ERR, __VA_ARGS__)
#define log_warn(...)	log_msg(LOG_LVL_WARN, __VA_ARGS__)
#define log_info(...)	log_msg(LOG_LVL_INFO, __VA_ARGS__)
#define log_dbg(...)	log_msg(LOG_LVL_DBG, __VA_ARGS__)

#endif /* OVNMIG_LOG_H */
