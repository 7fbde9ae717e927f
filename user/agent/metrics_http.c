// SPDX-License-Identifier: GPL-2.0-only
/*
 * The Prometheus endpoint: see metrics_http.h for why it runs in the
 * agent's poll loop.  The text is metrics_prometheus() of the same
 * metrics object "ovnmigctl metrics --prometheus" renders.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <microhttpd.h>

#include "lib/metrics.h"
#include "lib/util.h"
#include "metrics_http.h"

/* Scrapers are few; a connection that sends nothing is dropped soon. */
#define HTTP_MAX_CONNS		16
#define HTTP_CONN_TIMEOUT_S	10

#define PROM_CONTENT_TYPE	"text/plain; version=0.0.4; charset=utf-8"

struct metrics_http {
	struct MHD_Daemon *d;
	int epfd;
	char addr[INET6_ADDRSTRLEN + 8];	/* as bound: ADDR:PORT */
	metrics_collect_fn collect;
	void *ctx;
};

/* "@spec: @why" in @err; -1. */
static int bad(char *err, size_t len, const char *spec, const char *why)
{
	snprintf(err, len, "%s: %s", spec, why);
	return -1;
}

int metrics_http_parse(const char *spec, struct sockaddr_storage *ss,
		       char *err, size_t len)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
	char host[INET6_ADDRSTRLEN + 2];
	const char *colon, *port_s;
	size_t hlen = 0;
	char *end;
	long port;

	memset(ss, 0, sizeof(*ss));
	colon = strrchr(spec, ':');
	port_s = colon ? colon + 1 : spec;
	if (colon) {
		hlen = colon - spec;
		if (hlen >= sizeof(host))
			return bad(err, len, spec, "address too long");
		memcpy(host, spec, hlen);
		host[hlen] = 0;
	}
	errno = 0;
	port = strtol(port_s, &end, 10);
	if (!*port_s || *end || errno || port < 0 || port > 65535)
		return bad(err, len, spec, "the port must be 0..65535");
	if (!colon) {
		sin->sin_family = AF_INET;
		sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		sin->sin_port = htons(port);
		return 0;
	}
	if (hlen >= 2 && host[0] == '[' && host[hlen - 1] == ']') {
		host[hlen - 1] = 0;
		if (inet_pton(AF_INET6, host + 1, &sin6->sin6_addr) != 1)
			return bad(err, len, spec, "not an IPv6 address");
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		return 0;
	}
	if (inet_pton(AF_INET, host, &sin->sin_addr) != 1)
		return bad(err, len, spec,
			   "not ADDR:PORT, [ADDR6]:PORT or PORT");
	sin->sin_family = AF_INET;
	sin->sin_port = htons(port);
	return 0;
}

