/**
 * Tests that spawn `node dist/src/main.js` need a current build: compile the server once per
 * run (incremental tsc is a few seconds) so no test runs yesterday's code.
 */
import { execFileSync } from 'node:child_process';

export default function setup(): void {
  execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
}
