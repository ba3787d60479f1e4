import { describe, expect, it } from 'vitest';
import { parseDeployConfig } from './config.ts';
import { parseWorkers, reloadSettled, renderShares } from './edge.ts';
import { renderUpstream } from './upstream.ts';
import { documentedConfig } from './testing/documented.ts';

const config = parseDeployConfig({ colours: { blue: { hostPort: 8001 }, green: { hostPort: 8002 } }, envFile: 'e', edge: { container: 'edge' }, hardening: documentedConfig().hardening }, 'c', '/');

describe('upstream config', () => {
  it('one colour: a plain server line', () => {
    expect(renderUpstream({ name: 'satvach_api', keepalive: 32, servers: [{ address: '127.0.0.1:8001', weight: 100 }], comment: 'blue' })).toBe(
      ['# blue', 'upstream satvach_api {', '  server 127.0.0.1:8001;', '  keepalive 32;', '  keepalive_timeout 4s;', '}', ''].join('\n'),
    );
  });

  it('a canary: weights that are the shares, the releases in the header', () => {
    const text = renderShares(config, { blue: 90, green: 10 }, { blue: 'v1', green: 'v2' });
    expect(text).toContain('  server 127.0.0.1:8001 weight=90 max_fails=0;\n  server 127.0.0.1:8002 weight=10 max_fails=0;\n');
    expect(text).toContain('# blue: v1 (90 %)\n# green: v2 (10 %)\n');
  });

  it('a split never lets nginx take a colour out (max_fails=0 on every server, no fail_timeout)', () => {
    const text = renderShares(config, { blue: 50, green: 50 }, { blue: 'v1', green: 'v2' });
    const servers = text.split('\n').filter((line) => line.trimStart().startsWith('server '));
    expect(servers).toEqual(['  server 127.0.0.1:8001 weight=50 max_fails=0;', '  server 127.0.0.1:8002 weight=50 max_fails=0;']);
    expect(text).not.toContain('fail_timeout');
  });

  it('a colour with no share is left out (nginx has no weight 0)', () => {
    expect(renderShares(config, { blue: 0, green: 100 }, { green: 'v2' })).not.toContain('8001');
  });

  it('refuses what nginx would misroute', () => {
    const spec = (servers: { address: string; weight: number }[]) => ({ name: 'api', keepalive: 1, servers, comment: '' });
    expect(() => renderUpstream(spec([{ address: '127.0.0.1:8001', weight: 0 }]))).toThrow(/no server has a weight above 0/);
    expect(() => renderUpstream(spec([{ address: '127.0.0.1:8001', weight: 90 }]))).toThrow(/add up to 90, not 100/);
    expect(() => renderUpstream(spec([{ address: 'evil; include /etc/passwd', weight: 100 }]))).toThrow(/is not host:port/);
  });
});

describe('reload completion', () => {
  const listing = (lines: string[]) => parseWorkers([...lines, '2026/11/28 16:36:39 [notice] 22#22: signal process started'].join('\n'));
  const before = listing(['9 nginx: worker process ', '10 nginx: worker process ']);

  it('reads nginx workers from the /proc listing', () => {
    expect(listing(['9 nginx: worker process ', '31 nginx: worker process is shutting down '])).toEqual([
      { pid: 9, retiring: false },
      { pid: 31, retiring: true },
    ]);
  });

  it('has taken effect only when new workers run and every old one is gone or retiring', () => {
    expect(reloadSettled(before, before)).toBe(false);
    expect(reloadSettled(before, listing(['10 nginx: worker process ', '29 nginx: worker process ', '9 nginx: worker process ']))).toBe(false);
    expect(reloadSettled(before, listing(['29 nginx: worker process ', '9 nginx: worker process is shutting down ']))).toBe(true);
    expect(reloadSettled(before, listing(['29 nginx: worker process ', '30 nginx: worker process ']))).toBe(true);
    expect(reloadSettled(before, listing(['9 nginx: worker process is shutting down ']))).toBe(false);
  });
});
