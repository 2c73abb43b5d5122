/* SPDX-License-Identifier: MIT */
/*
 * Record signatures of the zip format (APPNOTE 4.3), shared by the reader
 * of raw entries (zip.c) and the writer (zipout.c).  Private to src/.
 */
#ifndef WHEELAUDIT_ZIP_FORMAT_H
#define WHEELAUDIT_ZIP_FORMAT_H

enum {
	ZIP_SIG_LOCAL = 0x04034b50,
	ZIP_SIG_CENTRAL = 0x02014b50,
	ZIP_SIG_EOCD = 0x06054b50,
	ZIP_SIG_EOCD64 = 0x06064b50,
	ZIP_SIG_EOCD64_LOCATOR = 0x07064b50,
	ZIP_SIG_DESCRIPTOR = 0x08074b50, /* optional first field of a data descriptor */
	ZIP_EXTRA_ZIP64 = 0x0001,        /* the ZIP64 extended-information extra field */
	ZIP_EXTRA_UNICODE_PATH = 0x7075, /* Info-ZIP Unicode Path: another name for the entry */
};

#endif
