// SPDX-License-Identifier: GPL-2.0-only
/* One request to the peer's ha-vzd, with bounded waits everywhere. */
#include "common/peer.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int wait_fd(int fd, short events, long long deadline)
{
	struct pollfd pfd = { .fd = fd, .events = events };
	long long left = deadline - now_ms();
	int rc;

	if (left <= 0)
		return -ETIMEDOUT;
	do
		rc = poll(&pfd, 1, (int)left);
	while (rc < 0 && errno == EINTR);
	if (rc < 0)
		return -errno;
	return rc == 0 ? -ETIMEDOUT : 0;
}

int havz_tcp_connect(const char *addr, unsigned port, unsigned timeout_ms)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM,
				  .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV };
	struct addrinfo *ai = NULL;
	char host[64], service[8];
	long long deadline = now_ms() + timeout_ms;
	int fd, rc, err = 0;
	socklen_t len = sizeof(err);

	snprintf(host, sizeof(host), "%s", addr);
	host[strcspn(host, "/")] = '\0'; /* tolerate an address/prefix */
	snprintf(service, sizeof(service), "%u", port);
	if (getaddrinfo(host, service, &hints, &ai) || !ai)
		return -EINVAL;
	fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		rc = -errno;
		freeaddrinfo(ai);
		return rc;
	}
	rc = connect(fd, ai->ai_addr, ai->ai_addrlen);
	freeaddrinfo(ai);
	if (rc && errno != EINPROGRESS) {
		rc = -errno;
		close(fd);
		return rc;
	}
	if (rc) {
		rc = wait_fd(fd, POLLOUT, deadline);
		if (!rc && getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len))
			rc = -errno;
		if (!rc && err)
			rc = -err;
		if (rc) {
			close(fd);
			return rc;
		}
	}
	return fd;
}

static int write_all(int fd, const uint8_t *p, size_t n, long long deadline)
{
	while (n) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);

		if (w < 0 && (errno == EAGAIN || errno == EINTR)) {
			int rc = wait_fd(fd, POLLOUT, deadline);

			if (rc)
				return rc;
			continue;
		}
		if (w <= 0)
			return w < 0 ? -errno : -EPIPE;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int read_exact(int fd, uint8_t *p, size_t n, long long deadline)
{
	while (n) {
		ssize_t r = recv(fd, p, n, 0);

		if (r < 0 && (errno == EAGAIN || errno == EINTR)) {
			int rc = wait_fd(fd, POLLIN, deadline);

			if (rc)
				return rc;
			continue;
		}
		if (r < 0)
			return -errno;
		if (r == 0)
			return -ECONNRESET; /* closed without an answer: e.g. our key was refused */
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

int havz_peer_call(const struct havz_peer_target *t, const struct havz_wire_msg *req,
		   struct havz_wire_msg *reply, bool *reached)
{
	uint8_t msg[HAVZ_WIRE_MSG_MAX];
	long long deadline;
	int fd, n, rc;

	*reached = false;
	n = havz_wire_encode(req, t->key, t->keylen, msg, sizeof(msg));
	if (n < 0)
		return n;
	fd = havz_tcp_connect(t->addr, t->port, t->connect_ms);
	if (fd < 0)
		return fd;
	*reached = true;
	deadline = now_ms() + t->reply_ms;
	rc = write_all(fd, msg, (size_t)n, deadline);
	if (!rc)
		rc = read_exact(fd, msg, HAVZ_WIRE_HEADER, deadline);
	if (!rc) {
		n = havz_wire_frame_len(msg, HAVZ_WIRE_HEADER);
		rc = n < 0 ? n
			   : read_exact(fd, msg + HAVZ_WIRE_HEADER, (size_t)n - HAVZ_WIRE_HEADER,
					deadline);
	}
	close(fd);
	if (!rc)
		rc = havz_wire_decode(msg, (size_t)n, t->key, t->keylen, reply);
	if (!rc)
		rc = havz_wire_check_reply(reply, req, t->name, (int64_t)time(NULL));
	OPENSSL_cleanse(msg, sizeof(msg));
	return rc;
}
