import { InvalidReferenceError, validateRegistry } from './reference.ts';

export type RegistrySource = 'option' | 'SATVACH_REGISTRY' | 'GITHUB_REPOSITORY_OWNER' | 'default';

export interface ResolvedRegistry {
  readonly registry: string;
  /** Where the value came from, for a log line such as "registry ghcr.io/acme (GITHUB_REPOSITORY_OWNER)". */
  readonly source: RegistrySource;
}

function given(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

/**
 * The registry to tag and push to. Precedence, first non-empty wins:
 * 1. `explicit` — the target's `registry` option: what the user wrote for this project always wins;
 * 2. `SATVACH_REGISTRY` — one switch for a whole run (a local registry, a mirror);
 * 3. `ghcr.io/<GITHUB_REPOSITORY_OWNER>` (lowercased) — on GitHub Actions, the repository owner's GHCR;
 * 4. `pluginDefault` — the plugin's configured default.
 * An environment variable never overrides an explicit option. The result is validated against the
 * Docker reference grammar; the error names where the bad value came from.
 */
export function registryFromEnv(
  env: Readonly<Record<string, string | undefined>>,
  pluginDefault: string,
  explicit?: string,
): ResolvedRegistry {
  const owner = given(env.GITHUB_REPOSITORY_OWNER);
  const candidates: [string | undefined, RegistrySource][] = [
    [given(explicit), 'option'],
    [given(env.SATVACH_REGISTRY), 'SATVACH_REGISTRY'],
    [owner === undefined ? undefined : `ghcr.io/${owner.toLowerCase()}`, 'GITHUB_REPOSITORY_OWNER'],
    [given(pluginDefault), 'default'],
  ];
  for (const [value, source] of candidates) {
    if (value === undefined) continue;
    try {
      return { registry: validateRegistry(value), source };
    } catch (error) {
      const from = source === 'option' ? 'the registry option' : source === 'default' ? 'the plugin default' : source;
      throw new InvalidReferenceError(`${(error as Error).message} (from ${from})`);
    }
  }
  throw new InvalidReferenceError('no registry: set the registry option, SATVACH_REGISTRY or the plugin default');
}
