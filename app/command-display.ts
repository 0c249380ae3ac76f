/**
 * A command as every confirmation shows it (the wizard's review, Electron
 * main's native dialog): each argument quoted, with everything that could
 * make what is read differ from what runs made visible, and bounded.
 *
 * - Escaped as `\u{XXXX}`: Unicode format characters (bidirectional
 *   embeddings, overrides and isolates, zero-width characters, the BOM,
 *   the soft hyphen...), control characters (C0 and C1), line and paragraph
 *   separators, spaces other than U+0020, private-use, unassigned and lone
 *   surrogate code points. `"` and `\` are escaped as `\"` and `\\`.
 * - Elided, visibly and outside the quotes, so no argument can fake it:
 *   an argument longer than `maxArgChars` shows its start and end with the
 *   count between; past `maxArgs` arguments, a count of the rest. A plan
 *   may hold 256 arguments of 4096 characters.
 */
export interface ArgvLimits {
  maxArgs: number;
  maxArgChars: number;
}

export const CONFIRMATION_LIMITS: ArgvLimits = { maxArgs: 24, maxArgChars: 240 };

const HIDDEN = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Co}\p{Cn}\p{Cs}]|(?! )\p{Zs}/u;
const HIDDEN_ALL = new RegExp(HIDDEN.source, 'gu');
const TAIL_CHARS = 40;

/** The text with every hidden or look-alike character as `\u{XXXX}`, and `"`, `\` escaped. */
export function visibleText(text: string): string {
  return text.replace(/[\\"]/g, (c) => `\\${c}`).replace(HIDDEN_ALL, (c) => `\\u{${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}}`);
}

/** Whether the text holds anything visibleText escapes as `\u{...}`. */
export function hasHiddenCharacters(text: string): boolean {
  return HIDDEN.test(text);
}

function quoted(arg: string, limits: ArgvLimits): string {
  const chars = [...arg];
  if (chars.length <= limits.maxArgChars) return `"${visibleText(arg)}"`;
  const head = chars.slice(0, limits.maxArgChars - TAIL_CHARS).join('');
  const tail = chars.slice(chars.length - TAIL_CHARS).join('');
  const hidden = chars.length - (limits.maxArgChars - TAIL_CHARS) - TAIL_CHARS;
  return `"${visibleText(head)}"…[${hidden.toLocaleString('en-US')} more characters not shown]…"${visibleText(tail)}"`;
}

export interface CommandDisplay {
  /** The command line to show. */
  text: string;
  /** Something was cut: the confirmation says so. */
  elided: boolean;
  /** Something was escaped as \u{...}: the confirmation says so. */
  escaped: boolean;
}

/** argv as shown for confirmation; with `shell`, the script `/bin/sh -c` runs and its arguments. */
export function displayCommand(argv: readonly string[], shell: boolean, limits: ArgvLimits = CONFIRMATION_LIMITS): CommandDisplay {
  const shown = argv.slice(0, limits.maxArgs).map((arg) => quoted(arg, limits));
  const more = argv.length - shown.length;
  const elided = more > 0 || argv.some((arg) => [...arg].length > limits.maxArgChars);
  const escaped = argv.some(hasHiddenCharacters);
  const parts = shell ? ['/bin/sh', '-c', ...shown] : shown;
  if (more > 0) parts.push(`…[${more} more argument${more === 1 ? '' : 's'} not shown]`);
  return { text: parts.join(' '), elided, escaped };
}

/** The sentence a confirmation adds when it escaped or cut something. */
export function displayNotes(displays: readonly CommandDisplay[]): string[] {
  const notes: string[] = [];
  if (displays.some((d) => d.escaped)) notes.push('Some arguments hold invisible or direction-changing characters: each is shown as \\u{code point}.');
  if (displays.some((d) => d.elided)) notes.push('Some arguments are too long to show whole: the parts marked "not shown" are left out here; read them in the plan file before you confirm.');
  return notes;
}
