import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Command, type RunFn, silentLogger } from '@satvach/exec';
import { describe, expect, it } from 'vitest';
import { parseDeployConfig } from './config.ts';
import { deploy, DeployError } from './deploy.ts';
import { DockerHost } from './docker.ts';
import { documentedConfig } from './testing/documented.ts';

describe('deploy input', () => {
  it('a release name that could break out of the upstream file is refused before anything runs', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'deploy-input-'));
    const config = parseDeployConfig({ colours: { blue: { hostPort: 8001 }, green: { hostPort: 8002 } }, envFile: 'e', edge: { container: 'edge' }, stateDir, hardening: documentedConfig().hardening }, 'c', '/');
    const commands: Command[] = [];
    const recordingRun: RunFn = async (command) => {
      commands.push(command);
      return { exitCode: 0, stdout: '', stderr: '', durationMs: 0 };
    };
    const request = { strategy: 'blue-green' as const, image: 'backend:v2', release: 'v2;\n}\ninclude /etc/passwd;' };
    await expect(deploy(config, request, { docker: new DockerHost(recordingRun), log: silentLogger })).rejects.toThrow(DeployError);
    await expect(deploy(config, request, { docker: new DockerHost(recordingRun), log: silentLogger })).rejects.toThrow(/may hold only A-Z a-z 0-9 \. _ : @ \/ \+ - and at most 128 characters; nothing was changed/);
    expect(commands).toEqual([]);
  });

  it('an env file line docker would quote back in its error is refused first, by line number, without its content', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'deploy-envfile-'));
    const envFile = join(stateDir, 'backend.env');
    const password = 'pw 7c41 continued on its own line';
    writeFileSync(envFile, `SATVACH_LOG_LEVEL=info\nSATVACH_DATABASE_URL=postgresql+asyncpg://app:\n${password}\n`, { mode: 0o600 });
    const config = parseDeployConfig({ colours: { blue: { hostPort: 8001 }, green: { hostPort: 8002 } }, envFile, edge: { container: 'edge' }, stateDir, hardening: documentedConfig().hardening }, 'c', '/');
    const commands: Command[] = [];
    const recordingRun: RunFn = async (command) => {
      commands.push(command);
      return { exitCode: 0, stdout: '', stderr: '', durationMs: 0 };
    };
    const logs: string[] = [];
    const deps = { docker: new DockerHost(recordingRun), log: { info: (line: string) => logs.push(line), warn: (line: string) => logs.push(line), error: (line: string) => logs.push(line) } };
    const failure = await deploy(config, { strategy: 'blue-green', image: 'backend:v2' }, deps).catch((error: Error) => error);
    expect(failure).toBeInstanceOf(DeployError);
    expect((failure as Error).message).toContain(`the service env file ${envFile} has lines docker --env-file refuses (their content is not shown: it may be a secret):\n  line 3: the variable name contains whitespace`);
    expect([(failure as Error).message, ...logs].join('\n')).not.toContain('7c41');
    expect(commands).toEqual([]);

    writeFileSync(envFile, 'SATVACH_LOG_LEVEL=info\n');
    for (const mode of [0o644, 0o640]) {
      chmodSync(envFile, mode);
      await expect(deploy(config, { strategy: 'blue-green', image: 'backend:v2' }, deps)).rejects.toThrow(`users other than its owner may read it (mode 0${mode.toString(8)}): run \`chmod 600 ${envFile}\``);
    }
    expect(commands).toEqual([]);
  });
});
