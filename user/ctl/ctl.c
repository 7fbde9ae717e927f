// SPDX-License-Identifier: GPL-2.0-only
/*
 * ctl: control socket server and client (see ctl.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "ctl.h"
#include "lib/clock.h"
#include "lib/log.h"

/*
 * Nothing here blocks and nothing frees a connection while a request or
 * a broadcast may still hold it: every reply and event goes into the
 * connection's output queue, the queue is sent from ctl_server_run()
 * (the agent's poll loop, after the map write of the batch that made
 * the events), and a connection that fails is only marked dead; the
 * poll loop frees it once no caller holds it.
 *
 * The queue is bounded two ways.  Replies: requests are read only while
 * less than CTL_OUT_LOW bytes are queued, so a client that sends
 * requests without reading the replies stops being read (its own socket
 * fills) instead of making us queue without bound.  Events: a
 * subscriber whose queue would pass CTL_OUT_MAX is dropped and counted
 * (status "ctl.dropped_slow"): an event stream with holes would be
 * worse than an end the client notices.
 */
struct ctl_conn {
	int fd;
	bool subscribed;
	bool dead;		/* to be freed by the poll loop */
	bool closing;		/* dead once the queue is sent */
	size_t len;
	char buf[CTL_REQ_MAX];
	char *out;
	size_t out_head, out_len, out_cap;	/* [out_head, out_len) queued */
};

struct ctl_server {
	int fd;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	const struct ctl_command *cmds;
	void *ctx;
	struct ctl_conn *conns[CTL_MAX_CONNS];
	struct ctl_stats st;
};

static int mkdir_parent(const char *path)
{
	char buf[256], *s = NULL;

	snprintf(buf, sizeof(buf), "%s", path);
	s = strrchr(buf, '/');
	if (!s || s == buf)
		return 0;
	*s = 0;
	if (mkdir(buf, 0700) && errno != EEXIST)
		return -errno;
	return 0;
}

