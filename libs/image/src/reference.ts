// The Docker image reference grammar (github.com/distribution/reference, grammar at the top of
// reference.go): name = [domain '/'] path-component ('/' path-component)*, tag = [\w][\w.-]{0,127}.

const ALPHANUMERIC = '[a-z0-9]+';
const SEPARATOR = '(?:[._]|__|-+)';
const PATH_COMPONENT = new RegExp(`^${ALPHANUMERIC}(?:${SEPARATOR}${ALPHANUMERIC})*$`);
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = new RegExp(`^(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[0-9a-fA-F:]+\\])(?::[0-9]+)?$`);
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const MAX_NAME_LENGTH = 255;

const PATH_RULE = `path components are lowercase letters and digits, separated by '.', '_', '__' or '-'`;
const TAG_RULE = `a tag is 1 to 128 of [A-Za-z0-9_.-] and does not start with '.' or '-'`;

export class InvalidReferenceError extends Error {
  override readonly name = 'InvalidReferenceError';
}

/**
 * The first component is a registry host if it has a '.' or ':' or is `localhost` (Docker's rule; Docker
 * also takes a capitalised first component for a host, which we reject as a path component instead: a
 * capitalised registry is a typo far more often than a real host). `allowBareHost` accepts a registry
 * that is only a host (`localhost:5000`), which a full image name never is.
 */
function splitDomain(name: string, allowBareHost = false): { domain: string | null; path: string[] } {
  const [first = '', ...rest] = name.split('/');
  if ((rest.length > 0 || allowBareHost) && (/[.:]/.test(first) || first === 'localhost')) {
    return { domain: first, path: rest };
  }
  return { domain: null, path: [first, ...rest] };
}

function checkPath(what: string, value: string, components: readonly string[]): void {
  for (const component of components) {
    if (!PATH_COMPONENT.test(component)) {
      const hint = component !== component.toLowerCase() ? ` (did you mean "${component.toLowerCase()}"?)` : '';
      throw new InvalidReferenceError(`${what} "${value}": "${component}" is not allowed${hint}; ${PATH_RULE}`);
    }
  }
}

/**
 * Checks a registry prefix such as `ghcr.io/acme`, `127.0.0.1:5000/satvach` or `localhost:5000` and
 * returns it without a trailing slash.
 */
export function validateRegistry(registry: string): string {
  const value = registry.trim().replace(/\/+$/, '');
  if (value === '') throw new InvalidReferenceError(`registry must not be empty; write e.g. "ghcr.io/acme" or "127.0.0.1:5000/satvach"`);
  if (value.includes('://')) {
    throw new InvalidReferenceError(`registry "${registry}" must not have a scheme; write "${value.replace(/^[a-z]+:\/\//i, '')}"`);
  }
  const { domain, path } = splitDomain(value, true);
  if (domain !== null && !DOMAIN.test(domain)) {
    throw new InvalidReferenceError(`registry "${registry}": "${domain}" is not a valid registry host; write host[:port] with letters, digits, '-' and '.'`);
  }
  checkPath('registry', registry, path);
  return value;
}

/** Checks a repository name (`ghcr.io/acme/backend`): registry host, lowercase path, length. */
export function validateRepository(name: string): string {
  if (name.length > MAX_NAME_LENGTH) {
    throw new InvalidReferenceError(`image name "${name}" is ${name.length} characters; at most ${MAX_NAME_LENGTH} are allowed`);
  }
  const { domain, path } = splitDomain(name);
  if (domain !== null && !DOMAIN.test(domain)) {
    throw new InvalidReferenceError(`image name "${name}": "${domain}" is not a valid registry host; write host[:port]`);
  }
  checkPath('image name', name, path);
  return name;
}

export function validateTag(tag: string): string {
  if (!TAG.test(tag)) throw new InvalidReferenceError(`image tag "${tag}" is not allowed; ${TAG_RULE}`);
  return tag;
}

/** Splits `name:tag` (the tag is after the last ':' that follows the last '/'). */
export function parseImageRef(ref: string): { repository: string; tag: string | null } {
  const slash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  if (colon > slash) return { repository: ref.slice(0, colon), tag: ref.slice(colon + 1) };
  return { repository: ref, tag: null };
}

/** Checks a full `name:tag` reference, as used with `-t` and `docker push`. */
export function validateImageRef(ref: string): string {
  const { repository, tag } = parseImageRef(ref);
  if (tag === null) throw new InvalidReferenceError(`image reference "${ref}" has no tag; write name:tag`);
  validateRepository(repository);
  validateTag(tag);
  return ref;
}

/** The registry host of a registry prefix, for `docker login`; Docker Hub when there is none. */
export function registryHost(registry: string): string {
  return splitDomain(validateRegistry(registry), true).domain ?? 'docker.io';
}
