#include "errors.h"

const char *ff_err_name(enum ff_err code)
{
	switch (code) {
	case FF_OK:			return "OK";
	case FF_BAD_REQUEST:		return "BAD_REQUEST";
	case FF_UNKNOWN_OP:		return "UNKNOWN_OP";
	case FF_NOT_FOUND:		return "NOT_FOUND";
	case FF_NOT_A_MOUNTPOINT:	return "NOT_A_MOUNTPOINT";
	case FF_MOUNT_CHANGED:		return "MOUNT_CHANGED";
	case FF_HOLD_LIMIT:		return "HOLD_LIMIT";
	case FF_UNSUPPORTED_FS:		return "UNSUPPORTED_FS";
	case FF_ALREADY_FROZEN:		return "ALREADY_FROZEN";
	case FF_FROZEN_ELSEWHERE:	return "FROZEN_ELSEWHERE";
	case FF_NOT_FROZEN:		return "NOT_FROZEN";
	case FF_NOT_HELD:		return "NOT_HELD";
	case FF_REFUSED_UNSAFE:		return "REFUSED_UNSAFE";
	case FF_TIMEOUT_OUT_OF_RANGE:	return "TIMEOUT_OUT_OF_RANGE";
	case FF_PERMISSION_DENIED:	return "PERMISSION_DENIED";
	case FF_IO_ERROR:		return "IO_ERROR";
	}
	/* Not reachable with a valid enum; a reply must still carry a code. */
	return "IO_ERROR";
}
