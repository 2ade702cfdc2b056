// SPDX-License-Identifier: GPL-2.0-only
/*
 * havz-dirtier: the benchmark's workload. Holds MIB MiB of memory, touched
 * once, then dirties KIB KiB of it every 100 ms, moving through it in a
 * ring, and counts its rounds in memory (written to FILE every second).
 *
 * Usage: havz-dirtier MIB KIB FILE
 *
 * Freestanding (x86-64 Linux system calls, no libc): a few KiB, so that the
 * lab pushes it into a VM over its serial control channel in a moment.
 */
#include <stddef.h>

#define SYS_WRITE 1
#define SYS_OPEN 2
#define SYS_CLOSE 3
#define SYS_MMAP 9
#define SYS_NANOSLEEP 35
#define SYS_EXIT 60

static long sys3(long n, long a, long b, long c)
{
	long ret;

	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(n), "D"(a), "S"(b), "d"(c)
			 : "rcx", "r11", "memory");
	return ret;
}

static long sys6(long n, long a, long b, long c, long d, long e, long f)
{
	long ret;
	register long r10 __asm__("r10") = d;
	register long r8 __asm__("r8") = e;
	register long r9 __asm__("r9") = f;

	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return ret;
}

static unsigned long number(const char *s)
{
	unsigned long v = 0;

	while (*s >= '0' && *s <= '9')
		v = v * 10 + (unsigned long)(*s++ - '0');
	return v;
}

static void save(const char *path, unsigned long v)
{
	char buf[24];
	int n = (int)sizeof(buf);
	long fd;

	buf[--n] = '\n';
	do {
		buf[--n] = (char)('0' + v % 10);
		v /= 10;
	} while (v && n > 0);
	fd = sys3(SYS_OPEN, (long)path, 01 | 0100 | 01000, 0644); /* O_WRONLY|O_CREAT|O_TRUNC */
	if (fd >= 0) {
		sys3(SYS_WRITE, fd, (long)(buf + n), (long)sizeof(buf) - n);
		sys3(SYS_CLOSE, fd, 0, 0);
	}
}

int dirtier_main(long argc, char **argv);
int dirtier_main(long argc, char **argv)
{
	struct {
		long sec, nsec;
	} tick = { 0, 100L * 1000 * 1000 };
	unsigned long size, chunk, at = 0, rounds = 0;
	volatile unsigned char *mem;

	if (argc != 4)
		return 2;
	size = number(argv[1]) << 20;
	chunk = number(argv[2]) << 10;
	if (!size || !chunk || chunk > size)
		return 2;
	/* PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS */
	mem = (volatile unsigned char *)sys6(SYS_MMAP, 0, (long)size, 3, 0x22, -1, 0);
	if ((long)mem < 0 && (long)mem > -4096)
		return 1;
	for (unsigned long i = 0; i < size; i += 4096)
		mem[i] = 1;
	for (;;) {
		for (unsigned long i = 0; i < chunk; i += 4096)
			mem[(at + i) % size] = (unsigned char)rounds;
		at = (at + chunk) % size;
		if (++rounds % 10 == 0)
			save(argv[3], rounds);
		sys3(SYS_NANOSLEEP, (long)&tick, 0, 0);
	}
}

/* The entry point: argc and argv from the initial stack. */
__asm__(".text\n.global _start\n_start:\n"
	"xor %rbp, %rbp\nmov (%rsp), %rdi\nlea 8(%rsp), %rsi\nand $-16, %rsp\n"
	"call dirtier_main\nmov %rax, %rdi\nmov $60, %rax\nsyscall\n");
