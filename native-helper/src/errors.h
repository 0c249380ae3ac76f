/* The closed set of protocol error codes (docs/helper-protocol.md). */
#ifndef FF_ERRORS_H
#define FF_ERRORS_H

enum ff_err {
	FF_OK = 0,
	FF_BAD_REQUEST,
	FF_UNKNOWN_OP,
	FF_NOT_FOUND,
	FF_NOT_A_MOUNTPOINT,
	FF_MOUNT_CHANGED,
	FF_HOLD_LIMIT,
	FF_UNSUPPORTED_FS,
	FF_ALREADY_FROZEN,
	FF_FROZEN_ELSEWHERE,
	FF_NOT_FROZEN,
	FF_NOT_HELD,
	FF_REFUSED_UNSAFE,
	FF_TIMEOUT_OUT_OF_RANGE,
	FF_PERMISSION_DENIED,
	FF_IO_ERROR,
};

/* "BAD_REQUEST", ... exactly as on the wire. */
const char *ff_err_name(enum ff_err code);

#endif
