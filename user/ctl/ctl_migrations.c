// SPDX-License-Identifier: GPL-2.0-only
/*
 * "ovnmigctl migrations" (ctl_migrations.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ctl_migrations.h"

int ctl_migrations_parse_since(const char *s, uint64_t *ns)
{
	unsigned long long v, mul = 1;
	char *end;

	if (!s || *s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return -EINVAL;
	if (!strcmp(end, "m"))
		mul = 60;
	else if (!strcmp(end, "h"))
		mul = 3600;
	else if (!strcmp(end, "d"))
		mul = 86400;
	else if (*end && strcmp(end, "s"))
		return -EINVAL;
	/* Longer than the monotonic clock runs for anything real. */
	if (v > 3650ull * 86400 / mul)
		return -EINVAL;
	*ns = v * mul * 1000000000ull;
	return 0;
}

void ctl_migrations_filter(json_t *r, const char *port, uint64_t since_ns)
{
	json_t *recs = json_object_get(r, "records"), *e;
	uint64_t now = json_integer_value(json_object_get(r, "now_ns"));
	size_t i;

	for (i = json_array_size(recs); i-- > 0;) {
		const char *p;
		uint64_t sb;

		e = json_array_get(recs, i);
		p = json_string_value(json_object_get(e, "port"));
		sb = json_integer_value(json_object_get(e, "sb_ns"));
		if ((port && (!p || strcmp(p, port))) ||
		    (since_ns && now > since_ns && sb < now - since_ns))
			json_array_remove(recs, i);
	}
}

static void fmt_ms(json_t *o, const char *k, char *buf, size_t len)
{
	json_t *v = json_object_get(o, k);

	if (json_is_number(v))
		snprintf(buf, len, "%.3f", json_number_value(v));
	else
		snprintf(buf, len, "-");
}

static const char *sv(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s && *s ? s : "-";
}

void ctl_migrations_print(json_t *r)
{
	char w[24], f[24], l[24];
	json_t *e;
	size_t i;

	printf("%-5s %-20s %-8s %-5s %-9s %-12s %-12s %8s %9s %9s %10s %-8s %s\n",
	       "ID", "PORT", "DP", "KEY", "OUTCOME", "FROM", "TO", "PACKETS",
	       "WRITE_MS", "FIRST_MS", "LAG_MS", "STATE", "SENDER");
	json_array_foreach(json_object_get(r, "records"), i, e) {
		fmt_ms(e, "write_ms", w, sizeof(w));
		fmt_ms(e, "first_ms", f, sizeof(f));
		fmt_ms(e, "lag_ms", l, sizeof(l));
		printf("%-5lld %-20s %-8lld %-5lld %-9s %-12s %-12s %8lld %9s %9s %10s %-8s %s\n",
		       (long long)json_integer_value(json_object_get(e, "id")),
		       sv(e, "port"),
		       (long long)json_integer_value(json_object_get(e, "dp_key")),
		       (long long)json_integer_value(json_object_get(e, "port_key")),
		       sv(e, "outcome"), sv(e, "from"), sv(e, "to"),
		       (long long)json_integer_value(json_object_get(e, "packets")),
		       w, f, l, sv(e, "closed"), sv(e, "last_sender"));
	}
}