static enum MHD_Result respond(struct MHD_Connection *conn,
			       unsigned int code, char *body,
			       enum MHD_ResponseMemoryMode mode,
			       const char *type)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	r = MHD_create_response_from_buffer(strlen(body), body, mode);
	if (!r) {
		if (mode == MHD_RESPMEM_MUST_FREE)
			free(body);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	ret = MHD_queue_response(conn, code, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result handler(void *cls, struct MHD_Connection *conn,
			       const char *url, const char *method,
			       const char *version, const char *upload,
			       size_t *upload_size, void **req_cls)
{
	struct metrics_http *h = cls;
	json_t *mx;
	char *text;

	(void)version, (void)upload, (void)req_cls;
	if (strcmp(method, MHD_HTTP_METHOD_GET) &&
	    strcmp(method, MHD_HTTP_METHOD_HEAD))
		return respond(conn, MHD_HTTP_METHOD_NOT_ALLOWED,
			       "only GET /metrics\n", MHD_RESPMEM_PERSISTENT,
			       "text/plain");
	/* A GET with a body: refuse rather than read it. */
	if (*upload_size)
		return MHD_NO;
	if (strcmp(url, "/metrics"))
		return respond(conn, MHD_HTTP_NOT_FOUND,
			       "ovnmigd: the metrics are at /metrics\n",
			       MHD_RESPMEM_PERSISTENT, "text/plain");
	mx = h->collect(h->ctx);
	text = mx ? metrics_prometheus(mx) : NULL;
	json_decref(mx);
	if (!text)
		return respond(conn, MHD_HTTP_INTERNAL_SERVER_ERROR,
			       "ovnmigd: cannot collect the metrics\n",
			       MHD_RESPMEM_PERSISTENT, "text/plain");
	return respond(conn, MHD_HTTP_OK, text, MHD_RESPMEM_MUST_FREE,
		       PROM_CONTENT_TYPE);
}

struct metrics_http *metrics_http_create(const char *spec,
					 metrics_collect_fn collect, void *ctx,
					 char *err, size_t len)
{
	const union MHD_DaemonInfo *info;
	struct sockaddr_storage ss;
	struct metrics_http *h;
	socklen_t sl = sizeof(ss);
	int fd, one = 1, e;

	if (metrics_http_parse(spec, &ss, err, len)) {
		errno = EINVAL;
		return NULL;
	}
	/* Our own socket, so a failing bind() says why. */
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
		    0);
	if (fd < 0) {
		e = errno;
		bad(err, len, spec, strerror(e));
		errno = e;
		return NULL;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, ss.ss_family == AF_INET6 ?
		 sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in)) ||
	    listen(fd, HTTP_MAX_CONNS) ||
	    getsockname(fd, (struct sockaddr *)&ss, &sl)) {
		e = errno;
		bad(err, len, spec, strerror(e));
		close(fd);
		errno = e;
		return NULL;
	}
	h = xcalloc(1, sizeof(*h));
	h->collect = collect;
	h->ctx = ctx;
	if (ss.ss_family == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
		char a[INET6_ADDRSTRLEN];

		inet_ntop(AF_INET6, &s6->sin6_addr, a, sizeof(a));
		snprintf(h->addr, sizeof(h->addr), "[%s]:%u", a,
			 ntohs(s6->sin6_port));
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
		char a[INET_ADDRSTRLEN];

		inet_ntop(AF_INET, &s4->sin_addr, a, sizeof(a));
		snprintf(h->addr, sizeof(h->addr), "%s:%u", a,
			 ntohs(s4->sin_port));
	}
	/* No MHD_USE_INTERNAL_POLLING_THREAD: our thread, our loop. */
	h->d = MHD_start_daemon(MHD_USE_EPOLL |
				(ss.ss_family == AF_INET6 ? MHD_USE_IPv6 : 0),
				0, NULL, NULL, handler, h,
				MHD_OPTION_LISTEN_SOCKET, fd,
				MHD_OPTION_CONNECTION_LIMIT,
				(unsigned int)HTTP_MAX_CONNS,
				MHD_OPTION_CONNECTION_TIMEOUT,
				(unsigned int)HTTP_CONN_TIMEOUT_S,
				MHD_OPTION_END);
	info = h->d ? MHD_get_daemon_info(h->d, MHD_DAEMON_INFO_EPOLL_FD) :
		      NULL;
	if (!info) {
		if (h->d)
			MHD_stop_daemon(h->d);	/* closes fd */
		else
			close(fd);
		free(h);
		bad(err, len, spec, "libmicrohttpd does not start (no epoll?)");
		errno = EIO;
		return NULL;
	}
	h->epfd = info->epoll_fd;
	return h;
}

void metrics_http_destroy(struct metrics_http *h)
{
	if (!h)
		return;
	/* Closes the listen socket too, ours or not. */
	MHD_stop_daemon(h->d);
	free(h);
}

const char *metrics_http_addr(const struct metrics_http *h)
{
	return h->addr;
}

struct pollfd metrics_http_pollfd(const struct metrics_http *h)
{
	return (struct pollfd){ .fd = h->epfd, .events = POLLIN };
}

int metrics_http_timeout(const struct metrics_http *h)
{
	MHD_UNSIGNED_LONG_LONG ms;

	if (MHD_get_timeout(h->d, &ms) != MHD_YES)
		return -1;
	return ms > 60000 ? 60000 : (int)ms;
}

void metrics_http_run(struct metrics_http *h)
{
	MHD_run(h->d);
}