struct ctl_server *ctl_server_create(const char *path,
				     const struct ctl_command *cmds,
				     void *ctx, int *err)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct ctl_server *s;
	mode_t old;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		*err = -ENAMETOOLONG;
		return NULL;
	}
	s = calloc(1, sizeof(*s));
	if (!s) {
		*err = -ENOMEM;
		return NULL;
	}
	s->cmds = cmds;
	s->ctx = ctx;
	snprintf(s->path, sizeof(s->path), "%s", path);
	strcpy(sa.sun_path, path);
	*err = mkdir_parent(path);
	if (*err)
		goto fail;
	s->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (s->fd < 0) {
		*err = -errno;
		goto fail;
	}
	/* A socket left by a killed agent: nobody listens, replace it. */
	if (connect(s->fd, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
		*err = -EADDRINUSE;
		close(s->fd);
		goto fail;
	}
	unlink(path);
	old = umask(0077);
	if (bind(s->fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    listen(s->fd, 8)) {
		*err = -errno;
		umask(old);
		close(s->fd);
		goto fail;
	}
	umask(old);
	chmod(path, 0600);
	return s;
fail:
	free(s);
	return NULL;
}

static void conn_free(struct ctl_server *s, int i)
{
	close(s->conns[i]->fd);
	free(s->conns[i]->out);
	free(s->conns[i]);
	s->conns[i] = NULL;
}

/* Never frees: the caller (a handler, a broadcast) may still hold c. */
static void conn_kill(struct ctl_conn *c)
{
	c->dead = true;
}

static size_t conn_queued(const struct ctl_conn *c)
{
	return c->out_len - c->out_head;
}

void ctl_server_destroy(struct ctl_server *s)
{
	int i;

	if (!s)
		return;
	for (i = 0; i < CTL_MAX_CONNS; i++)
		if (s->conns[i])
			conn_free(s, i);
	close(s->fd);
	unlink(s->path);
	free(s);
}

int ctl_server_fds(const struct ctl_server *s, struct pollfd *pfd, int max)
{
	int i, n = 0;

	if (n < max)
		pfd[n++] = (struct pollfd){ .fd = s->fd, .events = POLLIN };
	for (i = 0; i < CTL_MAX_CONNS && n < max; i++) {
		const struct ctl_conn *c = s->conns[i];

		if (!c)
			continue;
		pfd[n] = (struct pollfd){ .fd = c->fd };
		if (!c->dead && !c->closing && conn_queued(c) < CTL_OUT_LOW)
			pfd[n].events |= POLLIN;
		if (!c->dead && conn_queued(c))
			pfd[n].events |= POLLOUT;
		n++;
	}
	return n;
}

/* Appends line + '\n' to c's queue; -ENOBUFS past @limit bytes. */
static int conn_queue(struct ctl_conn *c, const char *p, size_t len,
		      size_t limit)
{
	size_t need;

	if (c->dead || c->closing)
		return -EPIPE;
	if (conn_queued(c) + len + 1 > limit)
		return -ENOBUFS;
	if (c->out_head && c->out_head == c->out_len)
		c->out_head = c->out_len = 0;
	need = c->out_len + len + 1;
	if (need > c->out_cap && c->out_head) {
		memmove(c->out, c->out + c->out_head, conn_queued(c));
		c->out_len -= c->out_head;
		c->out_head = 0;
		need = c->out_len + len + 1;
	}
	if (need > c->out_cap) {
		size_t cap = c->out_cap ? c->out_cap : 4096;
		char *nb;

		while (cap < need)
			cap *= 2;
		nb = realloc(c->out, cap);
		if (!nb)
			return -ENOMEM;
		c->out = nb;
		c->out_cap = cap;
	}
	memcpy(c->out + c->out_len, p, len);
	c->out[c->out_len + len] = '\n';
	c->out_len += len + 1;
	return 0;
}

/* Sends what the socket takes now; a failed socket is marked dead. */
static void conn_flush(struct ctl_conn *c)
{
	while (!c->dead && conn_queued(c)) {
		ssize_t w = send(c->fd, c->out + c->out_head, conn_queued(c),
				 MSG_NOSIGNAL | MSG_DONTWAIT);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno == EAGAIN)
			return;
		if (w < 0) {
			conn_kill(c);
			return;
		}
		c->out_head += w;
	}
	if (!conn_queued(c)) {
		c->out_head = c->out_len = 0;
		/* A large reply should not pin its buffer. */
		if (c->out_cap > 4 * CTL_OUT_LOW) {
			free(c->out);
			c->out = NULL;
			c->out_cap = 0;
		}
		if (c->closing)
			conn_kill(c);
	}
}

/* A reply: bounded by reading requests only while the queue is short. */
static void conn_reply(struct ctl_conn *c, json_t *msg)
{
	char *p = json_dumps(msg, JSON_COMPACT);

	if (!p || conn_queue(c, p, strlen(p), SIZE_MAX))
		conn_kill(c);
	free(p);
}

