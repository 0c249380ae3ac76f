/**
 * A test process that starts a lab and then ends without stop(): by
 * process.exit, by SIGTERM, or killed with SIGKILL (polkit-lab.int.test.ts
 * checks what each leaves behind). Prints what it made as one JSON line.
 */
import { startPolkitLab } from './polkit-lab';

const lab = await startPolkitLab();
const user = await lab.createUser();
const rules = await lab.installRules(lab.rule({ user, actions: ['org.freezeframe.freeze'], result: 'YES' }));
const sleeper = lab.spawnAs(user, ['sleep', 'infinity']);
const subject = await sleeper.subject();
console.log(JSON.stringify({ user: user.name, files: [rules.path, lab.actions!.path], subject }));
process.stdin.setEncoding('utf8').on('data', (line: string) => {
  if (line.trim() === 'exit') process.exit(3);
});
