#!/usr/bin/env node
// `npm run serve [-- --port N]`: builds what is missing or stale, then runs
// dist/main/serve.mjs in this process with the same arguments. Build output
// goes to stderr: stdout carries only the line with the URL.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildIfStale, root, TARGETS } from './build-if-stale.mjs';

buildIfStale([TARGETS.main('serve.mjs'), TARGETS.renderer, TARGETS.helper]);
await import(pathToFileURL(join(root, 'dist', 'main', 'serve.mjs')).href);
