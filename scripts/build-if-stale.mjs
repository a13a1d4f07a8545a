// `npm start` after `npm install` is already built (prepare); rebuild only when a source file
// is newer than the build, so a pulled change is never served from an old dist/.
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';

function newest(dir) {
  let latest = 0;
  if (!existsSync(dir)) return latest;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(full) : statSync(full).mtimeMs);
  }
  return latest;
}

const built = existsSync('dist/src/main.js') ? statSync('dist/src/main.js').mtimeMs : 0;
if (built === 0 || Math.max(newest('src'), newest('web/src')) > built) {
  execFileSync('npm', ['run', 'build'], { stdio: 'inherit' });
}
