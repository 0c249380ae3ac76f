#!/usr/bin/env node
// `npm run backup -- --plan plan.json [--json] [--config-dir DIR]`: builds
// what is missing or stale (main and the helper; the renderer is not
// needed), then runs dist/main/backup.mjs in this process with the same
// arguments. Build output goes to stderr: stdout carries only the report.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildIfStale, root, TARGETS } from './build-if-stale.mjs';

buildIfStale([TARGETS.main('backup.mjs'), TARGETS.helper]);
await import(pathToFileURL(join(root, 'dist', 'main', 'backup.mjs')).href);
