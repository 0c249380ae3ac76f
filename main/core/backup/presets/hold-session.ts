/**
 * The held session every preset hook runs: one client session of the
 * database's own command-line client, fed SQL through a FIFO by a few
 * lines of POSIX sh. No node: in the packaged app process.execPath is
 * Electron with RunAsNode off, so the hook is `/bin/sh -c SCRIPT` (the
 * plan's `shell: true`) with the SQL and the client's argv as $1..., and
 * the whole script is in the plan where the confirmation shows it.
 *
 * The protocol on the hook's stdin, which main holds open:
 *   a line `check` - run the check SQL in the same session (is it still
 *                    there, and where is the log now); its answer is a line
 *                    on stdout;
 *   end of file    - run the release SQL, then end the session.
 * The client prints each result as it comes (psql flushes per statement,
 * mariadb has --unbuffered), so the ready line appears only once the lock
 * it follows is held. When the client ends (an error, a killed session),
 * the hook ends with its status; SIGTERM ends the client too (the session
 * and its lock go with it).
 */
export const HOLD_SESSION_SCRIPT = `set -u
start_sql=$1 check_sql=$2 release_sql=$3
shift 3
dir=$(mktemp -d "\${TMPDIR:-/tmp}/freezeframe-hold.XXXXXX") || exit 70
mkfifo -m 600 "$dir/sql" || { rmdir "$dir"; exit 70; }
"$@" <"$dir/sql" &
client=$!
trap 'kill "$client" 2>/dev/null; exit 143' TERM HUP INT
exec 3>"$dir/sql"
rm -r "$dir"
printf '%s\\n' "$start_sql" >&3
exec 4<&0
(
  while IFS= read -r request; do
    if [ "$request" = check ]; then printf '%s\\n' "$check_sql" >&3; fi
  done
  printf '%s\\n' "$release_sql" >&3
) <&4 &
relay=$!
exec 3>&- 4<&-
trap 'kill "$client" "$relay" 2>/dev/null; exit 143' TERM HUP INT
wait "$client"
status=$?
kill "$relay" 2>/dev/null
exit "$status"`;

export interface HeldSessionSql {
  /** Takes the lock, prints what the report keeps, then the ready line. */
  start: string;
  /** Answers a `check` request with one line. */
  check: string;
  /** Lets go; prints what the report keeps. */
  release: string;
}

/** The hook's argv for `/bin/sh -c` (shell: true): the script, then $1..$3 the SQL, then the client. */
export function holdSessionArgv(sql: HeldSessionSql, client: readonly string[]): string[] {
  for (const text of [sql.start, sql.check, sql.release]) {
    // One line each: the relay writes them as lines, and the client reads statements from lines.
    if (text.includes('\n')) throw new Error('held-session SQL must be one line');
  }
  return [HOLD_SESSION_SCRIPT, sql.start, sql.check, sql.release, ...client];
}
