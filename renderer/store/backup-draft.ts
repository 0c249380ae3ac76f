/**
 * The wizard's form as the user types it (text fields stay text until they
 * parse), and the pure conversions between it and a plan. Problems are keyed
 * by the field they belong to, so each shows next to its input. The plan is
 * then checked with the contract's own schema (plan-check.ts, loaded with the
 * wizard: it brings zod), and main checks it again.
 */
import type { BackupPlan, BackupPlanInput, CommandSpec, SnapshotMethod } from '../../app/backup';
import { DEFAULT_HOLD_WINDOW_MS, DEFAULT_QUIESCE_WINDOW_MS, MAX_RETENTION_KEEP } from '../../app/limits';
import { holdBound, NO_TABLE, RELEASE_RANGE, secondsInWords, secondsWithin, WINDOW_BOUND, type DraftContext } from './draft-limits';

export interface CommandDraft {
  enabled: boolean;
  /** One argument per line; with `shell`, the whole text is the script for /bin/sh -c. */
  argv: string;
  shell: boolean;
  timeoutS: string;
}

export interface HoldHookDraft extends CommandDraft {
  readyLine: string;
  releaseTimeoutS: string;
}

export interface PlanDraft {
  /** The saved plan this draft edits, if any. */
  originalName: string | null;
  name: string;
  mounts: string[];
  method: SnapshotMethod;
  command: Omit<CommandDraft, 'enabled'>;
  snapshotDir: string;
  reflink: 'auto' | 'always' | 'never';
  btrfsDir: string;
  /** One checklist item per line. */
  checklist: string;
  holdS: string;
  quiesceS: string;
  preSync: boolean;
  preFreeze: CommandDraft;
  hold: HoldHookDraft;
  postThaw: CommandDraft;
  destination: string;
  verify: boolean;
  keep: string;
  confirmDangerous: string[];
}

export const DRAFT_FIELDS = [
  'name', 'mounts', 'method', 'command', 'commandTimeout', 'snapshotDir', 'btrfsDir', 'checklist', 'hold', 'quiesce',
  'preFreeze', 'preFreezeTimeout', 'holdHook', 'holdHookReadyLine', 'holdHookReadyTimeout', 'holdHookReleaseTimeout',
  'postThaw', 'postThawTimeout', 'destination', 'keep', 'general',
] as const;
export type DraftField = (typeof DRAFT_FIELDS)[number];
export type DraftProblems = Partial<Record<DraftField, string>>;

export type WizardStep = 'choose' | 'hooks' | 'backup' | 'review';
export const WIZARD_STEPS: readonly WizardStep[] = ['choose', 'hooks', 'backup', 'review'];

/** Which step shows each field (and so which step a problem sends the user back to). */
export const STEP_OF_FIELD: Record<DraftField, WizardStep> = {
  name: 'choose', mounts: 'choose', method: 'choose', command: 'choose', commandTimeout: 'choose', snapshotDir: 'choose',
  btrfsDir: 'choose', checklist: 'choose', hold: 'choose', quiesce: 'choose',
  preFreeze: 'hooks', preFreezeTimeout: 'hooks', holdHook: 'hooks', holdHookReadyLine: 'hooks', holdHookReadyTimeout: 'hooks',
  holdHookReleaseTimeout: 'hooks', postThaw: 'hooks', postThawTimeout: 'hooks',
  destination: 'backup', keep: 'backup', general: 'review',
};

const seconds = (ms: number): string => String(ms / 1000);
const emptyCommand = (timeoutS: string): CommandDraft => ({ enabled: false, argv: '', shell: false, timeoutS });

export function emptyDraft(): PlanDraft {
  return {
    originalName: null,
    name: '',
    mounts: [],
    method: 'image-clone',
    command: { argv: '', shell: false, timeoutS: '30' },
    snapshotDir: '',
    reflink: 'auto',
    btrfsDir: '',
    checklist: '',
    holdS: seconds(DEFAULT_HOLD_WINDOW_MS),
    quiesceS: seconds(DEFAULT_QUIESCE_WINDOW_MS),
    preSync: true,
    preFreeze: emptyCommand('30'),
    hold: { ...emptyCommand('30'), readyLine: 'READY', releaseTimeoutS: '5' },
    postThaw: emptyCommand('30'),
    destination: '',
    verify: true,
    keep: '',
    confirmDangerous: [],
  };
}

