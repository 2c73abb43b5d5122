/* SPDX-License-Identifier: MIT */
/* probe MODULE: dlopen(MODULE, RTLD_NOW), dlsym("core_value"), prints
 * "core_value() = N" and exits 0 when N is 4242, 3 when it is another value,
 * 2 (dlerror() on stderr) when the module does not load.  No #include, so the
 * cross toolchains without libc headers build it (RTLD_NOW is 2 in glibc and
 * musl); glibc >= 2.34 and musl have dlopen in libc. */
void *dlopen(const char *file, int mode);
void *dlsym(void *handle, const char *name);
char *dlerror(void);
int printf(const char *fmt, ...);
int dprintf(int fd, const char *fmt, ...);

int main(int argc, char **argv)
{
	void *h;
	int (*fn)(void);
	int v;

	if (argc != 2) {
		dprintf(2, "usage: probe MODULE\n");
		return 2;
	}
	h = dlopen(argv[1], 2);
	if (!h) {
		dprintf(2, "dlopen: %s\n", dlerror());
		return 2;
	}
	*(void **)&fn = dlsym(h, "core_value");
	if (!fn) {
		dprintf(2, "dlsym: %s\n", dlerror());
		return 2;
	}
	v = fn();
	printf("core_value() = %d\n", v);
	return v == 4242 ? 0 : 3;
}
