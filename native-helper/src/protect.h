/*
 * What keeps the helper and the guardian running when the system is short
 * of memory: shared by both processes.
 */
#ifndef FF_PROTECT_H
#define FF_PROTECT_H

/* oom_score_adj -1000 (needs CAP_SYS_RESOURCE). 0 or -errno. */
int protect_oom(void);

/* mlockall, current and future, locked as touched. 0 or -errno. */
int lock_memory(void);

#endif