function argvText(spec: { argv: string[]; shell?: boolean }): string {
  return spec.shell ? (spec.argv[0] ?? '') : spec.argv.join('\n');
}

function commandDraft(spec: CommandSpec | undefined, fallbackS: string): CommandDraft {
  if (!spec) return emptyCommand(fallbackS);
  return { enabled: true, argv: argvText(spec), shell: spec.shell ?? false, timeoutS: seconds(spec.timeoutMs) };
}

export function draftFromPlan(plan: BackupPlan): PlanDraft {
  const base = emptyDraft();
  const hold = plan.hooks.hold;
  return {
    ...base,
    originalName: plan.name,
    name: plan.name,
    mounts: [...plan.mounts],
    method: plan.method,
    command: plan.command ? { argv: argvText(plan.command), shell: plan.command.shell ?? false, timeoutS: seconds(plan.command.timeoutMs) } : base.command,
    snapshotDir: plan.imageClone?.snapshotDir ?? '',
    reflink: plan.imageClone?.reflink ?? 'auto',
    btrfsDir: plan.btrfs?.snapshotDir ?? '',
    checklist: (plan.manual?.checklist ?? []).join('\n'),
    holdS: seconds(plan.holdWindowMs),
    quiesceS: seconds(plan.quiesceWindowMs),
    preSync: plan.preSync,
    preFreeze: commandDraft(plan.hooks.preFreeze, '30'),
    hold: hold
      ? { enabled: true, argv: argvText(hold), shell: hold.shell ?? false, timeoutS: seconds(hold.readyTimeoutMs), readyLine: hold.readyLine, releaseTimeoutS: seconds(hold.releaseTimeoutMs) }
      : base.hold,
    postThaw: commandDraft(plan.hooks.postThaw, '30'),
    destination: plan.backup.destination ?? '',
    verify: plan.backup.verify,
    keep: plan.retention ? String(plan.retention.keep) : '',
    confirmDangerous: [...plan.confirmDangerous],
  };
}

/**
 * Switch the method. The manual method has no default hold window: the
 * operator must say how long they need, so an untouched default is cleared.
 */
export function withMethod(draft: PlanDraft, method: SnapshotMethod): PlanDraft {
  const defaultHold = seconds(DEFAULT_HOLD_WINDOW_MS);
  let holdS = draft.holdS;
  if (method === 'manual' && draft.method !== 'manual' && holdS === defaultHold) holdS = '';
  if (method !== 'manual' && draft.method === 'manual' && holdS.trim() === '') holdS = defaultHold;
  return { ...draft, method, holdS };
}

/** One argument per line (blank lines ignored); with the shell, the text is one script. */
export function parseArgv(text: string, shell: boolean): string[] {
  if (shell) return text.trim() ? [text.replace(/\r/g, '')] : [];
  return text.split('\n').map((line) => line.replace(/\r$/, '')).filter((line) => line.trim() !== '');
}

/** The mountpoint (of `mountpoints`) that holds `path`: the longest prefix. */
export function mountOf(path: string, mountpoints: readonly string[]): string | undefined {
  let best: string | undefined;
  for (const m of mountpoints) {
    const inside = m === '/' ? path.startsWith('/') : path === m || path.startsWith(`${m}/`);
    if (inside && (!best || m.length > best.length)) best = m;
  }
  return best;
}

const PATH_FIELDS: Array<[RegExp, DraftField]> = [
  [/^name/, 'name'], [/^mounts/, 'mounts'], [/^method/, 'method'], [/^quiesceWindowMs/, 'quiesce'], [/^holdWindowMs/, 'hold'],
  [/^command\.timeoutMs/, 'commandTimeout'], [/^command/, 'command'], [/^manual/, 'checklist'], [/^imageClone/, 'snapshotDir'],
  [/^btrfs/, 'btrfsDir'], [/^hooks\.preFreeze\.timeoutMs/, 'preFreezeTimeout'], [/^hooks\.preFreeze/, 'preFreeze'],
  [/^hooks\.hold\.readyLine/, 'holdHookReadyLine'], [/^hooks\.hold\.readyTimeoutMs/, 'holdHookReadyTimeout'],
  [/^hooks\.hold\.releaseTimeoutMs/, 'holdHookReleaseTimeout'], [/^hooks\.hold/, 'holdHook'],
  [/^hooks\.postThaw\.timeoutMs/, 'postThawTimeout'], [/^hooks\.postThaw/, 'postThaw'], [/^backup/, 'destination'], [/^retention/, 'keep'],
];

