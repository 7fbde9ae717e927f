/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * "ovnmigctl migrations": the agent's migration records (ovnmigctl(8)),
 * filtered and printed on the client side.
 */
#ifndef OVNMIG_CTL_MIGRATIONS_H
#define OVNMIG_CTL_MIGRATIONS_H

#include <stdbool.h>
#include <stdint.h>
#include <jansson.h>

/* "300", "300s", "5m", "2h", "1d" -> ns; 0 or -EINVAL. */
int ctl_migrations_parse_since(const char *s, uint64_t *ns);
/*
 * Keep in @r (the agent's {"now_ns", "records"}) only the records of
 * logical port @port (NULL: all) whose SB update arrived within
 * @since_ns of the agent's now (0: all).
 */
void ctl_migrations_filter(json_t *r, const char *port, uint64_t since_ns);
/* The table, one record a line, times in ms after the SB update. */
void ctl_migrations_print(json_t *r);

#endif /* OVNMIG_CTL_MIGRATIONS_H */
