#!/usr/bin/env node
// The `greenlight` command. It runs the compiled JavaScript in dist/ (built by `npm run build`,
// which `npm install` runs through `prepare`) when that build is at least as new as every source
// file; otherwise it runs the TypeScript sources through tsx, so an edit is never hidden behind a
// stale build.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const compiled = join(root, 'dist/src/main.js');
const stamp = join(root, 'dist/.built');

/** The newest modification time of the TypeScript sources the build compiles (tests aside). */
function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

function buildIsFresh() {
  if (!existsSync(compiled) || !existsSync(stamp)) return false;
  const built = statSync(stamp).mtimeMs;
  return ['src', 'cards', 'capabilities'].every((dir) => newestSource(join(root, dir)) <= built);
}

if (buildIsFresh()) {
  await import(compiled);
} else {
  if (existsSync(compiled))
    console.error('greenlight: the sources changed since the last build; running them directly (`npm run build` starts faster).');
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/main.ts');
}