/* The client's whole-buffer write (the server never blocks: it queues). */
static int send_all(int fd, const char *p, size_t len)
{
	struct pollfd pfd = { .fd = fd, .events = POLLOUT };
	ssize_t w;

	while (len) {
		w = send(fd, p, len, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (w < 0 && (errno == EAGAIN || errno == EINTR)) {
			if (poll(&pfd, 1, 1000) <= 0)
				return -ETIMEDOUT;
			continue;
		}
		if (w < 0)
			return -errno;
		p += w;
		len -= w;
	}
	return 0;
}

static int send_json(int fd, json_t *msg)
{
	char *s = json_dumps(msg, JSON_COMPACT);
	int err;

	if (!s)
		return -ENOMEM;
	err = send_all(fd, s, strlen(s));
	if (!err)
		err = send_all(fd, "\n", 1);
	free(s);
	return err;
}

const struct ctl_command *ctl_command_find(const struct ctl_command *cmds,
					   const char *name)
{
	for (; cmds && cmds->name; cmds++)
		if (!strcmp(cmds->name, name))
			return cmds;
	return NULL;
}

static int builtin_list(struct ctl_server *s, json_t **result)
{
	const struct ctl_command *c;
	json_t *a = json_array();

	for (c = s->cmds; c && c->name; c++)
		json_array_append_new(a, json_pack("{s:s, s:s}", "name",
						   c->name, "usage",
						   c->usage ? c->usage : ""));
	json_array_append_new(a, json_pack("{s:s, s:s}", "name",
					   "list-commands", "usage", ""));
	json_array_append_new(a, json_pack("{s:s, s:s}", "name", "version",
					   "usage", ""));
	*result = a;
	return 0;
}

static void dispatch(struct ctl_server *s, struct ctl_conn *c,
		     const char *line)
{
	json_t *req, *id, *params, *result = NULL, *reply;
	const struct ctl_command *cmd;
	const char *method;
	char *error = NULL;
	json_error_t jerr;
	size_t n, i;

	req = json_loads(line, JSON_REJECT_DUPLICATES, &jerr);
	if (!req || !json_is_object(req) ||
	    !json_is_string(json_object_get(req, "method"))) {
		json_decref(req);
		reply = json_pack("{s:n, s:s, s:n}", "result", "error",
				  "malformed request", "id");
		conn_reply(c, reply);
		json_decref(reply);
		return;
	}
	method = json_string_value(json_object_get(req, "method"));
	id = json_object_get(req, "id");
	params = json_object_get(req, "params");
	if (!params)
		params = json_array();
	else
		json_incref(params);
	n = json_is_array(params) ? json_array_size(params) : 0;
	for (i = 0; i < n; i++)
		if (!json_is_string(json_array_get(params, i)))
			break;
	if (!json_is_array(params) || i < n) {
		error = strdup("params must be an array of strings");
	} else if (!strcmp(method, "list-commands")) {
		builtin_list(s, &result);
	} else if (!strcmp(method, "version")) {
		result = json_string("ovnmigd " OVNMIG_VERSION);
	} else {
		cmd = ctl_command_find(s->cmds, method);
		if (!cmd) {
			if (asprintf(&error, "unknown command '%s'; use "
				     "list-commands", method) < 0)
				error = NULL;
		} else if ((int)n < cmd->min_args || (int)n > cmd->max_args) {
			if (asprintf(&error, "%s: wrong number of arguments "
				     "(usage: %s %s)", method, method,
				     cmd->usage) < 0)
				error = NULL;
		} else {
			cmd->fn(s->ctx, c, method, params, &result, &error);
			if (!result && !error)
				result = json_null();
		}
	}
	reply = json_object();
	json_object_set_new(reply, "result", result ? result : json_null());
	json_object_set_new(reply, "error", error ? json_string(error) :
						     json_null());
	json_object_set(reply, "id", id ? id : json_null());
	/* The handler may have ended c (a broadcast it caused failed on
	 * c); c itself is still valid until the poll loop frees it. */
	if (!c->dead)
		conn_reply(c, reply);
	json_decref(reply);
	json_decref(params);
	json_decref(req);
	free(error);
}

/* Answers the whole requests in c's buffer while its queue is short. */
static void conn_process(struct ctl_server *s, struct ctl_conn *c)
{
	char *nl;

	while (!c->dead && !c->closing && conn_queued(c) < CTL_OUT_LOW &&
	       (nl = memchr(c->buf, '\n', c->len))) {
		size_t used = nl - c->buf + 1;

		*nl = 0;
		if (nl > c->buf)
			dispatch(s, c, c->buf);
		memmove(c->buf, c->buf + used, c->len - used);
		c->len -= used;
		c->buf[c->len] = 0;
	}
	if (!c->dead && !c->closing && c->len >= sizeof(c->buf) - 1) {
		char why[64];
		json_t *r;

		snprintf(why, sizeof(why), "request longer than %d bytes",
			 CTL_REQ_MAX - 1);
		r = json_pack("{s:n, s:s, s:n}", "result", "error", why, "id");

		s->st.dropped_long++;
		log_warn("ctl: %s: connection closed", why);
		if (r)
			conn_reply(c, r);
		json_decref(r);
		c->closing = true;	/* after the error is sent */
		c->len = 0;
	}
}

static void conn_read(struct ctl_server *s, struct ctl_conn *c)
{
	ssize_t r;

	if (c->dead || c->closing || conn_queued(c) >= CTL_OUT_LOW ||
	    c->len >= sizeof(c->buf) - 1)
		return;
	r = recv(c->fd, c->buf + c->len, sizeof(c->buf) - 1 - c->len,
		 MSG_DONTWAIT);
	if (r == 0) {
		/* The client is done sending (socat, a shell's half
		 * close): its replies still go out, then we close. */
		c->closing = true;
		return;
	}
	if (r < 0 && errno != EAGAIN && errno != EINTR) {
		conn_kill(c);
		return;
	}
	if (r < 0)
		return;
	c->len += r;
	c->buf[c->len] = 0;
	conn_process(s, c);
}

static void do_accept(struct ctl_server *s)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);
	int fd, i;

	fd = accept4(s->fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (fd < 0)
		return;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) ||
	    cred.uid != 0) {
		log_warn("ctl: refused a connection from uid %d: root only",
			 (int)cred.uid);
		close(fd);
		return;
	}
	for (i = 0; i < CTL_MAX_CONNS; i++) {
		if (s->conns[i])
			continue;
		s->conns[i] = calloc(1, sizeof(struct ctl_conn));
		if (!s->conns[i])
			break;
		s->conns[i]->fd = fd;
		return;
	}
	close(fd);	/* full: the client sees EOF and says so */
}

