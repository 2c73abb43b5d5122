/* SPDX-License-Identifier: MIT */
/* The ELF patcher (see include/wheelaudit/elfpatch.h); being written. */
#include "wheelaudit/elfpatch.h"

int wa_elf_patch(void **out, size_t *out_size, const void *in, size_t in_size,
		 const struct wa_elf_edit *edit, const char *member, struct wa_error *err)
{
	(void)in;
	(void)in_size;
	(void)edit;
	*out = NULL;
	*out_size = 0;
	return wa_error_set(err, WA_EINTERNAL, member, "the ELF patcher is not written yet");
}
