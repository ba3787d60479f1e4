import { describe, expect, it } from 'vitest';
import { parseRunbook } from './document.ts';
import { lintCommands, programsOf } from './lint-commands.ts';
import { serviceOfContainer } from './programs.ts';

const HOST = new Set(['docker', 'jq', 'npx', 'curl']);
const lint = (...commands: string[]) => lintCommands(parseRunbook('runbooks/a/B.md', ['```console', ...commands.map((c) => `$ ${c}`), '```'].join('\n')), HOST);

describe('programsOf', () => {
  it('skips sudo and environment assignments', () => {
    expect(programsOf(['sudo', '-u', 'postgres', 'PGOPTIONS=x', 'psql'])).toEqual([{ where: 'host', program: 'psql' }]);
  });

  it('finds the program inside `docker exec` and `docker compose exec|run`, past their options', () => {
    expect(programsOf(['docker', 'exec', '-it', '-e', 'A=1', 'satvach-edge', 'nginx', '-t'])).toEqual([
      { where: 'host', program: 'docker' },
      { where: 'container', container: 'satvach-edge', program: 'nginx' },
    ]);
    expect(programsOf(['docker', 'compose', '-p', 'satvach', 'exec', '-T', '-u', 'postgres', 'db', 'psql'])[1]).toEqual({ where: 'container', container: 'db', program: 'psql' });
    expect(programsOf(['docker', 'compose', 'logs', 'db'])).toHaveLength(1);
  });
});

describe('serviceOfContainer', () => {
  it('maps compose v1/v2 and fixed container names to their service', () => {
    expect(serviceOfContainer('satvach_db_1')).toBe('db');
    expect(serviceOfContainer('satvach-backend-2')).toBe('backend');
    expect(serviceOfContainer('satvach-backend-blue')).toBe('backend');
    expect(serviceOfContainer('other')).toBeUndefined();
  });
});

describe('lintCommands', () => {
  it('accepts listed host programs and programs the container ships', () => {
    expect(lint('docker compose exec db psql -c "select 1" | jq .', 'docker exec satvach-edge nginx -s reload')).toEqual([]);
  });

  it('names a host program that is not on the list, on its line', () => {
    expect(lint('docker ps', 'htop')).toEqual([{ file: 'runbooks/a/B.md', line: 3, message: expect.stringContaining('`htop` is not on the on-call host\'s list') }]);
  });

  it('names a program the container does not ship', () => {
    expect(lint('docker compose exec backend curl localhost')[0]!.message).toContain('`curl` is not listed for the backend image (it has: python)');
  });

  it('names an unknown container', () => {
    expect(lint('docker exec mystery sh')[0]!.message).toContain('container `mystery` is unknown');
  });
});
