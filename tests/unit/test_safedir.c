/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
/*
 * L10 of ../shared/reviews/security-2026-12-02.md: a chroot directory is
 * checked up to / (os_safe_dir(), used by priv at start and by every
 * backend's privilege drop), not only its last component.  A sticky
 * directory above it (/tmp) is accepted.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "os.h"
#include "t.h"

int
main(void)
{
	char dir[] = "/tmp/test_safedir.XXXXXX", sub[64];
	struct stat st;

	CHECK(os_safe_dir("/") == 0);
	CHECK(os_safe_dir("relative/dir") == -1 && errno == EINVAL);
	CHECK(os_safe_dir("/etc/passwd") == -1 && errno == ENOTDIR);
	CHECK(os_safe_dir("/nonexistent.test_safedir/x") == -1 &&
	    errno == ENOENT);
	/* /usr is root's and 755 on any sane system; trailing slashes too */
	if (stat("/usr", &st) == 0 && st.st_uid == 0 &&
	    (st.st_mode & 022) == 0) {
		CHECK(os_safe_dir("/usr") == 0);
		CHECK(os_safe_dir("/usr//") == 0);
	}
	/*
	 * A directory of root's, mode 755, in a directory others can write
	 * (/tmp, 1777): the last component alone would pass.
	 */
	CHECK(mkdtemp(dir) != NULL);
	(void)snprintf(sub, sizeof(sub), "%s/root", dir);
	CHECK(mkdir(sub, 0755) == 0 && chmod(dir, 0777) == 0);
	if (stat("/tmp", &st) == 0 && (st.st_mode & 002) != 0)
		CHECK(os_safe_dir("/tmp") == -1 && errno == EPERM);
	CHECK(os_safe_dir(sub) == -1 && errno == EPERM);
	/* a sticky one (like /tmp) is fine: nobody can move root's entry */
	CHECK(chmod(dir, 01777) == 0);
	if (geteuid() == 0 && stat("/tmp", &st) == 0 && st.st_uid == 0 &&
	    (st.st_mode & 01000) != 0)
		CHECK(os_safe_dir(sub) == 0);
	CHECK(os_safe_dir(dir) == -1 && errno == EPERM);  /* but not as root */
	CHECK(chmod(dir, 0755) == 0);
	/* the directory itself group-writable */
	CHECK(chmod(sub, 0775) == 0);
	CHECK(os_safe_dir(sub) == -1 && errno == EPERM);
	(void)rmdir(sub);
	(void)rmdir(dir);
	return T_DONE();
}
