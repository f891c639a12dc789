/* glass_check.c - validate a glass database's version file before Xapian
 * reads it.
 *
 * Xapian 1.4 trusts the root information in the version file `iamglass`:
 * one flipped bit in a table's B-tree level makes it index its cursor
 * array out of bounds and crash the process.  This check reads what Xapian
 * will read and refuses values it cannot survive.
 *
 * Format of iamglass (glass_version.cc, format 2016-03-14):
 *   14 bytes magic "\x0f\x0dXapian Glass", 2 bytes format version,
 *   16 bytes UUID, revision (uint),
 *   for each table (postlist, docdata, termlist, position, spelling,
 *   synonym): root block (uint), flags (uint: level << 2 | sequential << 1
 *   | root_is_fake), entry count (uint), block size >> 11 (uint),
 *   compress_min (uint), free list (uint length + bytes),
 *   then statistics (uints).
 * A uint is little-endian base 128, the high bit of a byte meaning "more".
 * Each table's root block starts with its revision (4 bytes, big-endian)
 * and level (1 byte). */
#include "glass_check.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum { MAX_LEVELS = 10 }; /* BTREE_CURSOR_LEVELS */

static const char *const TABLES[] = {"postlist", "docdata", "termlist",
                                     "position", "spelling", "synonym"};

static int get_uint(const unsigned char **p, const unsigned char *end, uint64_t *out)
{
    uint64_t v = 0;
    for (int shift = 0; *p < end && shift < 64; shift += 7) {
        unsigned char b = *(*p)++;
        v |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) {
            *out = v;
            return 0;
        }
    }
    return -1;
}

/* Compare the table file's root block with what the version file says. */
static int check_root(const char *dir, const char *table, uint64_t root, unsigned level,
                      uint64_t blocksize, uint64_t rev, zerr *e)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s.glass", dir, table);
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        zerr_set(e, ZERR_CORRUPT, "%s: %s", path, strerror(errno));
        return -1;
    }
    struct stat st;
    unsigned char head[5];
    int rc = -1;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
        zerr_set(e, ZERR_CORRUPT, "%s: not a regular file", path);
    else if (root >= (uint64_t)st.st_size / blocksize)
        zerr_set(e, ZERR_CORRUPT, "%s: root block %llu is past the end of the file", path,
                 (unsigned long long)root);
    else if (pread(fd, head, sizeof head, (off_t)(root * blocksize)) != (ssize_t)sizeof head)
        zerr_set(e, ZERR_CORRUPT, "%s: cannot read root block %llu", path,
                 (unsigned long long)root);
    else if (head[4] != level)
        zerr_set(e, ZERR_CORRUPT, "%s: root block is at level %u, the version file says %u",
                 path, head[4], level);
    else if (((uint64_t)head[0] << 24 | (uint64_t)head[1] << 16 | head[2] << 8 | head[3]) > rev)
        zerr_set(e, ZERR_CORRUPT, "%s: root block is newer than the database revision", path);
    else
        rc = 0;
    close(fd);
    return rc;
}

zerr_code zg_check(const char *dir, zerr *e)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/iamglass", dir);
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return ZERR_OK; /* not a glass directory: Xapian says what it is */
    struct stat st;
    unsigned char buf[256];
    ssize_t got = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) ? read(fd, buf, sizeof buf) : -1;
    close(fd);
    if (got < 0) {
        return zerr_set(e, ZERR_CORRUPT, "%s: not a readable version file", path);
    }
    static const char magic[14] = "\x0f\x0dXapian Glass";
    if (got < 33 || memcmp(buf, magic, sizeof magic) != 0)
        return ZERR_OK; /* Xapian reports a wrong magic or version itself */
    const unsigned char *p = buf + 32, *end = buf + got;
    uint64_t rev;
    if (get_uint(&p, end, &rev) != 0) {
        return zerr_set(e, ZERR_CORRUPT, "%s: damaged revision", path);
    }
    for (size_t t = 0; t < sizeof TABLES / sizeof *TABLES; t++) {
        uint64_t root, flags, entries, bs, cmin, fl;
        if (get_uint(&p, end, &root) || get_uint(&p, end, &flags) ||
            get_uint(&p, end, &entries) || get_uint(&p, end, &bs) || get_uint(&p, end, &cmin) ||
            get_uint(&p, end, &fl) || fl > (uint64_t)(end - p)) {
            return zerr_set(e, ZERR_CORRUPT, "%s: damaged root information of the %s table", path,
                            TABLES[t]);
        }
        p += fl;
        uint64_t level = flags >> 2, blocksize = bs << 11;
        int fake = (int)(flags & 1);
        if (level >= MAX_LEVELS || blocksize < 2048 || blocksize > 65536 ||
            (blocksize & (blocksize - 1)) || (fake && level != 0)) {
            return zerr_set(e, ZERR_CORRUPT, "%s: impossible root information of the %s table",
                            path, TABLES[t]);
        }
        if (!fake && check_root(dir, TABLES[t], root, (unsigned)level, blocksize, rev, e))
            return ZERR_CORRUPT;
    }
    zerr_ok(e);
    return ZERR_OK;
}
