/**
 * `npm run serve`: Freezeframe in a browser, for headless servers reached
 * over an SSH tunnel (and for the end-to-end tests).
 *
 * Order matters: elevate in this terminal first (pkexec's text agent, or
 * sudo), then drop root, then listen, then print the one line with the URL
 * on stdout. Everything else goes to stderr, so a script can read the URL
 * from stdout's first line. Each URL logs one browser in, once; later ones
 * are printed the same way on request (Enter, SIGUSR2).
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCore, defaultConfigDir } from '../core/index';
import type { Core } from '../core/api';
import { HelperClient } from '../helper/client';
import { locateHelper, type HelperLocation } from '../helper/helper-path';
import { adoptUserEnvironment, dropPrivileges, planPrivileges, type PrivilegePlan } from './privileges';
import { parseServeArgs, USAGE } from './serve-args';
import { loadStaticFiles } from '../adapters-shared/static-files';
import { SessionRegistry } from './sessions';
import { startWebServer, type WebServer } from './web-server';

declare const __FREEZEFRAME_VERSION__: string | undefined;
const SHUTDOWN_TIMEOUT_MS = 20_000;

function say(text: string): void {
  process.stderr.write(`freezeframe: ${text}\n`);
}

async function main(): Promise<number | 'serving'> {
  const args = parseServeArgs(process.argv.slice(2));
  if (args.kind === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (args.kind === 'error') {
    say(args.message);
    return 2;
  }

  const here = dirname(fileURLToPath(import.meta.url));
  const helper = locateHelper(here);
  const plan = planPrivileges(process.geteuid?.() ?? -1, process.env);
  if (plan.kind === 'invalid') {
    say(plan.message);
    return 1;
  }
  if (plan.kind === 'root') say('running as root without sudo: the web server stays root. Start it with sudo (or as your user) to run it unprivileged.');

  const preStartedHelper = await startHelperInTerminal(helper, plan);
  if (plan.kind === 'sudo') {
    dropPrivileges(plan);
    adoptUserEnvironment(process.env);
    say(`the helper runs as root; everything else now runs as ${plan.userName ?? `uid ${plan.uid}`}.`);
  }

  const sessions = new SessionRegistry();
  const core = await createCore({
    frontDoor: 'web',
    sessions,
    appVersion: typeof __FREEZEFRAME_VERSION__ === 'string' ? __FREEZEFRAME_VERSION__ : 'dev',
    helperPath: helper.helperPath,
    development: helper.development,
    helperSource: helper.source,
    appDataDirs: [defaultConfigDir()],
    // After the privilege drop: the invoking user's config dir (adoptUserEnvironment set HOME).
    configDir: defaultConfigDir(),
    ...(preStartedHelper && { preStartedHelper }),
  });

  const rendererDir = findRendererBuild(here);
  const staticFiles = await loadStaticFiles(rendererDir);
  if (staticFiles.missing) say(`the renderer is not built (no ${join(rendererDir, 'index.html')}): run \`npm run build\`.`);

  let server: WebServer;
  try {
    server = await startWebServer({ core, staticFiles, port: args.port, sessions });
  } catch (error) {
    say(`cannot listen on 127.0.0.1:${args.port}: ${(error as Error).message}`);
    await core.shutdown();
    return 1;
  }
  stopOnSignals(server, core);
  process.stdout.write(`Freezeframe is at ${server.url}\n`);
  printNewLinksOnRequest(server);
  return 'serving';
}

/**
 * Each login link is good once. Another (a second browser, a session
 * revoked by mistake): press Enter in this terminal, or send SIGUSR2. Each
 * goes to stdout, like the first.
 */
function printNewLinksOnRequest(server: WebServer): void {
  const print = (): void => void process.stdout.write(`Freezeframe is at ${server.newLoginUrl()}\n`);
  process.on('SIGUSR2', print);
  if (process.stdin.isTTY) {
    say('each login link works once: press Enter here for another.');
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', (text: string) => {
      for (let i = 0; i < text.split('\n').length - 1; i++) print();
    });
  }
}

/** pkexec (as a user) or a direct spawn (as root), before anything listens. */
async function startHelperInTerminal(helper: HelperLocation, plan: PrivilegePlan): Promise<HelperClient | undefined> {
  if (!helper.found) {
    say(`the freeze helper is not at ${helper.helperPath} (build it with \`npm run build:helper\`); mounts are shown, nothing can be frozen.`);
    return undefined;
  }
  if (plan.kind === 'user') say('starting the freeze helper through pkexec: authenticate below if asked.');
  try {
    return await HelperClient.start({ helperPath: helper.helperPath });
  } catch (error) {
    // Not fatal: the page explains the helper's state and can retry (asking here again).
    say(`the freeze helper did not start: ${(error as Error).message}`);
    return undefined;
  }
}

/** dist/main/serve.mjs next to dist/renderer; or the sources run by tsx, from the repo root. */
function findRendererBuild(here: string): string {
  const candidates = [join(here, '..', 'renderer'), join(here, '..', '..', 'dist', 'renderer')];
  return candidates.find((dir) => existsSync(join(dir, 'index.html'))) ?? candidates[0]!;
}

/**
 * Ctrl-C, kill, or the SSH session going away: thaw what this app holds,
 * then exit. A second signal exits at once; the helper still thaws
 * everything it held when its stdin closes with this process.
 */
function stopOnSignals(server: WebServer, core: Core): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) {
      say(`${signal} again: exiting now; the helper thaws what it held as this process goes.`);
      process.exit(1);
    }
    stopping = true;
    say(`${signal}: thawing what this app holds, then exiting.`);
    const timedOut = new Promise<number>((resolve) =>
      setTimeout(() => {
        say(`still not done after ${SHUTDOWN_TIMEOUT_MS / 1000} s: exiting; the helper thaws what it held as this process goes.`);
        resolve(1);
      }, SHUTDOWN_TIMEOUT_MS),
    );
    const done = server
      .close()
      .then(() => core.shutdown())
      .then(() => 0);
    void Promise.race([done, timedOut])
      .catch((error: unknown) => {
        say(`shutdown: ${String(error)}`);
        return 1;
      })
      .then((code) => process.exit(code));
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, stop);
}

main().then(
  (outcome) => {
    if (outcome !== 'serving') process.exit(outcome);
  },
  (error: unknown) => {
    say(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(1);
  },
);
