import { afterEach, describe, expect, it } from 'vitest';
import {
  type NginxPrefix,
  adaptSite,
  createNginxPrefix,
  readSite,
  testNginxConfig,
} from './nginx-instance.js';

const prefixes: NginxPrefix[] = [];
afterEach(() => {
  for (const prefix of prefixes.splice(0)) prefix.remove();
});

function check(siteText: string): { ok: boolean; output: string } {
  const prefix = createNginxPrefix(siteText);
  prefixes.push(prefix);
  return testNginxConfig(prefix);
}

describe('deploy/nginx/dashport.conf (nginx -t)', () => {
  it('is a valid site as shipped', () => {
    const result = check(readSite());
    expect(result.output).toContain('syntax is ok');
    expect(result.ok, result.output).toBe(true);
  });

  it('stays valid with the addresses the end-to-end test gives it', () => {
    const result = check(adaptSite(readSite(), 18_081, 18_050));
    expect(result.ok, result.output).toBe(true);
  });

  it('fails the same check when broken (the validator is real)', () => {
    const broken = readSite().replace('proxy_buffering off;', 'proxy_buffering of;');
    const result = check(broken);
    expect(result.ok).toBe(false);
    expect(result.output).toContain('proxy_buffering');
  });

  it('streams SSE unbuffered, caches fingerprinted assets and forwards the client', () => {
    const site = readSite();
    const events =
      /location ~ \^\/api\/v1\/datasets\/\[\^\/\]\+\/events\$ \{([^}]*)\}/.exec(site)?.[1] ?? '';
    expect(events).toContain('proxy_buffering off;');
    expect(events).toContain('gzip off;');
    expect(events).toMatch(/proxy_read_timeout \d+h;/);
    const assets = /location \/assets\/ \{([^}]*)\}/.exec(site)?.[1] ?? '';
    expect(assets).toContain('max-age=31536000, immutable');
    for (const header of ['X-Forwarded-For', 'X-Forwarded-Proto', 'X-Forwarded-Host']) {
      expect(site).toMatch(new RegExp(`proxy_set_header ${header} \\$\\w+;`));
    }
    expect(site).toMatch(/^\s*gzip on;/m);
    // DASHPORT_BODY_LIMIT_MB defaults to 16.
    expect(site).toMatch(/^\s*client_max_body_size 16m;/m);
  });
});
