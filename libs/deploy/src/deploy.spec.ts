import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command, RunFn } from '@satvach/exec';
import { describe, expect, it } from 'vitest';
import { parseDeployConfig } from './config.ts';
import { deploy, DeployError } from './deploy.ts';
import { DockerHost } from './docker.ts';

describe('deploy input', () => {
  it('a release name that could break out of the upstream file is refused before anything runs', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'deploy-input-'));
    const config = parseDeployConfig({ colours: { blue: { hostPort: 8001 }, green: { hostPort: 8002 } }, envFile: 'e', edge: { container: 'edge' }, stateDir }, 'c', '/');
    const commands: Command[] = [];
    const recordingRun: RunFn = async (command) => {
      commands.push(command);
      return { exitCode: 0, stdout: '', stderr: '', durationMs: 0 };
    };
    const request = { strategy: 'blue-green' as const, image: 'backend:v2', release: 'v2;\n}\ninclude /etc/passwd;' };
    await expect(deploy(config, request, { docker: new DockerHost(recordingRun), log: () => undefined })).rejects.toThrow(DeployError);
    await expect(deploy(config, request, { docker: new DockerHost(recordingRun), log: () => undefined })).rejects.toThrow(/may hold only A-Z a-z 0-9 \. _ : @ \/ \+ - and at most 128 characters; nothing was changed/);
    expect(commands).toEqual([]);
  });
});