export function fieldOfPath(path: string): DraftField {
  return PATH_FIELDS.find(([re]) => re.test(path))?.[1] ?? 'general';
}

/**
 * A validation failure from main ("Invalid parameters for plans.save:
 * plan.holdWindowMs: too big; plan.name: ..."), spread over the fields.
 */
export function problemsFromServer(message: string): DraftProblems {
  const problems: DraftProblems = {};
  const body = message.replace(/^Invalid parameters for [\w.]+:\s*/, '');
  for (const part of body.split('; ')) {
    const match = /^plan\.([\w.]+):\s*(.+)$/.exec(part.trim());
    const field = match ? fieldOfPath(match[1]!) : 'general';
    const text = match ? match[2]! : part.trim();
    if (text) problems[field] = problems[field] ? `${problems[field]}; ${text}` : text;
  }
  return problems;
}

function add(problems: DraftProblems, field: DraftField, message: string): void {
  problems[field] ??= message;
}

function buildCommand(draft: Omit<CommandDraft, 'enabled'>, field: DraftField, timeoutField: DraftField, problems: DraftProblems, what: string): CommandSpec | undefined {
  const argv = parseArgv(draft.argv, draft.shell);
  if (argv.length === 0) add(problems, field, draft.shell ? `Enter the shell command for ${what}.` : `Enter the program for ${what}, one argument per line.`);
  const timeout = secondsWithin(draft.timeoutS, 'the timeout', WINDOW_BOUND);
  if (timeout.ms === undefined) add(problems, timeoutField, timeout.problem);
  const timeoutMs = timeout.ms;
  if (argv.length === 0 || timeoutMs === undefined) return undefined;
  return draft.shell ? { argv, timeoutMs, shell: true } : { argv, timeoutMs };
}

/** A plan, or the problems that kept the draft from being one. */
export interface DraftResult {
  plan: BackupPlanInput | null;
  problems: DraftProblems;
}

/** The whole check of a draft: draftToPlan, then the schema (plan-check.ts's checkDraft). */
export type DraftCheck = (draft: PlanDraft, context: DraftContext) => DraftResult;

/**
 * The plan the draft describes, or the problems in it, by the form's own
 * rules (the ones a user needs explained in the form's words), against the
 * mount table and the helper's limit in `context`. The schema's checks
 * follow in plan-check.ts.
 */
