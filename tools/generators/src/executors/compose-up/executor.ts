import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { type ExecutorContext, logger, runExecutor } from '@nx/devkit';
import { run } from '@satvach/exec';
import { loadReleaseManifest, releasedImageRef } from '@satvach/ci';
import { readImageManifest, imageManifestPath } from '@satvach/image';
import { stackUp } from '@satvach/compose';
import { nxLogger, reportFailure } from '../executor-context.ts';

export const COMPOSE_UP_DEFAULTS = {
  files: ['docker/compose.yml'],
  profiles: [] as readonly string[],
  projectName: 'satvach',
  envFile: 'docker/.env',
  exampleFile: 'docker/.env.example',
  stateDir: '.local/stack',
  hostNetwork: false,
  timeoutSeconds: 240,
} as const;

export interface ComposeUpOptions {
  files?: readonly string[];
  profiles?: readonly string[];
  projectName?: string;
  envFile?: string;
  exampleFile?: string;
  stateDir?: string;
  hostNetwork?: boolean;
  backendImage?: string;
  edgeImage?: string;
  backupImage?: string;
  logsShipperImage?: string;
  releaseManifest?: string;
  buildConfiguration?: string;
  timeoutSeconds?: number;
  docker?: string;
}

/**
 * The image of each service that runs our code: the option naming it, else the released digest from
 * `--releaseManifest` (CD's, so production runs exactly what was pushed), else built now through the
 * project's docker-build target — except when a release is given: a host running a release never
 * builds, so an image the release does not list must be named. The backup image only when the
 * backup profile runs, the log shipper's only with the logging profile.
 */
const OPTION_OF: Record<string, string> = {
  SATVACH_BACKEND_IMAGE: '--backendImage',
  SATVACH_EDGE_IMAGE: '--edgeImage',
  SATVACH_BACKUP_IMAGE: '--backupImage',
  SATVACH_LOGS_SHIPPER_IMAGE: '--logsShipperImage',
};

async function resolveImages(options: ComposeUpOptions, context: ExecutorContext) {
  const release = options.releaseManifest === undefined ? undefined : loadReleaseManifest(resolve(context.root, options.releaseManifest));
  const wanted = [
    { project: 'backend', variable: 'SATVACH_BACKEND_IMAGE', given: options.backendImage },
    { project: 'frontend', variable: 'SATVACH_EDGE_IMAGE', given: options.edgeImage },
    ...((options.profiles ?? COMPOSE_UP_DEFAULTS.profiles).includes('backup') ? [{ project: 'backup-image', variable: 'SATVACH_BACKUP_IMAGE', given: options.backupImage }] : []),
    ...((options.profiles ?? COMPOSE_UP_DEFAULTS.profiles).includes('logging') ? [{ project: 'logs-shipper-image', variable: 'SATVACH_LOGS_SHIPPER_IMAGE', given: options.logsShipperImage }] : []),
  ];
  const images: Record<string, string> = {};
  for (const { project, variable, given } of wanted) {
    const released = release === undefined ? undefined : releasedImageRef(release, project);
    if (given ?? released) {
      images[variable] = (given ?? released) as string;
      continue;
    }
    if (release !== undefined) {
      throw new Error(`${project} is not in the release ${options.releaseManifest}: name the image that runs now (${OPTION_OF[variable]}=<image@digest>); a release is never mixed with local builds`);
    }
    for await (const result of await runExecutor({ project, target: 'docker-build', configuration: options.buildConfiguration }, {}, context)) {
      if (!result.success) throw new Error(`docker-build ${project} failed; see above`);
    }
    const manifest = await readImageManifest(imageManifestPath(context.root, project));
    images[variable] = `${manifest.image}:${manifest.tags[0]}`;
  }
  return images as { SATVACH_BACKEND_IMAGE: string; SATVACH_EDGE_IMAGE: string; SATVACH_BACKUP_IMAGE?: string; SATVACH_LOGS_SHIPPER_IMAGE?: string };
}

/** Redraws the table in place on a terminal; elsewhere (CI logs) prints it when a state changes. */
function tableWriter() {
  let lastText = '';
  let lastStates = '';
  return (text: string, states: string) => {
    if (process.stdout.isTTY) {
      if (lastText) process.stdout.write(`\x1b[${lastText.split('\n').length}A\x1b[J`);
    } else if (states === lastStates) {
      return;
    }
    process.stdout.write(`${text}\n`);
    lastText = text;
    lastStates = states;
  };
}

export default async function composeUp(given: ComposeUpOptions, context: ExecutorContext) {
  const options = { ...COMPOSE_UP_DEFAULTS, ...given };
  try {
    const at = (path: string) => resolve(context.root, path);
    const images = await resolveImages(options, context);
    await stackUp(
      {
        projectName: options.projectName,
        files: options.files.map(at),
        profiles: [...options.profiles],
        stateDir: at(options.stateDir),
        docker: options.docker ?? process.env.SATVACH_DOCKER_CLIENT ?? 'docker',
        envFile: at(options.envFile),
        exampleFile: at(options.exampleFile),
        workspaceRoot: context.root,
        processEnv: process.env,
        images,
        hostNetwork: options.hostNetwork,
        timeoutMs: options.timeoutSeconds * 1000,
        randomSecret: () => randomBytes(18).toString('base64url'),
      },
      run,
      { ...nxLogger, table: tableWriter() },
    ).then(({ statuses, env }) => {
      const origin = `http://${env.SATVACH_HTTP_BIND === '0.0.0.0' ? '127.0.0.1' : env.SATVACH_HTTP_BIND}:${env.SATVACH_HTTP_PORT}`;
      logger.info(`\nSatVach is up: ${statuses.length} services ready.`);
      logger.info(`  page    ${origin}/`);
      logger.info(`  API     ${origin}/api/v1/places/nearby?lat=18.5204&lon=73.8567`);
      // /health/ready answers loopback callers only; through a published port the peer is Docker's.
      logger.info(`  health  ${origin}/health`);
      if ((options.profiles ?? []).includes('logging')) logger.info(`  logs    npx nx run stack:logs --since=15m  (web UI http://127.0.0.1:${env.SATVACH_LOGS_PORT}/select/vmui/)`);
      logger.info('Stop it with `npx nx run stack:down` (the data stays; add --removeVolumes to delete it).');
    });
    return { success: true };
  } catch (error) {
    return reportFailure(`compose-up ${options.projectName}`, error);
  }
}
