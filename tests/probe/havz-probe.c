/* havz-probe: the lab's RPO/RTO probe.
 *
 *   havz-probe serve -p PORT -f FILE
 *       Runs inside the container. Accepts TCP clients; for each line "RUN SEQ CHECK" it appends
 *       the line to FILE, fsyncs it, and only then answers "ACK SEQ".
 *   havz-probe client -a IPV4:PORT -r RUN -l ACKLOG [-i MS] [-t SECONDS]
 *       Runs outside the container. Sends records 1, 2, ... one at a time; a record counts as
 *       acknowledged only on its ACK, and is then logged to ACKLOG as "SEQ MONOTONIC_SECONDS".
 *       On a broken connection or a timeout it reconnects and sends the same record again.
 *       Stops after SECONDS (default: never) or on SIGTERM/SIGINT.
 *   havz-probe verify -f FILE -l ACKLOG -r RUN
 *       Every acknowledged record must be in FILE, intact. Prints acked, present, lost, corrupt;
 *       exits 1 if any acknowledged record is lost or corrupt (RPO > 0).
 *   havz-probe rto -l ACKLOG -k FAULT_MONOTONIC_SECONDS
 *       Prints the last acknowledgement before the fault, the first after it, the longest
 *       outage after the fault (outage_from, outage_to) and the RTO (that outage's length), all
 *       in seconds of the client's CLOCK_MONOTONIC. The longest gap, not the first ack: after
 *       some faults (heartbeat killed, links up) the old primary still acknowledges writes
 *       until it is fenced, and the clients' outage comes only then.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
	(void)sig;
	stop_flag = 1;
}

static double mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The record check: FNV-1a 64 over "RUN SEQ". */
static uint64_t check_of(const char *run, unsigned long seq)
{
	char buf[160];
	int n = snprintf(buf, sizeof(buf), "%s %lu", run, seq);
	uint64_t h = 1469598103934665603ULL;
	for (int i = 0; i < n && i < (int)sizeof(buf); i++) {
		h ^= (unsigned char)buf[i];
		h *= 1099511628211ULL;
	}
	return h;
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

static void usage(void)
{
	fprintf(stderr,
		"usage: havz-probe serve -p PORT -f FILE\n"
		"       havz-probe client -a IPV4:PORT -r RUN -l ACKLOG [-i MS] [-t SECONDS]\n"
		"       havz-probe verify -f FILE -l ACKLOG -r RUN\n"
		"       havz-probe rto -l ACKLOG -k FAULT_MONOTONIC_SECONDS\n");
	exit(2);
}

/* ---- serve ---- */

static void serve_client(int cfd, int dfd)
{
	char buf[4096];
	size_t len = 0;
	for (;;) {
		ssize_t r = read(cfd, buf + len, sizeof(buf) - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return;
		len += (size_t)r;
		char *nl;
		while ((nl = memchr(buf, '\n', len)) != NULL) {
			size_t n = (size_t)(nl - buf) + 1;
			char run[64];
			unsigned long seq;
			char ack[64];
			if (n < 200 && sscanf(buf, "%63s %lu", run, &seq) == 2) {
				if (write_all(dfd, buf, n) < 0 || fsync(dfd) < 0) {
					perror("havz-probe serve: write/fsync");
					exit(1);
				}
				int an = snprintf(ack, sizeof(ack), "ACK %lu\n", seq);
				if (write_all(cfd, ack, (size_t)an) < 0)
					return;
			}
			memmove(buf, buf + n, len - n);
			len -= n;
		}
		if (len == sizeof(buf))
			len = 0;
	}
}

static int cmd_serve(int argc, char **argv)
{
	int port = 0, opt;
	const char *file = NULL;
	while ((opt = getopt(argc, argv, "p:f:")) != -1) {
		if (opt == 'p')
			port = atoi(optarg);
		else if (opt == 'f')
			file = optarg;
		else
			usage();
	}
	if (port <= 0 || port > 65535 || !file)
		usage();
	int dfd = open(file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (dfd < 0) {
		perror(file);
		return 1;
	}
	int lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int one = 1;
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	sa.sin_addr.s_addr = htonl(INADDR_ANY);
	if (bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(lfd, 8) < 0) {
		perror("havz-probe serve: bind/listen");
		return 1;
	}
	signal(SIGPIPE, SIG_IGN);
	fprintf(stderr, "havz-probe serve: port %d, file %s\n", port, file);
	for (;;) {
		int cfd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		if (cfd < 0) {
			if (errno == EINTR)
				continue;
			perror("havz-probe serve: accept");
			return 1;
		}
		setsockopt(cfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		serve_client(cfd, dfd);
		close(cfd);
	}
}

/* ---- client ---- */

static int connect_timeout(const struct sockaddr_in *sa, int ms)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) < 0 && errno != EINPROGRESS) {
		close(fd);
		return -1;
	}
	struct pollfd p = { .fd = fd, .events = POLLOUT };
	int err = 0;
	socklen_t el = sizeof(err);
	if (poll(&p, 1, ms) != 1 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el) < 0 || err) {
		close(fd);
		return -1;
	}
	int fl = fcntl(fd, F_GETFL);
	fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return fd;
}

