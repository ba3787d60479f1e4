import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CommandFailedError, run } from '@satvach/exec';
import { createColourArgs, DockerHost, parseDeployConfig } from '@satvach/deploy';
import { documentedConfig } from '@satvach/deploy/testing';
import { docker, harness, nx, requireHarness } from '../../e2e-support.ts';

// A deploy colour that fails to be created or started on the real engine, with the service's real
// secrets in its --env-file: no secret may appear in the error, the output or the logged command.

const IMAGE = 'satvach-local/python:3.11-slim-bookworm';
const PREFIX = 'satvach-e2e-secrets-backend';
const databasePassword = `db${randomBytes(12).toString('hex')}`;
const s3Secret = `s3${randomBytes(16).toString('hex')}`;
const scratch = mkdtempSync(join(tmpdir(), 'deploy-secrets-'));
const envFile = join(scratch, 'backend.env');
const goodEnv = [
  `SATVACH_DATABASE_URL=postgresql+asyncpg://satvach_app:${databasePassword}@127.0.0.1:5432/satvach`,
  'SATVACH_S3_ENDPOINT_URL=http://127.0.0.1:9000',
  'SATVACH_S3_ACCESS_KEY_ID=satvach-backend',
  `SATVACH_S3_SECRET_ACCESS_KEY=${s3Secret}`,
].join('\n');

const raw = (changes: Record<string, unknown> = {}) => ({
  containerPrefix: PREFIX,
  networks: ['host'],
  colours: { blue: { hostPort: 18201 }, green: { hostPort: 18202 } },
  envFile,
  hardening: documentedConfig().hardening,
  health: { timeoutSeconds: 5, intervalMs: 200, healthyStreak: 1 },
  edge: { container: 'satvach-e2e-secrets-edge' },
  stateDir: join(scratch, 'state'),
  ...changes,
});
const configFile = (name: string, changes: Record<string, unknown> = {}) => {
  const file = join(scratch, `${name}.json`);
  writeFileSync(file, JSON.stringify(raw(changes)));
  return file;
};
const deployNx = (config: string, image = IMAGE) => nx(['run', 'backend:deploy', `--config=${config}`, `--image=${image}`]);
const expectNoSecret = (text: string) => {
  expect(text).not.toContain(databasePassword);
  expect(text).not.toContain(s3Secret);
};

beforeAll(async () => {
  await requireHarness();
  const image = await docker(['image', 'inspect', IMAGE], { reject: false });
  if (image.exitCode !== 0) throw new Error(`${IMAGE} is missing: start the harness with \`bash tools/scripts/docker-harness.sh\`, which builds it`);
});

afterAll(async () => {
  for (const colour of ['blue', 'green']) await docker(['rm', '--force', `${PREFIX}-${colour}`], { reject: false });
  rmSync(scratch, { recursive: true, force: true });
});

describe('a deploy colour that fails with real secrets in its env file prints none of them', () => {
  it('docker create refused (an image neither the engine nor the registry has, a memory limit below the engine\'s minimum): error and logged command are secret-free', async () => {
    writeFileSync(envFile, `${goodEnv}\n`, { mode: 0o600 });
    const config = parseDeployConfig(raw(), 'secrets.json', scratch);
    const host = new DockerHost(run, harness.docker, { DOCKER_HOST: harness.dockerHost });
    const attempts = [
      // Unknown here and in the loopback registry (a pull from any other registry would leave 127.0.0.1).
      { config, imageId: `${harness.registry}/satvach/no-such-backend:1`, refusal: /manifest unknown|not found/ },
      // Below what the config accepts, so it reaches the engine: Docker's own check refuses it.
      { config: { ...config, hardening: { ...config.hardening, memory: '4m' } }, imageId: IMAGE, refusal: /Minimum memory limit allowed is 6MB/ },
    ];
    for (const attempt of attempts) {
      expect(createColourArgs(attempt.config, { colour: 'blue', imageId: attempt.imageId, release: 'r1' }).join(' ')).not.toMatch(new RegExp(`${databasePassword}|${s3Secret}`));
      // The library call: the thrown error carries the command it ran and docker's output.
      const failure = await host.start(attempt.config, { colour: 'blue', imageId: attempt.imageId, release: 'r1' }).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(CommandFailedError);
      const error = failure as CommandFailedError;
      expect(error.command).toMatch(new RegExp(`docker create --name ${PREFIX}-blue .*--env-file ${envFile} `));
      expect(error.stderr).toMatch(attempt.refusal);
      expectNoSecret([error.message, error.command, error.stdout, error.stderr].join('\n'));
    }
    expect(String((await docker(['ps', '-aq', '--filter', `name=${PREFIX}-blue`])).stdout)).toBe('');
  });

  it('docker start refused by the engine (a network that does not exist): everything `nx run backend:deploy` prints is secret-free', async () => {
    writeFileSync(envFile, `${goodEnv}\n`, { mode: 0o600 });
    const { exitCode, output } = await deployNx(configFile('no-network', { networks: ['satvach-e2e-no-such-network'] }));
    expect(exitCode).not.toBe(0);
    expect(output).toMatch(/command failed with exit code \d+: \S*docker start satvach-e2e-secrets-backend-blue/);
    expect(output).toMatch(/network satvach-e2e-no-such-network not found/);
    expect(output).toMatch(/got no traffic and was removed/);
    expectNoSecret(output);
  });

  it('docker start refused (a user the image does not have): secret-free', async () => {
    writeFileSync(envFile, `${goodEnv}\n`, { mode: 0o600 });
    const { exitCode, output } = await deployNx(configFile('no-user', { hardening: { ...documentedConfig().hardening, user: 'satvach-nobody' } }));
    expect(exitCode).not.toBe(0);
    expect(output).toMatch(/command failed with exit code \d+: \S*docker start satvach-e2e-secrets-backend-blue/);
    expect(output).toMatch(/unable to find user satvach-nobody/);
    expectNoSecret(output);
    expect((await docker(['ps', '-aq', '--filter', `name=${PREFIX}-blue`])).stdout).toBe('');
  });

  it('an unknown image: secret-free', async () => {
    writeFileSync(envFile, `${goodEnv}\n`, { mode: 0o600 });
    const { exitCode, output } = await deployNx(configFile('unknown-image'), `${harness.registry}/satvach/no-such-backend:1`);
    expect(exitCode).not.toBe(0);
    expect(output).toContain(`image ${harness.registry}/satvach/no-such-backend:1 is unknown`);
    expectNoSecret(output);
  });

  it('an env file line docker would quote back (a password continued on its own line) is refused by line number before docker sees it', async () => {
    const passphrase = `${databasePassword} continued`;
    writeFileSync(envFile, `${goodEnv}\nSATVACH_EXTRA_PASSPHRASE=\n${passphrase}\n`, { mode: 0o600 });
    // Docker itself would print it: this is the leak the check closes.
    const direct = await docker(['create', '--env-file', envFile, IMAGE], { reject: false });
    expect(direct.exitCode).not.toBe(0);
    expect(direct.stderr).toContain(databasePassword);

    const { exitCode, output } = await deployNx(configFile('bad-env-line'));
    expect(exitCode).not.toBe(0);
    expect(output).toContain(`the service env file ${envFile} has lines docker --env-file refuses (their content is not shown: it may be a secret):`);
    expect(output).toContain('line 6: the variable name contains whitespace');
    expectNoSecret(output);
  });
});
