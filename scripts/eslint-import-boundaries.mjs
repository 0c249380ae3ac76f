// An ESLint rule for the folder layers that a path glob cannot check
// exactly: it resolves each relative import against the importing file and
// compares repository paths. Each boundary says which files (`from`, path
// prefixes) may not import which (`deny`, path prefixes), with `except` for
// the few deliberate crossings, each with its reason beside it in the config.
import { statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

const toRepoPath = (absolute) => relative(ROOT, absolute).split(sep).join('/');

/** The file an import names, as the bundler and tsc find it (the specifier without its extension). */
function resolveFile(fromFile, specifier) {
  const base = resolve(dirname(fromFile), specifier);
  const found = ['', '.ts', '.tsx', '.mjs', '.js', '/index.ts'].map((ext) => base + ext).find((candidate) => statSync(candidate, { throwIfNoEntry: false })?.isFile());
  return found ?? base;
}

/** A string is a path prefix (ending in `/` for a folder); a RegExp is tested against the whole path. */
function matches(path, pattern) {
  return pattern instanceof RegExp ? pattern.test(path) : path === pattern || path.startsWith(pattern);
}

/** @type {import('eslint').Rule.RuleModule} */
const rule = {
  meta: {
    type: 'problem',
    docs: { description: 'Folders that may not import each other (ARCHITECTURE layers, suites, adapters).' },
    // Boundaries hold RegExps, which JSON schema cannot describe; eslint.config.js is their only source.
    schema: false,
  },
  create(context) {
    const boundaries = context.options[0] ?? [];
    const file = toRepoPath(context.filename);
    const mine = boundaries.filter((b) => b.from.some((p) => matches(file, p)) && !(b.notFrom ?? []).some((p) => matches(file, p)));
    if (mine.length === 0) return {};

    function check(node, source) {
      if (typeof source !== 'string' || !source.startsWith('.')) return;
      const target = toRepoPath(resolveFile(context.filename, source));
      for (const b of mine) {
        if (!b.deny.some((p) => matches(target, p))) continue;
        if ((b.except ?? []).some((e) => e.file === file && matches(target, e.target))) continue;
        context.report({ node, message: `${file} may not import ${target}: ${b.message}` });
      }
    }
    const literal = (node) => (node?.type === 'Literal' ? node.value : undefined);
    return {
      ImportDeclaration: (node) => check(node, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source.value),
      ExportAllDeclaration: (node) => check(node, node.source.value),
      ImportExpression: (node) => check(node, literal(node.source)),
    };
  },
};

export default { rules: { 'import-boundaries': rule } };