/* Waits for "ACK SEQ" within ms; 1 when it came, 0 otherwise (the connection is then unusable). */
static int wait_ack(int fd, unsigned long seq, int ms)
{
	char buf[256];
	size_t len = 0;
	double deadline = mono() + ms / 1000.0;
	while (!stop_flag) {
		int left = (int)((deadline - mono()) * 1000);
		if (left <= 0)
			return 0;
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int pr = poll(&p, 1, left);
		if (pr < 0 && errno == EINTR)
			continue;
		if (pr <= 0)
			return 0;
		ssize_t r = read(fd, buf + len, sizeof(buf) - 1 - len);
		if (r <= 0)
			return 0;
		len += (size_t)r;
		buf[len] = '\0';
		char *nl;
		while ((nl = strchr(buf, '\n')) != NULL) {
			unsigned long a;
			*nl = '\0';
			int match = sscanf(buf, "ACK %lu", &a) == 1 && a == seq;
			size_t n = (size_t)(nl - buf) + 1;
			memmove(buf, buf + n, len - n + 1);
			len -= n;
			if (match)
				return 1;
		}
		if (len >= sizeof(buf) - 1)
			len = 0;
	}
	return 0;
}

static int cmd_client(int argc, char **argv)
{
	const char *addr = NULL, *run = NULL, *ackpath = NULL;
	int interval_ms = 50, opt;
	double duration = 0;
	while ((opt = getopt(argc, argv, "a:r:l:i:t:")) != -1) {
		switch (opt) {
		case 'a': addr = optarg; break;
		case 'r': run = optarg; break;
		case 'l': ackpath = optarg; break;
		case 'i': interval_ms = atoi(optarg); break;
		case 't': duration = atof(optarg); break;
		default: usage();
		}
	}
	if (!addr || !run || !ackpath || strlen(run) > 60 || strchr(run, ' '))
		usage();
	char host[64];
	const char *colon = strrchr(addr, ':');
	if (!colon || (size_t)(colon - addr) >= sizeof(host))
		usage();
	memcpy(host, addr, (size_t)(colon - addr));
	host[colon - addr] = '\0';
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_port = htons((uint16_t)atoi(colon + 1)) };
	if (inet_pton(AF_INET, host, &sa.sin_addr) != 1)
		usage();
	FILE *ack = fopen(ackpath, "a");
	if (!ack) {
		perror(ackpath);
		return 1;
	}
	setvbuf(ack, NULL, _IOLBF, 0);
	struct sigaction sact = { .sa_handler = on_signal };
	sigaction(SIGTERM, &sact, NULL);
	sigaction(SIGINT, &sact, NULL);
	signal(SIGPIPE, SIG_IGN);

	double start = mono();
	unsigned long seq = 1, acked = 0, reconnects = 0;
	int fd = -1, down = 0;
	while (!stop_flag && (duration <= 0 || mono() - start < duration)) {
		if (fd < 0) {
			fd = connect_timeout(&sa, 2000);
			if (fd < 0) {
				if (!down)
					fprintf(stderr, "%.3f connect to %s failed\n", mono(),
						addr);
				down = 1;
				usleep(100 * 1000);
				continue;
			}
			fprintf(stderr, "%.3f connected to %s\n", mono(), addr);
			down = 0;
			reconnects++;
		}
		char line[160];
		int n = snprintf(line, sizeof(line), "%s %lu %016" PRIx64 "\n", run, seq,
				 check_of(run, seq));
		if (write_all(fd, line, (size_t)n) < 0 || !wait_ack(fd, seq, 5000)) {
			fprintf(stderr, "%.3f no ACK for record %lu: reconnecting\n", mono(), seq);
			close(fd);
			fd = -1;
			continue; /* the same record again on a new connection */
		}
		fprintf(ack, "%lu %.3f\n", seq, mono());
		acked = seq;
		seq++;
		if (interval_ms > 0)
			usleep((useconds_t)interval_ms * 1000);
	}
	if (fd >= 0)
		close(fd);
	fclose(ack);
	printf("acked=%lu connections=%lu\n", acked, reconnects);
	return 0;
}