void ctl_server_run(struct ctl_server *s)
{
	struct pollfd pfd[CTL_MAX_CONNS + 1];
	int n, i, j;

	n = ctl_server_fds(s, pfd, CTL_MAX_CONNS + 1);
	if (poll(pfd, n, 0) < 0)
		n = 0;
	for (j = 1; j < n; j++) {
		if (!pfd[j].revents)
			continue;
		for (i = 0; i < CTL_MAX_CONNS; i++) {
			struct ctl_conn *c = s->conns[i];

			if (!c || c->fd != pfd[j].fd)
				continue;
			if (pfd[j].revents & (POLLOUT | POLLERR | POLLHUP))
				conn_flush(c);
			if (pfd[j].revents & (POLLIN | POLLHUP))
				conn_read(s, c);
		}
	}
	/* Requests left in a buffer while the queue was long, then
	 * whatever was queued (replies, and the events of the batch the
	 * agent has just written to the maps). */
	for (i = 0; i < CTL_MAX_CONNS; i++)
		if (s->conns[i]) {
			conn_process(s, s->conns[i]);
			conn_flush(s->conns[i]);
		}
	/* The only place connections are freed. */
	for (i = 0; i < CTL_MAX_CONNS; i++)
		if (s->conns[i] && s->conns[i]->dead)
			conn_free(s, i);
	if (n && (pfd[0].revents & POLLIN))
		do_accept(s);
}

void ctl_conn_subscribe(struct ctl_conn *c)
{
	c->subscribed = true;
}

int ctl_server_n_subscribers(const struct ctl_server *s)
{
	int i, n = 0;

	for (i = 0; i < CTL_MAX_CONNS; i++)
		n += s->conns[i] && s->conns[i]->subscribed &&
		     !s->conns[i]->dead;
	return n;
}

void ctl_server_stats(const struct ctl_server *s, struct ctl_stats *st)
{
	int i;

	*st = s->st;
	st->conns = st->subscribers = 0;
	st->queued = 0;
	for (i = 0; i < CTL_MAX_CONNS; i++) {
		const struct ctl_conn *c = s->conns[i];

		if (!c || c->dead)
			continue;
		st->conns++;
		st->subscribers += c->subscribed;
		st->queued += conn_queued(c);
	}
}

