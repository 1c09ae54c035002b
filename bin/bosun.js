#!/usr/bin/env node
// Entry for the `bosun` bin: loads the TypeScript CLI in-process through tsx (no build step, signals reach us).
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
