/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
#include "config.h"

#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <limits.h>
#include <string.h>

#include "os.h"

/*
 * A chroot directory is safe if nobody but root can change what is in it
 * or what its path leads to (L10 of the security review): the directory
 * and every directory above it, up to /, are owned by root and writable
 * by neither group nor others.  A directory above may be writable by
 * others if it is sticky (/tmp): then nobody but root can rename or
 * remove root's entry in it.  stat(2) follows symbolic links: a link
 * found on the way sits in a directory checked here, so only root could
 * have put it there.  Checked from the directory itself upwards.
 */
int
os_safe_dir(const char *path)
{
	char		 buf[PATH_MAX];
	struct stat	 st;
	char		*slash;
	size_t		 len;
	int		 above;

	if (path == NULL || path[0] != '/') {
		errno = EINVAL;
		return -1;
	}
	if ((len = strlen(path)) >= sizeof(buf)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(buf, path, len + 1);
	for (above = 0;; above = 1) {
		while (len > 1 && buf[len - 1] == '/')	/* "a/b/" -> "a/b" */
			buf[--len] = '\0';
		if (stat(buf, &st) == -1)
			return -1;
		if (!S_ISDIR(st.st_mode)) {
			errno = ENOTDIR;
			return -1;
		}
		if (st.st_uid != 0 || ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0 &&
		    !(above && (st.st_mode & S_ISVTX) != 0))) {
			errno = EPERM;
			return -1;
		}
		if (len == 1)
			return 0;
		slash = strrchr(buf, '/');
		len = slash == buf ? 1 : (size_t)(slash - buf);
		buf[len] = '\0';
	}
}