export function draftToPlan(draft: PlanDraft, context: DraftContext = NO_TABLE): DraftResult {
  const problems: DraftProblems = {};
  const mountpoints = context.mounts.map((m) => m.path);
  if (!draft.name.trim()) add(problems, 'name', 'Name the plan: letters, digits, ".", "_" or "-", up to 64.');
  if (draft.mounts.length === 0) add(problems, 'mounts', 'Pick at least one filesystem.');
  const { holdWindowMs, quiesceWindowMs } = checkWindows(draft, context, problems);

  const plan: BackupPlanInput = {
    version: 1,
    name: draft.name.trim(),
    mounts: draft.mounts,
    method: draft.method,
    quiesceWindowMs: quiesceWindowMs ?? 0,
    holdWindowMs: holdWindowMs ?? 0,
    preSync: draft.preSync,
    hooks: {},
    backup: { verify: draft.verify },
    confirmDangerous: draft.confirmDangerous.filter((m) => draft.mounts.includes(m)),
  };
  if (draft.method === 'command') plan.command = buildCommand(draft.command, 'command', 'commandTimeout', problems, 'the snapshot');
  if (draft.method === 'manual') plan.manual = { checklist: draft.checklist.split('\n').map((l) => l.trim()).filter(Boolean) };
  if (draft.method === 'image-clone') {
    const dir = draft.snapshotDir.trim();
    if (!dir) add(problems, 'snapshotDir', 'Choose a folder for the clones, on a filesystem that is not frozen.');
    const holder = dir ? mountOf(dir, mountpoints) : undefined;
    if (holder && draft.mounts.includes(holder)) {
      add(problems, 'snapshotDir', `This folder is on ${holder}, which will be frozen: writing the clone there would hang. Choose a folder on another filesystem.`);
    }
    plan.imageClone = { snapshotDir: dir, reflink: draft.reflink };
  }
  if (draft.method === 'btrfs') plan.btrfs = draft.btrfsDir.trim() ? { snapshotDir: draft.btrfsDir.trim() } : {};
  if (draft.preFreeze.enabled) plan.hooks!.preFreeze = buildCommand(draft.preFreeze, 'preFreeze', 'preFreezeTimeout', problems, 'the pre-freeze hook');
  if (draft.postThaw.enabled) plan.hooks!.postThaw = buildCommand(draft.postThaw, 'postThaw', 'postThawTimeout', problems, 'the post-thaw hook');
  if (draft.hold.enabled) {
    const spec = buildCommand(draft.hold, 'holdHook', 'holdHookReadyTimeout', problems, 'the hold hook');
    const release = secondsWithin(draft.hold.releaseTimeoutS, 'the release timeout', RELEASE_RANGE);
    if (release.ms === undefined) add(problems, 'holdHookReleaseTimeout', release.problem);
    const releaseTimeoutMs = release.ms;
    if (!draft.hold.readyLine.trim()) add(problems, 'holdHookReadyLine', 'Enter the line the hook prints when its lock is taken, e.g. READY.');
    if (spec && releaseTimeoutMs !== undefined) {
      plan.hooks!.hold = { argv: spec.argv, ...(spec.shell && { shell: true }), readyLine: draft.hold.readyLine.trim(), readyTimeoutMs: spec.timeoutMs, releaseTimeoutMs };
    }
  }
  if (draft.destination.trim()) plan.backup = { destination: draft.destination.trim(), verify: draft.verify };
  if (draft.keep.trim()) {
    const keep = /^\d+$/.test(draft.keep.trim()) ? Number(draft.keep.trim()) : NaN;
    if (!Number.isInteger(keep) || keep < 1 || keep > MAX_RETENTION_KEEP) add(problems, 'keep', `Keep a whole number of backups, from 1 to ${MAX_RETENTION_KEEP} (or leave it empty to keep all).`);
    else plan.retention = { keep };
  }

  return Object.keys(problems).length === 0 ? { plan, problems } : { plan: null, problems };
}

/**
 * The two windows, each within its own limits (the hold window's are the
 * helper's); then the quiesce window must contain the hold window, which is
 * the quiesce window's problem: it is the one that holds the other.
 */
function checkWindows(draft: PlanDraft, context: DraftContext, problems: DraftProblems): { holdWindowMs: number | undefined; quiesceWindowMs: number | undefined } {
  let holdWindowMs: number | undefined;
  if (draft.method === 'manual' && !draft.holdS.trim()) {
    add(problems, 'hold', 'Choose a hold window: how long you need to take the snapshot by hand while writes wait.');
  } else {
    const hold = secondsWithin(draft.holdS, 'the hold window', holdBound(draft.method, draft.mounts, context));
    if (hold.ms === undefined) add(problems, 'hold', hold.problem);
    holdWindowMs = hold.ms;
  }
  const quiesce = secondsWithin(draft.quiesceS, 'the quiesce window', WINDOW_BOUND);
  if (quiesce.ms === undefined) add(problems, 'quiesce', quiesce.problem);
  else if (holdWindowMs !== undefined && holdWindowMs > quiesce.ms) {
    add(problems, 'quiesce', `The quiesce window contains the hold window (${secondsInWords(holdWindowMs)}): make it at least that long, or shorten the hold window.`);
  }
  return { holdWindowMs, quiesceWindowMs: quiesce.ms };
}

/** The problems that belong to one step. */
export function problemsOfStep(problems: DraftProblems, step: WizardStep): DraftProblems {
  return Object.fromEntries(Object.entries(problems).filter(([field]) => STEP_OF_FIELD[field as DraftField] === step));
}
