import { parse } from 'yaml';

/**
 * Cloudflare Tunnel ingress rules, checked the way `cloudflared tunnel ingress validate` does
 * (cloudflared itself cannot be built from our Go proxy): every rule but the last names a hostname,
 * the last is a catch-all, wildcards only as a leading `*.`, services are URLs cloudflared can
 * reach or `http_status:<code>`, and no hostname/path is routed twice.
 */
export interface IngressRule {
  hostname?: string;
  path?: string;
  service: string;
}

const SERVICE_SCHEMES = new Set(['http:', 'https:', 'tcp:', 'ssh:', 'rdp:', 'unix:', 'unix+tls:', 'smb:']);
const HOSTNAME = /^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

export function parseIngress(configText: string, file: string): IngressRule[] {
  const config = parse(configText) as { ingress?: IngressRule[] } | null;
  if (!config?.ingress || !Array.isArray(config.ingress) || config.ingress.length === 0) {
    throw new Error(`${file}: no ingress rules; add at least a catch-all rule (service: http_status:404)`);
  }
  return config.ingress;
}

export function validateIngress(rules: readonly IngressRule[], file: string): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  rules.forEach((rule, index) => {
    const where = `${file}: ingress rule ${index + 1}`;
    const isLast = index === rules.length - 1;
    if (isLast && (rule.hostname || rule.path)) problems.push(`${where}: the last rule must match everything (no hostname, no path), e.g. service: http_status:404`);
    if (!isLast && !rule.hostname && !rule.path) problems.push(`${where}: only the last rule may be a catch-all; rules after it would never match`);
    if (rule.hostname && !HOSTNAME.test(rule.hostname)) problems.push(`${where}: hostname "${rule.hostname}" is not a lowercase DNS name (a wildcard only as a leading "*.")`);
    if (typeof rule.service !== 'string') {
      problems.push(`${where}: service is missing`);
    } else if (rule.service.startsWith('http_status:')) {
      if (!/^http_status:[1-5]\d\d$/.test(rule.service)) problems.push(`${where}: "${rule.service}" is not http_status:<100-599>`);
    } else {
      let url: URL | undefined;
      try {
        url = new URL(rule.service);
      } catch {
        problems.push(`${where}: service "${rule.service}" is not a URL`);
      }
      if (url && !SERVICE_SCHEMES.has(url.protocol)) problems.push(`${where}: service scheme ${url.protocol} is not one cloudflared proxies`);
      if (url && url.pathname !== '/' && url.pathname !== '') problems.push(`${where}: service "${rule.service}" has a path; cloudflared ignores it, route by path instead`);
    }
    const key = `${rule.hostname ?? '*'}${rule.path ?? ''}`;
    if (seen.has(key)) problems.push(`${where}: ${key} is already routed by an earlier rule`);
    seen.add(key);
  });
  return problems;
}

function hostMatches(pattern: string, host: string): boolean {
  return pattern.startsWith('*.') ? host.endsWith(pattern.slice(1)) : host === pattern;
}

/** The index of the rule a request URL goes to, as `cloudflared tunnel ingress rule <url>` reports. */
export function ruleFor(rules: readonly IngressRule[], requestUrl: string): number {
  const url = new URL(requestUrl);
  return rules.findIndex(
    (rule) => (!rule.hostname || hostMatches(rule.hostname, url.hostname)) && (!rule.path || new RegExp(rule.path).test(url.pathname)),
  );
}