/* ---- verify, rto ---- */

static int cmd_verify(int argc, char **argv)
{
	const char *file = NULL, *ackpath = NULL, *run = NULL;
	int opt;
	while ((opt = getopt(argc, argv, "f:l:r:")) != -1) {
		if (opt == 'f')
			file = optarg;
		else if (opt == 'l')
			ackpath = optarg;
		else if (opt == 'r')
			run = optarg;
		else
			usage();
	}
	if (!file || !ackpath || !run)
		usage();
	FILE *a = fopen(ackpath, "r");
	if (!a) {
		perror(ackpath);
		return 2;
	}
	unsigned long s, max_acked = 0;
	double t;
	while (fscanf(a, "%lu %lf", &s, &t) == 2)
		if (s > max_acked)
			max_acked = s;
	fclose(a);
	unsigned char *seen = calloc(max_acked + 1, 1);
	if (!seen)
		return 2;
	FILE *d = fopen(file, "r");
	if (!d) {
		perror(file);
		free(seen);
		return 2;
	}
	char line[256];
	unsigned long corrupt = 0;
	while (fgets(line, sizeof(line), d)) {
		char r[64];
		unsigned long seq;
		uint64_t chk;
		if (sscanf(line, "%63s %lu %" SCNx64, r, &seq, &chk) != 3) {
			corrupt++;
			continue;
		}
		if (strcmp(r, run) != 0)
			continue;
		if (chk != check_of(run, seq)) {
			corrupt++;
			continue;
		}
		if (seq <= max_acked)
			seen[seq] = 1;
	}
	fclose(d);
	unsigned long present = 0;
	for (unsigned long i = 1; i <= max_acked; i++)
		present += seen[i];
	free(seen);
	unsigned long lost = max_acked - present;
	printf("acked=%lu present=%lu lost=%lu corrupt=%lu\n", max_acked, present, lost, corrupt);
	return lost || corrupt ? 1 : 0;
}

static int cmd_rto(int argc, char **argv)
{
	const char *ackpath = NULL;
	double fault = -1;
	int opt;
	while ((opt = getopt(argc, argv, "l:k:")) != -1) {
		if (opt == 'l')
			ackpath = optarg;
		else if (opt == 'k')
			fault = atof(optarg);
		else
			usage();
	}
	if (!ackpath || fault < 0)
		usage();
	FILE *a = fopen(ackpath, "r");
	if (!a) {
		perror(ackpath);
		return 2;
	}
	unsigned long s;
	double t, before = -1, after = -1, prev = -1;
	double gap = -1, gap_from = -1, gap_to = -1;
	while (fscanf(a, "%lu %lf", &s, &t) == 2) {
		if (t <= fault) {
			before = t;
		} else {
			if (after < 0)
				after = t;
			/* The outage counts from the fault, not from an ack before it. */
			double from = prev > fault ? prev : fault;
			if (t - from > gap) {
				gap = t - from;
				gap_from = from;
				gap_to = t;
			}
		}
		prev = t;
	}
	fclose(a);
	if (after < 0) {
		printf("last_before=%.3f first_after=none rto=none\n", before);
		return 1;
	}
	printf("last_before=%.3f first_after=%.3f outage_from=%.3f outage_to=%.3f rto=%.2f\n",
	       before, after, gap_from, gap_to, gap);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		usage();
	const char *cmd = argv[1];
	argc--;
	argv++;
	if (strcmp(cmd, "serve") == 0)
		return cmd_serve(argc, argv);
	if (strcmp(cmd, "client") == 0)
		return cmd_client(argc, argv);
	if (strcmp(cmd, "verify") == 0)
		return cmd_verify(argc, argv);
	if (strcmp(cmd, "rto") == 0)
		return cmd_rto(argc, argv);
	usage();
	return 2;
}
