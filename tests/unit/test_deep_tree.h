/*
 * test_deep_tree.h - a fixture shared by the unit tests of tree walking
 * and removal (test_util.c, test_workspace.c): a chain of nested folders
 * far deeper than PATH_MAX allows to name, built with mkdirat so that no
 * path is ever spelled out. Include after <cmocka.h>.
 */
#ifndef TEST_DEEP_TREE_H
#define TEST_DEEP_TREE_H

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

/* Build `levels` nested folders named `name` under dir and a file
 * "bottom.bin" of `bytes` bytes (sparse) at the bottom. Cannot fail
 * (asserts). */
static inline void deep_chain(const char *dir, int levels, const char *name, size_t bytes) {
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    assert_true(fd >= 0);
    for (int i = 0; i < levels; i++) {
        assert_int_equal(mkdirat(fd, name, 0700), 0);
        int sub = openat(fd, name, O_RDONLY | O_DIRECTORY);
        assert_true(sub >= 0);
        close(fd);
        fd = sub;
    }
    int f = openat(fd, "bottom.bin", O_WRONLY | O_CREAT, 0600);
    assert_true(f >= 0);
    assert_int_equal(ftruncate(f, (off_t)bytes), 0);
    close(f);
    close(fd);
}

#endif
