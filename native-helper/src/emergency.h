/*
 * Emergency modes for a person at a root shell, without the protocol:
 * --thaw PATH... and --thaw-all.
 */
#ifndef FF_EMERGENCY_H
#define FF_EMERGENCY_H

/* Exit status: 0 when every thaw succeeded or found nothing frozen. */
int emergency_thaw(int npaths, char **paths);
int emergency_thaw_all(void);

#endif
