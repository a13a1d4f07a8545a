// Type-checks the web app against its own tsconfig (DOM libs), when it exists.
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

if (existsSync('web/tsconfig.json')) {
  execFileSync('npx', ['tsc', '--noEmit', '-p', 'web/tsconfig.json'], { stdio: 'inherit' });
  execFileSync('npx', ['tsc', '--noEmit', '-p', 'web/tsconfig.node.json'], { stdio: 'inherit' });
}
