// `node libs/ci/src/bin/tool-versions.ts`: prints the version of every tool tools/scripts/setup.sh
// installs. Nx's `harness` named input (nx.json) runs it, so cached test results are keyed by them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseSetupScript, SETUP_SCRIPT } from '../setup-manifest.ts';
import { toolVersions } from '../tool-versions.ts';

const workspaceRoot = fileURLToPath(new URL('../../../..', import.meta.url));
console.log(await toolVersions(parseSetupScript(readFileSync(join(workspaceRoot, SETUP_SCRIPT), 'utf8'))));
