/*
 * An export session: `<dest>/<label>.partial/` made by descriptor in a
 * folder no one else can change, filled as stdin asks (folders, copied
 * files with their SHA-256, small text files), then renamed to `<label>`
 * without ever replacing anything. Any failure, a cancel (SIGTERM) or the
 * app going away before "publish" removes the partial folder; if even that
 * fails it keeps its name and gets a PARTIAL-DO-NOT-USE note.
 *
 * stdin: records of NUL-terminated fields:
 *   dir REL            a folder (0700), its parents made too
 *   file SOURCE REL    copy SOURCE (a regular file, not a link) to REL, 0600
 *   text REL LEN       then LEN bytes: a small file written as given
 *   publish            fsync everything, rename, fsync the destination
 * stdout: {"partial":PATH} once it is made, {"file":I,"bytes":N,"sha256":"..."} per file (I counts from 0),
 * {"done":BYTES} at most every 100 ms, then {"ok":true,"directory":...} or
 * one error line.
 */
#ifndef FF_FSOPS_EXPORT_H
#define FF_FSOPS_EXPORT_H

#include <signal.h>

#include "out.h"

extern volatile sig_atomic_t fsops_stop;

int export_session(const char *dest, const char *label, struct fs_error *e);

#endif
