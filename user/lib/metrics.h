/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * metrics: the agent's reaction-latency histogram and the rendering of
 * the metrics object (JSON, as served by "metrics" on the control
 * socket) as Prometheus text exposition format.
 *
 * The metrics object:
 *   {"build": {"version": "0.1.0", "chassis": "<system-id>"},
 *    "datapath": {"<outcome>": {"packets": N, "bytes": N}, ...},
 *    "policy": {"<counter>": N, ...},
 *    "entries": {"steer": N, "fwd": N},
 *    "db": {"sb_reconnects": N, "local_reconnects": N, "sb_updates": N,
 *           "sb_resumes": N, "errors": N, "sb_connected": bool, ...},
 *    "reaction_latency": {"le_us": [10, 25, ...], "counts": [...],
 *                         "count": N, "sum_ns": N, "max_ns": N,
 *                         "p50_us": N, "p99_us": N}}
 */
#ifndef OVNMIG_METRICS_H
#define OVNMIG_METRICS_H

#include <stdint.h>
#include <jansson.h>

#define METRICS_LAT_BUCKETS	14

struct metrics {
	/* counts[i]: observations <= le_us[i] and > le_us[i - 1];
	 * counts[METRICS_LAT_BUCKETS]: above the last bound. */
	uint64_t counts[METRICS_LAT_BUCKETS + 1];
	uint64_t count, sum_ns, max_ns;
};

extern const uint32_t metrics_le_us[METRICS_LAT_BUCKETS];

void metrics_observe(struct metrics *m, uint64_t ns);
/* Quantile (0..1) in us, from the bucket bounds (upper bound of the
 * bucket holding it); 0 without observations. */
uint64_t metrics_quantile_us(const struct metrics *m, double q);
json_t *metrics_latency_json(const struct metrics *m);

/* Prometheus text of a metrics object; malloc'd. */
char *metrics_prometheus(json_t *metrics);

#endif /* OVNMIG_METRICS_H */
