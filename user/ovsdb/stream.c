// SPDX-License-Identifier: GPL-2.0-only
/* Non-blocking tcp:, unix: and ssl: streams for the OVSDB client. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "lib/util.h"
#include "stream.h"

enum stream_kind { ST_TCP, ST_UNIX, ST_SSL };

struct stream {
	enum stream_kind kind;
	int fd;
	bool connected;		/* socket connect() finished */
	bool handshaken;	/* TLS done (or not TLS) */
	short ssl_want;		/* POLLIN/POLLOUT the TLS layer waits for */
	SSL_CTX *ctx;
	SSL *ssl;
	char name[128];
	char why[128];		/* TLS failure reason, "" if none */
};

struct target {
	enum stream_kind kind;
	struct sockaddr_storage ss;
	socklen_t len;
};

static int parse_target(const char *t, struct target *out)
{
	memset(out, 0, sizeof(*out));
	if (!strncmp(t, "unix:", 5)) {
		struct sockaddr_un *sun = (struct sockaddr_un *)&out->ss;
		size_t n = strlen(t + 5);

		if (!n || n >= sizeof(sun->sun_path))
			return -EINVAL;
		sun->sun_family = AF_UNIX;
		memcpy(sun->sun_path, t + 5, n);
		out->kind = ST_UNIX;
		out->len = sizeof(*sun);
		return 0;
	}
	if (!strncmp(t, "tcp:", 4))
		out->kind = ST_TCP;
	else if (!strncmp(t, "ssl:", 4))
		out->kind = ST_SSL;
	else
		return -EINVAL;

	/* HOST:PORT or [V6]:PORT, numeric only: the agent must not depend
	 * on DNS to reach its database. */
	char host[64];
	const char *p = t + 4, *port;
	size_t hl;

	if (*p == '[') {
		const char *e = strchr(p, ']');

		if (!e || e[1] != ':')
			return -EINVAL;
		hl = e - p - 1;
		p++;
		port = e + 2;
	} else {
		const char *c = strrchr(p, ':');

		if (!c)
			return -EINVAL;
		hl = c - p;
		port = c + 1;
	}
	if (!hl || hl >= sizeof(host))
		return -EINVAL;
	memcpy(host, p, hl);
	host[hl] = '\0';

	char *end;
	unsigned long pn = strtoul(port, &end, 10);

	if (!*port || *end || !pn || pn > 65535)
		return -EINVAL;

	struct sockaddr_in *sin = (struct sockaddr_in *)&out->ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&out->ss;

	if (inet_pton(AF_INET, host, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(pn);
		out->len = sizeof(*sin);
	} else if (inet_pton(AF_INET6, host, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(pn);
		out->len = sizeof(*sin6);
	} else {
		return -EINVAL;
	}
	return 0;
}

int stream_verify_target(const char *target)
{
	struct target t;

	return parse_target(target, &t);
}

static int ssl_setup(struct stream *s, const struct ovsdb_ssl_opts *o)
{
	if (!o || !o->private_key || !o->certificate || !o->ca_cert)
		return -EINVAL;	/* ovn-controller needs all three, so do we */
	s->ctx = SSL_CTX_new(TLS_client_method());
	if (!s->ctx)
		return -ENOMEM;
	SSL_CTX_set_min_proto_version(s->ctx, TLS1_2_VERSION);
	if (SSL_CTX_use_certificate_chain_file(s->ctx, o->certificate) != 1 ||
	    SSL_CTX_use_PrivateKey_file(s->ctx, o->private_key,
					SSL_FILETYPE_PEM) != 1 ||
	    SSL_CTX_check_private_key(s->ctx) != 1 ||
	    SSL_CTX_load_verify_locations(s->ctx, o->ca_cert, NULL) != 1) {
		ERR_clear_error();
		return -EACCES;
	}
	/* Like OVS: the peer must present a certificate signed by the CA;
	 * the name is not checked (OVN PKI certificates name chassis). */
	SSL_CTX_set_verify(s->ctx, SSL_VERIFY_PEER, NULL);
	s->ssl = SSL_new(s->ctx);
	if (!s->ssl || SSL_set_fd(s->ssl, s->fd) != 1)
		return -ENOMEM;
	return 0;
}

int stream_open(const char *target, const struct ovsdb_ssl_opts *ssl,
		struct stream **out)
{
	struct target t;
	struct stream *s;
	int err = parse_target(target, &t);

	*out = NULL;
	if (err)
		return err;
	s = xcalloc(1, sizeof(*s));
	s->kind = t.kind;
	snprintf(s->name, sizeof(s->name), "%s", target);
	s->fd = socket(t.ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK |
		       SOCK_CLOEXEC, 0);
	if (s->fd < 0) {
		err = -errno;
		goto fail;
	}
	if (t.ss.ss_family != AF_UNIX) {
		int one = 1;

		setsockopt(s->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	}
	if (s->kind == ST_SSL) {
		err = ssl_setup(s, ssl);
		if (err)
			goto fail;
	}
	if (connect(s->fd, (struct sockaddr *)&t.ss, t.len) == 0) {
		s->connected = true;
	} else if (errno != EINPROGRESS && errno != EAGAIN) {
		err = -errno;
		goto fail;
	}
	s->handshaken = s->kind != ST_SSL;
	*out = s;
	return 0;
fail:
	stream_close(s);
	return err;
}

static int ssl_result(struct stream *s, int ret)
{
	switch (SSL_get_error(s->ssl, ret)) {
	case SSL_ERROR_WANT_READ:
		s->ssl_want = POLLIN;
		return -EAGAIN;
	case SSL_ERROR_WANT_WRITE:
		s->ssl_want = POLLOUT;
		return -EAGAIN;
	case SSL_ERROR_ZERO_RETURN:
		return 0;
	case SSL_ERROR_SYSCALL:
		ERR_clear_error();
		return errno ? -errno : -ECONNRESET;
	default: {
		unsigned long e = ERR_peek_last_error();
		const char *r = e ? ERR_reason_error_string(e) : NULL;

		snprintf(s->why, sizeof(s->why), "TLS: %s",
			 r ? r : "protocol error");
		ERR_clear_error();
		return -EPROTO;
	}
	}
}

int stream_connect(struct stream *s)
{
	if (!s->connected) {
		struct pollfd p = { .fd = s->fd, .events = POLLOUT };
		int err = 0;
		socklen_t l = sizeof(err);

		if (poll(&p, 1, 0) <= 0)
			return -EAGAIN;
		if (getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &err, &l) < 0)
			return -errno;
		if (err)
			return -err;
		s->connected = true;
	}
	if (!s->handshaken) {
		int ret = SSL_connect(s->ssl);

		if (ret != 1) {
			int err = ssl_result(s, ret);

			return err ? err : -ECONNRESET;
		}
		s->ssl_want = 0;
		s->handshaken = true;
	}
	return 0;
}

ssize_t stream_recv(struct stream *s, void *buf, size_t len)
{
	ssize_t n;

	if (s->ssl) {
		int ret = SSL_read(s->ssl, buf, len > INT32_MAX ? INT32_MAX : len);

		if (ret > 0) {
			s->ssl_want = 0;
			return ret;
		}
		return ssl_result(s, ret);
	}
	n = recv(s->fd, buf, len, 0);
	if (n < 0)
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	return n;
}

ssize_t stream_send(struct stream *s, const void *buf, size_t len)
{
	ssize_t n;

	if (s->ssl) {
		int ret = SSL_write(s->ssl, buf, len > INT32_MAX ? INT32_MAX : len);

		if (ret > 0) {
			s->ssl_want = 0;
			return ret;
		}
		ret = ssl_result(s, ret);
		return ret ? ret : -ECONNRESET;
	}
	n = send(s->fd, buf, len, MSG_NOSIGNAL);
	if (n < 0)
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	return n;
}

int stream_fd(const struct stream *s)
{
	return s->fd;
}

short stream_events(const struct stream *s, bool want_send)
{
	if (!s->connected)
		return POLLOUT;
	if (s->ssl_want)
		return s->ssl_want;
	return POLLIN | (want_send ? POLLOUT : 0);
}

bool stream_pending(const struct stream *s)
{
	return s->ssl && SSL_pending(s->ssl) > 0;
}

const char *stream_error(const struct stream *s)
{
	return s->why[0] ? s->why : NULL;
}

const char *stream_name(const struct stream *s)
{
	return s->name;
}

void stream_close(struct stream *s)
{
	if (!s)
		return;
	if (s->ssl)
		SSL_free(s->ssl);
	if (s->ctx)
		SSL_CTX_free(s->ctx);
	if (s->fd >= 0)
		close(s->fd);
	free(s);
}
