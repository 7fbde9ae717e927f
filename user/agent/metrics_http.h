/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * metrics_http: the agent's Prometheus endpoint (--metrics-listen),
 * GET /metrics over HTTP/1.1 with libmicrohttpd.
 *
 * It runs in the agent's one thread, inside its poll loop: libmicrohttpd
 * in external-event-loop mode with epoll gives one descriptor to poll,
 * and metrics_http_run() does the non-blocking work.  Every scrape reads
 * the agent's state (policy counters, follower status, map counts) from
 * the thread that owns it, so nothing needs a lock and a scrape sees one
 * consistent moment; the price is that a scrape waits for the batch in
 * progress (see "largest_batch" in the metrics, and bench/bench-agent).
 */
#ifndef OVNMIG_METRICS_HTTP_H
#define OVNMIG_METRICS_HTTP_H

#include <poll.h>
#include <stdint.h>
#include <sys/socket.h>
#include <jansson.h>

struct metrics_http;

/* The metrics object (metrics.h) at this moment; NULL on failure. */
typedef json_t *(*metrics_collect_fn)(void *ctx);

/*
 * Parse --metrics-listen: PORT (127.0.0.1), ADDR:PORT or [ADDR6]:PORT;
 * PORT 0 picks a free port (metrics_http_addr says which).  0, or -1
 * with "why" in @err.
 */
int metrics_http_parse(const char *spec, struct sockaddr_storage *ss,
		       char *err, size_t len);

/* Listen on @spec; NULL with errno and "what: why" in @err. */
struct metrics_http *metrics_http_create(const char *spec,
					 metrics_collect_fn collect, void *ctx,
					 char *err, size_t len);
void metrics_http_destroy(struct metrics_http *h);
/* Where it listens, as bound: "127.0.0.1:9812", "[::1]:9812". */
const char *metrics_http_addr(const struct metrics_http *h);
/* The descriptor to poll for POLLIN. */
struct pollfd metrics_http_pollfd(const struct metrics_http *h);
/* Milliseconds until metrics_http_run() is due without input; -1: none. */
int metrics_http_timeout(const struct metrics_http *h);
/* Accept, read, answer, time out: never blocks. */
void metrics_http_run(struct metrics_http *h);

#endif /* OVNMIG_METRICS_HTTP_H */
