/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * stream: one non-blocking byte stream to an OVSDB server, over
 * "tcp:IP:PORT", "unix:PATH" or "ssl:IP:PORT" (OpenSSL).  IPv6 addresses
 * go in brackets: "tcp:[2001:db8::1]:6642".  Errors are negative errnos;
 * -EAGAIN means "poll for stream_events() and call again".
 */
#ifndef OVNMIG_STREAM_H
#define OVNMIG_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* TLS for "ssl:" targets: PEM files, like ovn-controller's --private-key,
 * --certificate and --ca-cert. */
struct ovsdb_ssl_opts {
	const char *private_key;
	const char *certificate;
	const char *ca_cert;
};
struct stream;

/* Checks the syntax of target without connecting: 0 or -EINVAL. */
int stream_verify_target(const char *target);
/* Starts connecting; *out is set on success (0). */
int stream_open(const char *target, const struct ovsdb_ssl_opts *ssl,
		struct stream **out);
/* Completes the connection (TCP and TLS handshakes): 0 when done. */
int stream_connect(struct stream *s);
/* > 0 bytes, 0 at end of stream, or a negative errno. */
ssize_t stream_recv(struct stream *s, void *buf, size_t len);
ssize_t stream_send(struct stream *s, const void *buf, size_t len);
int stream_fd(const struct stream *s);
/* poll() events to wait for; want_send: we have bytes queued. */
short stream_events(const struct stream *s, bool want_send);
/* Buffered plaintext the TLS layer already has (poll would not see it). */
bool stream_pending(const struct stream *s);
const char *stream_name(const struct stream *s);
/* Why the last call failed at the TLS level, or NULL. */
const char *stream_error(const struct stream *s);
void stream_close(struct stream *s);		/* NULL is fine */

#endif /* OVNMIG_STREAM_H */