void ctl_server_broadcast(struct ctl_server *s, json_t *ev)
{
	json_t *msg;
	char *p;
	size_t len;
	int i;

	msg = json_pack("{s:s, s:[O], s:n}", "method", "event", "params", ev,
			"id");
	p = msg ? json_dumps(msg, JSON_COMPACT) : NULL;
	json_decref(msg);
	if (!p)
		return;
	len = strlen(p);
	/* Queued only: sent by the poll loop, never from inside the
	 * policy's batch (the maps are written first). */
	for (i = 0; i < CTL_MAX_CONNS; i++) {
		struct ctl_conn *c = s->conns[i];
		int err;

		if (!c || !c->subscribed || c->dead || c->closing)
			continue;
		err = conn_queue(c, p, len, CTL_OUT_MAX);
		if (err == -ENOBUFS) {
			s->st.dropped_slow++;
			log_warn("ctl: event subscriber not reading (%zu bytes "
				 "queued): dropped", conn_queued(c));
		}
		if (err)
			conn_kill(c);
	}
	free(p);
}

/* ---- client ---- */

int ctl_client_connect(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd, err;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

/* Read one line into a malloc'd buffer; keeps any excess for next time. */
static char *rbuf;
static size_t rlen, rcap;

static int read_line(int fd, char **line, int timeout_ms)
{
	uint64_t t0 = mono_ms();
	char *nl;

	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		int left = timeout_ms, r;
		ssize_t got;

		nl = rlen ? memchr(rbuf, '\n', rlen) : NULL;
		if (nl) {
			size_t used = nl - rbuf + 1;

			*line = strndup(rbuf, used - 1);
			memmove(rbuf, rbuf + used, rlen - used);
			rlen -= used;
			return *line ? 0 : -ENOMEM;
		}
		if (timeout_ms >= 0) {
			left = timeout_ms - (int)(mono_ms() - t0);
			if (left <= 0)
				return -ETIMEDOUT;
		}
		r = poll(&pfd, 1, left);
		if (r < 0 && errno == EINTR)
			return -EINTR;
		if (r == 0)
			return -ETIMEDOUT;
		if (rcap - rlen < 65536) {
			char *nb = realloc(rbuf, rcap + 1048576);

			if (!nb)
				return -ENOMEM;
			rbuf = nb;
			rcap += 1048576;
		}
		got = recv(fd, rbuf + rlen, rcap - rlen, 0);
		if (got == 0)
			return -ECONNRESET;
		if (got < 0)
			return -errno;
		rlen += got;
	}
}

int ctl_client_next(int fd, json_t **msg, int timeout_ms)
{
	char *line = NULL;
	int err = read_line(fd, &line, timeout_ms);

	if (err)
		return err;
	*msg = json_loads(line, 0, NULL);
	free(line);
	return *msg ? 0 : -EPROTO;
}

int ctl_client_call(int fd, const char *method, json_t *params,
		    json_t **result, char **error, int timeout_ms)
{
	static int next_id = 1;
	json_t *req, *reply = NULL, *e;
	int id = next_id++, err;

	*result = NULL;
	*error = NULL;
	req = json_pack("{s:s, s:o, s:i}", "method", method, "params",
			params ? json_incref(params) : json_array(), "id", id);
	if (!req)
		return -ENOMEM;
	err = send_json(fd, req);
	json_decref(req);
	if (err)
		return err;
	for (;;) {
		err = ctl_client_next(fd, &reply, timeout_ms);
		if (err)
			return err;
		if (json_integer_value(json_object_get(reply, "id")) == id)
			break;
		json_decref(reply);	/* an event sent meanwhile */
	}
	e = json_object_get(reply, "error");
	if (json_is_string(e))
		*error = strdup(json_string_value(e));
	*result = json_incref(json_object_get(reply, "result"));
	json_decref(reply);
	return 0;
}
