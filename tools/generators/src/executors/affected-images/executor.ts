import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { type ExecutorContext, logger } from '@nx/devkit';
import { affectedImages, affectedImagesJson, formatAffectedImages } from '@satvach/ci';
import { run } from '@satvach/exec';
import { reportFailure } from '../executor-context.ts';

export const AFFECTED_IMAGES_DEFAULTS = { head: 'HEAD', all: false, json: false } as const;

export interface AffectedImagesOptions {
  base?: string;
  head?: string;
  all?: boolean;
  allReason?: string;
  json?: boolean;
  output?: string;
}

/** Prints the images `base..head` requires rebuilding, each with its reasons; optionally as JSON. */
export default async function affectedImagesExecutor(options: AffectedImagesOptions, context: ExecutorContext) {
  const all = options.all ?? AFFECTED_IMAGES_DEFAULTS.all;
  try {
    const base = all ? null : (options.base ?? context.nxJsonConfiguration?.defaultBase ?? 'main');
    const noBaseReason = all ? (options.allReason ?? '--all was given') : 'the --base option is empty';
    const result = await affectedImages({ base, head: options.head ?? AFFECTED_IMAGES_DEFAULTS.head, workspaceRoot: context.root, noBaseReason }, run);
    logger.info(formatAffectedImages(result));
    const json = affectedImagesJson(result);
    if (options.output !== undefined) {
      const file = resolve(context.root, options.output);
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, json);
      logger.info(`wrote ${file}`);
    }
    if (options.json ?? AFFECTED_IMAGES_DEFAULTS.json) process.stdout.write(json);
    return { success: true };
  } catch (error) {
    return reportFailure('affected-images', error);
  }
}
