// `node libs/runbooks/src/bin/lint.ts` (nx run runbooks:lint): every alert has a runbook, every runbook
// is complete, names real nx targets and documented programs, and is well-formed Markdown. Reads the
// workspace graph through the nx CLI; the checks themselves are the library's.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { consoleLogger, run } from '@satvach/exec';
import { formatFinding, lintRunbooks, projectTargetsFromGraphFile } from '../index.ts';

const root = fileURLToPath(new URL('../../../..', import.meta.url));
const logger = consoleLogger();
const dir = mkdtempSync(join(tmpdir(), 'runbooks-lint-'));
try {
  const graphFile = join(dir, 'graph.json');
  await run({ file: join(root, 'node_modules/.bin/nx'), args: ['graph', `--file=${graphFile}`], cwd: root }, { quiet: true });
  const findings = await lintRunbooks({ root, graph: projectTargetsFromGraphFile(JSON.parse(readFileSync(graphFile, 'utf8'))) });
  for (const finding of findings) logger.error(formatFinding(finding));
  if (findings.length > 0) {
    logger.error(`runbooks: ${findings.length} problem${findings.length === 1 ? '' : 's'}`);
    process.exitCode = 1;
  } else logger.info('runbooks: every alert has a complete runbook; commands, targets and Markdown check out');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
