import { type RunFn, type Secret, secret } from '@satvach/exec';
import { hostOf, INSPECT_FORMAT, type InspectedContainer, namespaceOwnerOf, type Reach } from '../addresses.ts';
import type { ContainerObservation } from '../observations.ts';

/** The stack's containers, found by compose's labels (names differ between compose v1 and v2). */
export class StackContainers {
  readonly #run: RunFn;
  readonly #docker: string;
  readonly #projectName: string;

  constructor(run: RunFn, docker: string, projectName: string) {
    this.#run = run;
    this.#docker = docker;
    this.#projectName = projectName;
  }

  async idOf(service: string): Promise<string | undefined> {
    const { stdout } = await this.#run(
      { file: this.#docker, args: ['ps', '-aq', '--filter', `label=com.docker.compose.project=${this.#projectName}`, '--filter', `label=com.docker.compose.service=${service}`] },
      { quiet: true },
    );
    return stdout.split('\n').find(Boolean);
  }

  /** The project's running containers (all services). */
  async runningIds(): Promise<string[]> {
    const { stdout } = await this.#run({ file: this.#docker, args: ['ps', '-q', '--filter', `label=com.docker.compose.project=${this.#projectName}`] }, { quiet: true });
    return stdout.split('\n').filter(Boolean);
  }

  async state(service: string): Promise<ContainerObservation & { id?: string; startedAt?: number }> {
    const id = await this.idOf(service);
    if (id === undefined) return { kind: 'absent' };
    const { stdout } = await this.#run({ file: this.#docker, args: ['inspect', '--format', '{{.State.Status}} {{.State.ExitCode}} {{.State.StartedAt}}', id] }, { quiet: true });
    const [state = 'unknown', exitCode = '0', startedAt = ''] = stdout.trim().split(' ');
    return { kind: 'present', id, state, exitCode: Number(exitCode), startedAt: Date.parse(startedAt) };
  }

  async #inspect(id: string): Promise<InspectedContainer | undefined> {
    const answer = await this.#run({ file: this.#docker, args: ['inspect', '--format', INSPECT_FORMAT, id] }, { quiet: true }).catch(() => undefined);
    return answer === undefined ? undefined : (JSON.parse(answer.stdout) as InspectedContainer);
  }

  /** Where the service's container answers, as the engine has it connected (addresses.ts). */
  async reach(service: string): Promise<Reach> {
    const id = await this.idOf(service);
    const container = id === undefined ? undefined : await this.#inspect(id);
    if (container === undefined) return { unreachable: `no ${service} container in project ${this.#projectName}` };
    const ownerId = namespaceOwnerOf(container);
    return hostOf(container, ownerId === undefined ? undefined : await this.#inspect(ownerId));
  }

  /**
   * The keys of a container's environment that are asked for (e.g. the S3 key the backend really signs
   * with: the local-images overlay replaces the env's with s3rver's). Secret values are wrapped here.
   */
  async environmentOf(id: string, keys: readonly string[]): Promise<Record<string, Secret>> {
    const { stdout } = await this.#run({ file: this.#docker, args: ['inspect', '--format', '{{json .Config.Env}}', id] }, { quiet: true });
    const entries = (JSON.parse(stdout) as string[]).map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)] as const);
    return Object.fromEntries(entries.filter(([key]) => keys.includes(key)).map(([key, value]) => [key, secret(value)]));
  }

  /** The container's stdout and stderr since `sinceMs` (the edge writes its access log to stdout). */
  async logsSince(id: string, sinceMs: number): Promise<string> {
    const { stdout, stderr } = await this.#run({ file: this.#docker, args: ['logs', '--since', String(Math.floor(sinceMs / 1000)), id] }, { quiet: true });
    return `${stdout}\n${stderr}`;
  }
}
