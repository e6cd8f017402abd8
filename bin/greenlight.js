#!/usr/bin/env node
// Runs the TypeScript sources directly (tsx's loader), so `npm start`, the `greenlight` bin and
// the tests all run the same code with no build step that could go stale.
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
