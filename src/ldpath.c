/* SPDX-License-Identifier: MIT */
/* Library search (see include/wheelaudit/ldpath.h); being written. */
#include "wheelaudit/ldpath.h"

#include <stdlib.h>

int wa_ld_config_load(struct wa_ld_config **out, const struct wa_ld_options *opt,
		      struct wa_error *err)
{
	(void)opt;
	*out = NULL;
	return wa_error_set(err, WA_EINTERNAL, NULL, "the library search is not written yet");
}

void wa_ld_config_free(struct wa_ld_config *cfg)
{
	free(cfg);
}

int wa_ld_find(const struct wa_ld_config *cfg, const struct wa_ld_request *req,
	       const char *needed, char **path, const char **why, struct wa_error *err)
{
	(void)cfg;
	(void)req;
	(void)needed;
	(void)err;
	*path = NULL;
	if (why)
		*why = NULL;
	return 0;
}

char *wa_ld_expand(const struct wa_ld_request *req, const char *entry, bool *skip,
		   struct wa_error *err)
{
	(void)req;
	(void)entry;
	(void)err;
	*skip = true;
	return NULL;
}

size_t wa_ld_system_dirs(const struct wa_ld_config *cfg, const struct wa_ld_request *req,
			 const char *const **dirs)
{
	(void)cfg;
	(void)req;
	*dirs = NULL;
	return 0;
}
