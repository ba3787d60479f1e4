import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { workspaceRoot } from '@nx/devkit';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { parseIngress, ruleFor, validateIngress } from './ingress.ts';

const file = join(workspaceRoot, 'docker/cloudflared/config.yml');
const rules = parseIngress(readFileSync(file, 'utf8'), file);

describe('the tunnel ingress in docker/cloudflared/config.yml', () => {
  it('is valid: hostnames first, a catch-all 404 last', () => {
    expect(validateIngress(rules, file)).toEqual([]);
    expect(rules.at(-1)).toEqual({ service: 'http_status:404' });
  });

  it('routes the public hostnames to the edge and anything else to the 404', () => {
    // Loopback: the connector shares the edge's network, and 127.0.0.1 is the peer the edge trusts.
    expect(rules[ruleFor(rules, 'https://satvach.example.com/api/v1/places/nearby')]?.service).toBe('http://127.0.0.1:8080');
    expect(rules[ruleFor(rules, 'https://www.satvach.example.com/')]?.service).toBe('http://127.0.0.1:8080');
    expect(rules[ruleFor(rules, 'https://evil.example.net/')]?.service).toBe('http_status:404');
  });

  it('reaches the edge on loopback from inside its network namespace, the peer the edge trusts', () => {
    const compose = parse(readFileSync(join(workspaceRoot, 'docker/compose.yml'), 'utf8')) as {
      services: Record<string, { network_mode?: string; environment?: Record<string, string> }>;
    };
    expect(compose.services.cloudflared?.network_mode).toBe('service:edge');
    expect(compose.services.edge?.environment?.SATVACH_EDGE_TRUSTED_PROXY).toBe('${SATVACH_EDGE_TRUSTED_PROXY:-127.0.0.1,::1}');
    for (const rule of rules.filter((r) => r.service.startsWith('http://'))) {
      expect(new URL(rule.service).host).toBe('127.0.0.1:8080');
    }
  });
});
