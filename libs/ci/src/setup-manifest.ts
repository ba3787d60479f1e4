/**
 * What `tools/scripts/setup.sh` installs, read from the script itself: the one list of the tools the
 * tests call. The workflow check (workflow-tools.ts) and the cache's tool-version input
 * (bin/tool-versions.ts) both read it, so a tool added to the script is checked and hashed without
 * editing either.
 */
export interface SetupManifest {
  /** Debian packages of the script's `packages=(…)` / `packages+=(…)` arrays (PostgreSQL, docker-compose, …). */
  readonly debianPackages: readonly string[];
  /** Go tools of its `build_go_tool <name> <version> <package>` lines (actionlint, …). */
  readonly goTools: readonly { readonly name: string; readonly version: string; readonly goPackage: string }[];
  /** The sub-scripts it runs with `bash <path>` (the backend venv, moto, the Docker harness), in order. */
  readonly scripts: readonly string[];
}

export const SETUP_SCRIPT = 'tools/scripts/setup.sh';

function unquote(word: string, variables: ReadonlyMap<string, string>): string {
  const bare = word.replace(/^"(.*)"$/, '$1').replace(/^'(.*)'$/, '$1');
  const reference = /^\$\{?(\w+)\}?$/.exec(bare);
  if (reference === null) return bare;
  const value = variables.get(reference[1] as string);
  if (value === undefined) throw new Error(`${SETUP_SCRIPT}: ${word} is used before a ${reference[1]}=… line`);
  return value;
}

export function parseSetupScript(text: string): SetupManifest {
  const lines = text.split('\n').map((line) => line.replace(/(^|\s+)#.*$/, '').trim());
  const variables = new Map<string, string>();
  const goTools: { name: string; version: string; goPackage: string }[] = [];
  const scripts: string[] = [];
  const debianPackages: string[] = [];
  let inPackages = false;

  for (const line of lines) {
    // packages=(…) or packages+=(…), on one line or several.
    const opening = /^packages\+?=\((.*)$/.exec(line);
    if (opening !== null || inPackages) {
      const words = opening !== null ? (opening[1] as string) : line;
      inPackages = !words.includes(')');
      debianPackages.push(...words.replace(/\).*$/, '').split(/\s+/).filter(Boolean));
      continue;
    }
    const assignment = /^([A-Z][A-Z0-9_]*)=(\S+)$/.exec(line);
    if (assignment !== null) variables.set(assignment[1] as string, unquote(assignment[2] as string, variables));
    const goTool = /^build_go_tool\s+(\S+)\s+(\S+)\s+(\S+)$/.exec(line);
    if (goTool !== null) {
      goTools.push({ name: goTool[1] as string, version: unquote(goTool[2] as string, variables), goPackage: goTool[3] as string });
    }
    const script = /^bash\s+(\S+\.sh)$/.exec(line);
    if (script !== null) scripts.push(script[1] as string);
  }
  if (debianPackages.length === 0) {
    throw new Error(`${SETUP_SCRIPT} has no packages=(…) array; the workflow check and the cache inputs read the Debian packages from it`);
  }
  return { debianPackages, goTools, scripts };
}
