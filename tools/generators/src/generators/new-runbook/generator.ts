import { formatFiles, logger, type Tree } from '@nx/devkit';
import { type NewRunbookInput, planNewRunbook, type WorkspaceFiles } from '@satvach/runbooks';

export interface NewRunbookGeneratorOptions extends NewRunbookInput {
  skipFormat?: boolean;
}

export const NEW_RUNBOOK_DEFAULTS = { skipFormat: true } as const;

/** The tree as the plan reads the workspace: what is written in this run is seen too. */
const filesOf = (tree: Tree): WorkspaceFiles => ({
  exists: (path) => tree.exists(path),
  read: (path) => tree.read(path, 'utf-8') ?? undefined,
  list: (dir) => (tree.exists(dir) ? tree.children(dir) : []),
});

/** `nx g new-runbook <AlertName> --area=<area> [--severity=…] [--when=…]`: the plan decides, the tree writes (and --dry-run only prints). */
export default async function newRunbookGenerator(tree: Tree, options: NewRunbookGeneratorOptions): Promise<void> {
  const { skipFormat = NEW_RUNBOOK_DEFAULTS.skipFormat, ...input } = options;
  const plan = planNewRunbook(input, filesOf(tree));
  for (const { path, content } of plan.writes) tree.write(path, content);
  for (const note of plan.notes) logger.info(note);
  if (!skipFormat) await formatFiles(tree);
}
