import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { workspaceRoot } from '@nx/devkit';
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
    expect(rules[ruleFor(rules, 'https://satvach.example.com/api/v1/places/nearby')]?.service).toBe('http://edge:8080');
    expect(rules[ruleFor(rules, 'https://www.satvach.example.com/')]?.service).toBe('http://edge:8080');
    expect(rules[ruleFor(rules, 'https://evil.example.net/')]?.service).toBe('http_status:404');
  });

  it('reaches only services the compose stack has', () => {
    const compose = readFileSync(join(workspaceRoot, 'docker/compose.yml'), 'utf8');
    for (const rule of rules.filter((r) => r.service.startsWith('http://'))) {
      const host = new URL(rule.service).hostname;
      expect(compose).toMatch(new RegExp(`^  ${host}:$`, 'm'));
    }
  });
});

describe('validateIngress', () => {
  it('names each broken rule and what to do', () => {
    const broken = [
      { service: 'http://edge:8080' },
      { hostname: 'Bad_Host.example.com', service: 'http://edge:8080/app' },
      { hostname: 'a.example.com', service: 'ftp://x' },
      { hostname: 'a.example.com', service: 'http_status:999' },
      { hostname: 'tail.example.com', service: 'http://edge:8080' },
    ];

    expect(validateIngress(broken, 'config.yml')).toEqual([
      'config.yml: ingress rule 1: only the last rule may be a catch-all; rules after it would never match',
      'config.yml: ingress rule 2: hostname "Bad_Host.example.com" is not a lowercase DNS name (a wildcard only as a leading "*.")',
      'config.yml: ingress rule 2: service "http://edge:8080/app" has a path; cloudflared ignores it, route by path instead',
      'config.yml: ingress rule 3: service scheme ftp: is not one cloudflared proxies',
      'config.yml: ingress rule 4: "http_status:999" is not http_status:<100-599>',
      'config.yml: ingress rule 4: a.example.com is already routed by an earlier rule',
      'config.yml: ingress rule 5: the last rule must match everything (no hostname, no path), e.g. service: http_status:404',
    ]);
  });

  it('matches wildcards only on subdomains', () => {
    const wild = [{ hostname: '*.example.com', service: 'http://edge:8080' }, { service: 'http_status:404' }];
    expect(ruleFor(wild, 'https://a.example.com/')).toBe(0);
    expect(ruleFor(wild, 'https://example.com/')).toBe(1);
  });
});
