/* lab-ctl: runs one shell command in a lab VM through its control agent.
 *
 * The agent (tests/lab/guest/havz-agent) listens on the VM's second serial port, which qemu
 * exposes as a unix socket. Protocol, one line each way:
 *   host:  ID BASE64(COMMAND)
 *   guest: =ID BEGIN, then BASE64(OUTPUT) lines, then =ID END STATUS
 * Output the guest writes before we connect is lost, so we ping ("true") until it answers.
 *
 * Usage: lab-ctl SOCKET TIMEOUT_SECONDS COMMAND
 * Prints the command's output (stdout and stderr merged) and exits with its status;
 * 124 on timeout, 125 on a usage or connection error.
 *
 * Usage: lab-ctl -r SOCKET
 * Reads the lines a guest writes on another serial port (tests/lab/guest/havz-sampler) and
 * prints each with the host's CLOCK_REALTIME seconds in front, as it arrives; connects again
 * when the VM goes away and comes back. Runs until killed.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define EXIT_TIMEOUT 124
#define EXIT_ERROR 125

static char rbuf[1 << 16];
static size_t rlen;

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char b64chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static char *b64_encode(const char *in, size_t n)
{
	char *out = malloc((n + 2) / 3 * 4 + 1);
	size_t o = 0;
	if (!out)
		return NULL;
	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned char)in[i] << 16;
		if (i + 1 < n)
			v |= (unsigned char)in[i + 1] << 8;
		if (i + 2 < n)
			v |= (unsigned char)in[i + 2];
		out[o++] = b64chars[(v >> 18) & 63];
		out[o++] = b64chars[(v >> 12) & 63];
		out[o++] = i + 1 < n ? b64chars[(v >> 6) & 63] : '=';
		out[o++] = i + 2 < n ? b64chars[v & 63] : '=';
	}
	out[o] = '\0';
	return out;
}

/* Decodes one base64 line to stdout; ignores characters outside the alphabet. */
static void b64_decode_out(const char *s)
{
	unsigned v = 0;
	int bits = 0;
	for (; *s && *s != '='; s++) {
		const char *p = strchr(b64chars, *s);
		if (!p)
			continue;
		v = (v << 6) | (unsigned)(p - b64chars);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			putchar((int)((v >> bits) & 0xff));
		}
	}
}

static int write_all(int fd, const char *s, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, s, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Reads one line (without the newline) into line; waits until the deadline at most.
 * Returns 1 for a line, 0 on timeout, -1 on EOF or error. */
static int read_line(int fd, double deadline, char *line, size_t cap)
{
	for (;;) {
		char *nl = memchr(rbuf, '\n', rlen);
		if (nl) {
			size_t n = (size_t)(nl - rbuf);
			size_t c = n < cap - 1 ? n : cap - 1;
			memcpy(line, rbuf, c);
			line[c] = '\0';
			if (c > 0 && line[c - 1] == '\r')
				line[c - 1] = '\0';
			memmove(rbuf, nl + 1, rlen - n - 1);
			rlen -= n + 1;
			return 1;
		}
		if (rlen == sizeof(rbuf))
			rlen = 0; /* an absurdly long line: drop it */
		double left = deadline - now();
		if (left <= 0)
			return 0;
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		int pr = poll(&pfd, 1, (int)(left * 1000) + 1);
		if (pr < 0 && errno == EINTR)
			continue;
		if (pr < 0)
			return -1;
		if (pr == 0)
			return 0;
		ssize_t r = read(fd, rbuf + rlen, sizeof(rbuf) - rlen);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		rlen += (size_t)r;
	}
}

static int connect_until(const char *path, double deadline)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	if (strlen(path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "lab-ctl: socket path too long: %s\n", path);
		return -1;
	}
	strcpy(sa.sun_path, path);
	while (now() < deadline) {
		int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0)
			return -1;
		if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
			return fd;
		close(fd);
		usleep(100 * 1000);
	}
	return -1;
}

