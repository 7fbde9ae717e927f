// SPDX-License-Identifier: GPL-2.0-only
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "log.h"

static const char *log_name = "ovnmig";
static enum log_level log_max = LOG_LVL_INFO;
static int log_journal = -1;

/* JOURNAL_STREAM is set by systemd when stderr goes to the journal. */
static int getenv_journal(void)
{
	return getenv("JOURNAL_STREAM") ? 1 : 0;
}

void log_init(const char *prog, enum log_level level)
{
	log_name = prog;
	log_max = level;
	/* Under systemd, prefix "<N>" so the journal keeps priorities. */
	log_journal = getenv_journal();
}

void log_set_level(enum log_level level)
{
	log_max = level;
}

const char *log_prog(void)
{
	return log_name;
}

int log_enabled(enum log_level level)
{
	return level <= log_max;
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	static const int prio[] = { 3, 4, 6, 7 };
	char buf[1024];
	va_list ap;

	if (level > log_max)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (log_journal > 0)
		fprintf(stderr, "<%d>%s: %s\n", prio[level], log_name, buf);
	else
		fprintf(stderr, "%s: %s\n", log_name, buf);
}
