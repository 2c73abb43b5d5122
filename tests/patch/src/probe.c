/* SPDX-License-Identifier: MIT */
/* probe LIB SYMBOL ARG: dlopen(LIB) with RTLD_NOW, calls int SYMBOL(int ARG)
 * and prints "SYMBOL(ARG) = RESULT"; exit 2 (with dlerror() on stderr) on
 * failure.  No #include: cross toolchains without libc headers build it too
 * (RTLD_NOW is 2 in glibc and musl). */
void *dlopen(const char *file, int mode);
void *dlsym(void *handle, const char *name);
char *dlerror(void);
int printf(const char *fmt, ...);
int dprintf(int fd, const char *fmt, ...);
int atoi(const char *s);

int main(int argc, char **argv)
{
	void *h;
	int (*fn)(int);
	int arg;

	if (argc != 4) {
		dprintf(2, "usage: probe LIB SYMBOL ARG\n");
		return 2;
	}
	h = dlopen(argv[1], 2);
	if (!h) {
		dprintf(2, "dlopen: %s\n", dlerror());
		return 2;
	}
	*(void **)&fn = dlsym(h, argv[2]);
	if (!fn) {
		dprintf(2, "dlsym: %s\n", dlerror());
		return 2;
	}
	arg = atoi(argv[3]);
	printf("%s(%d) = %d\n", argv[2], arg, fn(arg));
	return 0;
}
