#!/usr/bin/env node
// Launcher: runs the TypeScript CLI through tsx so there is no build step.
import { register } from 'tsx/esm/api';

register();
// `kikigaki … | head` closes the pipe early: that is not an error.
process.stdout.on('error', (e) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});
const { main } = await import('../cli/main.ts');
await main(process.argv.slice(2));
