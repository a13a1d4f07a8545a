/**
 * Reads `.env` (without overriding the real environment) and builds the Config.
 * The only place that touches process.env for configuration.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import { type Config, type ConfigOverrides, PACKAGE_ROOT, buildConfig } from './config.js';
import type { Env } from './parse-env.js';

/** The version from package.json, read once. */
export const VERSION: string = (
  JSON.parse(readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }
).version;

/** The environment merged over `.env` in `cwd`: real variables win, as with every dotenv loader. */
export function readEnvironment(cwd: string, processEnv: Env = process.env): Env {
  const file = path.join(cwd, '.env');
  const fromFile = existsSync(file) ? parseDotenv(readFileSync(file)) : {};
  return { ...fromFile, ...processEnv };
}

export function loadConfig(overrides: ConfigOverrides = {}, cwd = process.cwd()): Config {
  return buildConfig(readEnvironment(cwd), { cwd, version: VERSION, overrides });
}