static double realtime(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int stream_lines(const char *path)
{
	static char line[4096];
	for (;;) {
		int fd = connect_until(path, now() + 86400);
		if (fd < 0)
			return EXIT_ERROR;
		rlen = 0;
		while (read_line(fd, now() + 86400, line, sizeof(line)) == 1) {
			if (line[0] == '\0')
				continue;
			printf("%.3f %s\n", realtime(), line);
			fflush(stdout);
		}
		close(fd);
		usleep(200 * 1000);
	}
}

int main(int argc, char **argv)
{
	static char line[1 << 16];
	if (argc == 3 && strcmp(argv[1], "-r") == 0)
		return stream_lines(argv[2]);
	if (argc != 4) {
		fprintf(stderr, "usage: lab-ctl SOCKET TIMEOUT_SECONDS COMMAND\n");
		return EXIT_ERROR;
	}
	double timeout = strtod(argv[2], NULL);
	if (timeout <= 0) {
		fprintf(stderr, "lab-ctl: bad timeout: %s\n", argv[2]);
		return EXIT_ERROR;
	}
	double deadline = now() + timeout;
	int fd = connect_until(argv[1], deadline);
	if (fd < 0) {
		fprintf(stderr, "lab-ctl: cannot connect to %s\n", argv[1]);
		return EXIT_TIMEOUT;
	}

	/* Ping until the agent answers: anything sent before we connected is lost. An answer to
	 * any of our pings will do: the agent answers them one by one, and while it boots or is
	 * busy they queue up. The pause between pings grows, so that a slow agent does not get
	 * further behind with each one. */
	long pid = (long)getpid();
	int ok = 0;
	double pause = 1.0;
	char end[80];
	snprintf(end, sizeof(end), "=p%ld_", pid);
	for (int n = 0; !ok && now() < deadline; n++) {
		char id[64], msg[128];
		snprintf(id, sizeof(id), "p%ld_%d", pid, n);
		snprintf(msg, sizeof(msg), "\n%s dHJ1ZQ==\n", id);
		if (write_all(fd, msg, strlen(msg)) < 0) {
			fprintf(stderr, "lab-ctl: connection lost\n");
			return EXIT_ERROR;
		}
		double until = now() + pause;
		if (until > deadline)
			until = deadline;
		if (pause < 8.0)
			pause *= 2;
		int r;
		while ((r = read_line(fd, until, line, sizeof(line))) == 1) {
			if (strncmp(line, end, strlen(end)) == 0 && strstr(line, " END ")) {
				ok = 1;
				break;
			}
		}
		if (r < 0) {
			fprintf(stderr, "lab-ctl: connection lost\n");
			return EXIT_ERROR;
		}
	}
	if (!ok) {
		fprintf(stderr, "lab-ctl: agent did not answer within %ss\n", argv[2]);
		return EXIT_TIMEOUT;
	}

	char id[64], begin[80];
	snprintf(id, sizeof(id), "c%ld_%ld", pid, (long)time(NULL));
	snprintf(begin, sizeof(begin), "=%s BEGIN", id);
	snprintf(end, sizeof(end), "=%s END ", id);
	char *enc = b64_encode(argv[3], strlen(argv[3]));
	if (!enc)
		return EXIT_ERROR;
	/* The agent kills the command a little before we give up on it. */
	long guest_secs = (long)(deadline - now()) - 1;
	if (guest_secs < 1)
		guest_secs = 1;
	size_t mlen = strlen(id) + strlen(enc) + 32;
	char *msg = malloc(mlen);
	if (!msg)
		return EXIT_ERROR;
	snprintf(msg, mlen, "%s %s %ld\n", id, enc, guest_secs);
	if (write_all(fd, msg, strlen(msg)) < 0) {
		fprintf(stderr, "lab-ctl: connection lost\n");
		return EXIT_ERROR;
	}
	free(msg);
	free(enc);
	int in_output = 0;
	for (;;) {
		int r = read_line(fd, deadline, line, sizeof(line));
		if (r == 0) {
			fflush(stdout);
			fprintf(stderr, "lab-ctl: command timed out after %ss\n", argv[2]);
			return EXIT_TIMEOUT;
		}
		if (r < 0) {
			fflush(stdout);
			fprintf(stderr, "lab-ctl: connection lost\n");
			return EXIT_ERROR;
		}
		if (strcmp(line, begin) == 0) {
			in_output = 1;
		} else if (strncmp(line, end, strlen(end)) == 0) {
			fflush(stdout);
			close(fd);
			return atoi(line + strlen(end));
		} else if (in_output) {
			b64_decode_out(line);
		}
	}
}
