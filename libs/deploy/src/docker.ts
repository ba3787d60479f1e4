import type { Command, RunFn } from '@satvach/exec';
import { type Colour, containerNameOf, type DeployConfig, type Hardening, isHostNetwork } from './config.ts';

/** Labels on every colour container: `docker ps --filter label=dev.satvach.deploy.colour` lists them. */
const COLOUR_LABEL = 'dev.satvach.deploy.colour';
const RELEASE_LABEL = 'dev.satvach.deploy.release';

export interface ColourRun {
  readonly colour: Colour;
  readonly imageId: string;
  readonly release: string;
}

/** The `docker create` options of the deploy config's hardening block (compose.prod.yml's backend settings). */
export function hardeningArgs(hardening: Hardening): string[] {
  return [
    '--user',
    hardening.user,
    '--restart',
    hardening.restart,
    ...(hardening.readOnly ? ['--read-only'] : []),
    ...hardening.tmpfs.flatMap((mount) => ['--tmpfs', mount]),
    ...hardening.capDrop.flatMap((capability) => ['--cap-drop', capability]),
    ...hardening.securityOpt.flatMap((option) => ['--security-opt', option]),
    '--memory',
    hardening.memory,
    '--cpus',
    String(hardening.cpus),
    '--pids-limit',
    String(hardening.pidsLimit),
    '--log-driver',
    hardening.logging.driver,
    ...Object.entries(hardening.logging.options).flatMap(([key, value]) => ['--log-opt', `${key}=${value}`]),
  ];
}

/**
 * `docker create` for one colour, as data: hardened as production's compose backend, the environment
 * (secrets) only through --env-file, never in argv. Further networks are joined before it starts
 * (`connectArgs`).
 */
export function createColourArgs(config: DeployConfig, run: ColourRun): string[] {
  const { hostPort } = config.colours[run.colour];
  const network = isHostNetwork(config) ? ['--network', 'host'] : ['--network', config.networks[0] ?? '', '--publish', `127.0.0.1:${hostPort}:${hostPort}`];
  return [
    'create',
    '--name',
    containerNameOf(config, run.colour),
    '--init',
    ...hardeningArgs(config.hardening),
    '--env-file',
    config.envFile,
    '--env',
    `${config.releaseEnv}=${run.release}`,
    '--env',
    `${config.portEnv}=${hostPort}`,
    '--label',
    `${COLOUR_LABEL}=${run.colour}`,
    '--label',
    `${RELEASE_LABEL}=${run.release}`,
    ...network,
    run.imageId,
  ];
}

/** `docker network connect` for every network after the first. */
export function connectArgs(config: DeployConfig, colour: Colour): string[][] {
  if (isHostNetwork(config)) return [];
  return config.networks.slice(1).map((network) => ['network', 'connect', network, containerNameOf(config, colour)]);
}

export interface ImageFacts {
  readonly id: string;
  readonly digest: string | undefined;
}

export interface ContainerFacts {
  readonly running: boolean;
  readonly status: string;
  readonly exitCode: number;
  readonly imageId: string;
}

/** The Docker engine as the deploy needs it; every call goes through the one process wrapper. */
export class DockerHost {
  readonly #run: RunFn;
  readonly #docker: string;
  readonly #env: Record<string, string>;

  constructor(run: RunFn, docker = 'docker', env: Record<string, string> = {}) {
    this.#run = run;
    this.#docker = docker;
    this.#env = env;
  }

  #command(args: string[], input?: string): Command {
    return { file: this.#docker, args, env: this.#env, ...(input === undefined ? {} : { input }) };
  }

  async #tryRun(args: string[], input?: string) {
    try {
      return { ok: true as const, ...(await this.#run(this.#command(args, input), { quiet: true })) };
    } catch (error) {
      return { ok: false as const, message: (error as Error).message, stdout: '', stderr: '' };
    }
  }

  /** The image's id and registry digest, or undefined when this host does not have it. */
  async inspectImage(ref: string): Promise<ImageFacts | undefined> {
    const result = await this.#tryRun(['image', 'inspect', '--format', '{{json .Id}} {{json .RepoDigests}}', ref]);
    if (!result.ok) return undefined;
    const [id, digests] = result.stdout.trim().split(' ');
    const repoDigests = JSON.parse(digests ?? '[]') as string[] | null;
    return { id: JSON.parse(id ?? '""') as string, digest: repoDigests?.[0] };
  }

  /** Pulls `ref`; the error says what the registry answered. */
  async pull(ref: string): Promise<void> {
    await this.#run(this.#command(['pull', '--quiet', ref]), { quiet: true });
  }

  async container(name: string): Promise<ContainerFacts | undefined> {
    const result = await this.#tryRun(['container', 'inspect', '--format', '{{json .State.Running}} {{json .State.Status}} {{.State.ExitCode}} {{json .Image}}', name]);
    if (!result.ok) return undefined;
    const [running, status, exitCode, imageId] = result.stdout.trim().split(' ');
    return { running: running === 'true', status: JSON.parse(status ?? '""') as string, exitCode: Number(exitCode), imageId: JSON.parse(imageId ?? '""') as string };
  }

  async start(config: DeployConfig, colourRun: ColourRun): Promise<void> {
    await this.#run(this.#command(createColourArgs(config, colourRun)), { quiet: true });
    for (const args of connectArgs(config, colourRun.colour)) await this.#run(this.#command(args), { quiet: true });
    await this.#run(this.#command(['start', containerNameOf(config, colourRun.colour)]), { quiet: true });
  }

  /** Removes a colour that never had traffic (or an old release being replaced); absent is fine. */
  async remove(name: string): Promise<void> {
    if ((await this.container(name)) === undefined) return;
    await this.#run(this.#command(['rm', '--force', '--volumes', name]), { quiet: true });
  }

  async stop(name: string): Promise<void> {
    await this.#run(this.#command(['stop', '--time', '15', name]), { quiet: true });
  }

  /** Starts an existing, stopped container again. */
  async startAgain(name: string): Promise<void> {
    await this.#run(this.#command(['start', name]), { quiet: true });
  }

  async logsTail(name: string, lines: number): Promise<string> {
    const result = await this.#tryRun(['logs', '--tail', String(lines), name]);
    return result.ok ? [result.stdout, result.stderr].filter(Boolean).join('\n') : `(no logs: ${result.message})`;
  }

  /** The container's stdout from `since` (until `until`, when given): the edge's access log. */
  async logsSince(name: string, since: Date, until?: Date): Promise<string> {
    const range = ['--since', since.toISOString(), ...(until === undefined ? [] : ['--until', until.toISOString()])];
    const result = await this.#run(this.#command(['logs', ...range, name]), { quiet: true });
    return result.stdout;
  }

  /** Runs a program in a container; resolves with its exit code and output, never throws for a non-zero exit. */
  async exec(name: string, args: string[], input?: string): Promise<{ ok: boolean; output: string }> {
    const result = await this.#tryRun(['exec', ...(input === undefined ? [] : ['--interactive']), name, ...args], input);
    return result.ok ? { ok: true, output: [result.stdout, result.stderr].filter(Boolean).join('\n') } : { ok: false, output: result.message };
  }
}
