import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

// The CLI runs as the lead's Nx target does: a real Node process stripping the types itself.
const cli = fileURLToPath(new URL('./check-openapi.ts', import.meta.url));
const fixturePath = fileURLToPath(new URL('./fixtures/openapi.json', import.meta.url));
const workDir = mkdtempSync(join(tmpdir(), 'api-contract-cli-'));

afterAll(() => rmSync(workDir, { recursive: true, force: true }));

function runCli(args: string[], input?: string) {
  const result = spawnSync(process.execPath, [cli, ...args], { input, encoding: 'utf8', timeout: 30_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function writeDoc(name: string, content: string): string {
  const path = join(workDir, name);
  writeFileSync(path, content);
  return path;
}

describe('check-openapi CLI', () => {
  it('exits 0 and says how many schemas match', () => {
    const result = runCli([fixturePath]);
    expect(result).toEqual({ status: 0, stdout: 'api-contract: 10 schemas match the OpenAPI document\n', stderr: '' });
  });

  it('reads the document from standard input when given -', () => {
    const result = runCli(['-'], readFileSync(fixturePath, 'utf8'));
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('10 schemas match');
  });

  it('exits 1 and prints each mismatch', () => {
    const doc = JSON.parse(readFileSync(fixturePath, 'utf8'));
    doc.components.schemas.NearbyResponse.properties.limit.type = 'number';
    const result = runCli([writeDoc('drifted.json', JSON.stringify(doc))]);
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      'api-contract: NearbyResponse.limit has type number in the OpenAPI document but integer in the contract\n' +
        'api-contract: 1 mismatch(es) between the contract and the OpenAPI document\n',
    );
  });

  it('exits 2 naming a file that is not JSON', () => {
    const path = writeDoc('broken.json', '{"openapi": ');
    const result = runCli([path]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(new RegExp(`^api-contract: ${path} is not valid JSON: `));
  });

  it('exits 2 naming a file that cannot be read', () => {
    const path = join(workDir, 'absent.json');
    const result = runCli([path]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(`api-contract: cannot read ${path}: ENOENT`);
  });

  it('exits 2 on JSON that is not an object', () => {
    const result = runCli(['-'], '[1, 2]');
    expect(result.status).toBe(2);
    expect(result.stderr).toBe('api-contract: standard input is not an OpenAPI document: expected a JSON object\n');
  });

  it('exits 2 with usage when no document is named', () => {
    const result = runCli([]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^usage: node libs\/api-contract\/src\/check-openapi.ts/);
  });
});
