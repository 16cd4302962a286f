/* SPDX-License-Identifier: GPL-2.0 */
/* Test helper: the text of a file of the source tree. */
#ifndef PASSVM_TESTS_TREE_TEXT_H
#define PASSVM_TESTS_TREE_TEXT_H

/*
 * tree_text() - the whole of @path (relative to the top of the tree, where
 * make unit runs the tests) as a NUL-terminated string the caller frees;
 * a file that cannot be read fails the test, naming it.
 */
char *tree_text(const char *path);

#endif
