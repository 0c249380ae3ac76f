/** The command line of `npm run serve`: a port, or help. Nothing else is accepted. */
export const DEFAULT_PORT = 7420;

export type ServeArgs = { kind: 'run'; port: number } | { kind: 'help' } | { kind: 'error'; message: string };

export const USAGE = `Usage: npm run serve [-- --port N]

Serves Freezeframe to a browser on this machine, at 127.0.0.1 only.
From another machine, tunnel to it:  ssh -L 7420:127.0.0.1:7420 server
then open the URL this prints in a local browser. Its login token works
once; press Enter here (or send SIGUSR2) to print another.

  --port N   listen on port N (default ${DEFAULT_PORT}; 0 picks a free port)
  --help     show this text

Elevation happens here, in the terminal, before the URL is printed: as a
normal user pkexec asks for a password; with sudo the helper starts as root
and everything else drops back to your user.`;

export function parseServeArgs(argv: readonly string[]): ServeArgs {
  let port = DEFAULT_PORT;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') return { kind: 'help' };
    let value: string | undefined;
    if (arg === '--port') value = argv[++i];
    else if (arg.startsWith('--port=')) value = arg.slice('--port='.length);
    else return { kind: 'error', message: `Unknown argument ${JSON.stringify(arg)}.\n\n${USAGE}` };
    if (value === undefined || !/^[0-9]{1,5}$/.test(value) || Number(value) > 65_535) {
      return { kind: 'error', message: `--port needs a number from 0 to 65535, not ${JSON.stringify(value ?? '')}.` };
    }
    port = Number(value);
  }
  return { kind: 'run', port };
}
