/* SPDX-License-Identifier: MIT */
/* Program entry for the cross toolchains that have the target's libc.so.6
 * (for qemu) but no crt1.o: _start passes the initial stack pointer to
 * _start_c, which calls main and exit().  The dynamic loader has run libc's
 * initialisers by then. */
int main(int argc, char **argv);
void exit(int status) __attribute__((noreturn));

__attribute__((noreturn, used)) void _start_c(long *sp)
{
	exit(main((int)sp[0], (char **)(sp + 1)));
}

#if defined(__aarch64__)
__asm__(".text\n.global _start\n.type _start,%function\n_start:\n"
	"\tmov x29, #0\n\tmov x30, #0\n\tmov x0, sp\n\tb _start_c\n");
#elif defined(__arm__)
__asm__(".text\n.global _start\n.type _start,%function\n_start:\n"
	"\tmov fp, #0\n\tmov lr, #0\n\tmov r0, sp\n\tb _start_c\n");
#else
#error "no _start for this architecture"
#endif
