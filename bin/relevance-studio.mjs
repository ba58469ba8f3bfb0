#!/usr/bin/env node
// The CLI entry: runs the TypeScript sources directly through tsx's loader, so the CLI
// works right after `npm install` with no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
