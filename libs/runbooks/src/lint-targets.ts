import { type RunbookDocument } from './document.ts';
import { type Finding } from './finding.ts';

/** The workspace graph as far as the lint needs it: each project's target names. */
export type ProjectTargets = ReadonlyMap<string, ReadonlySet<string>>;

// `nx run <project>:<target>[:<configuration>]`, in prose, inline code or a command.
const NX_RUN = /\bnx\s+run\s+([A-Za-z0-9@._/-]+):([A-Za-z0-9._-]+)/g;

/** Every `nx run <project>:<target>` a runbook names exists in the workspace. */
export function lintTargets(doc: RunbookDocument, graph: ProjectTargets): Finding[] {
  const findings: Finding[] = [];
  for (const { text, line } of doc.lines) {
    for (const [, project, target] of text.matchAll(NX_RUN)) {
      const targets = graph.get(project!);
      if (targets === undefined) {
        findings.push({ file: doc.file, line, message: `\`nx run ${project}:${target}\`: there is no project \`${project}\` in the workspace (\`npx nx show projects\` lists them)` });
      } else if (!targets.has(target!)) {
        findings.push({
          file: doc.file,
          line,
          message: `\`nx run ${project}:${target}\`: project ${project} has no target \`${target}\` (it has: ${[...targets].sort().join(', ')})`,
        });
      }
    }
  }
  return findings;
}

/** The project → targets map from the file `nx graph --file=<file>.json` writes. */
export function projectTargetsFromGraphFile(json: unknown): ProjectTargets {
  const nodes = (json as { graph?: { nodes?: Record<string, { data?: { targets?: Record<string, unknown> } }> } })?.graph?.nodes;
  if (nodes === undefined || typeof nodes !== 'object') throw new Error('the nx graph file has no `graph.nodes`: write it with `npx nx graph --file=<file>.json`');
  return new Map(Object.entries(nodes).map(([name, node]) => [name, new Set(Object.keys(node.data?.targets ?? {}))]));
}
