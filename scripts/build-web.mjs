// Builds the web app when it exists (web/vite.config.ts); the server build does not need it.
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

if (existsSync('web/vite.config.ts')) {
  execFileSync('npx', ['vite', 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'], {
    stdio: 'inherit',
  });
}
