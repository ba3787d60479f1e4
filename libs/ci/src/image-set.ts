import dockerignore from '@balena/dockerignore';

/** The target a project with a Dockerfile has (inferred by the platform plugin). */
export const IMAGE_TARGET = 'docker-build';

/** The npm lockfile at the workspace root. */
export const NPM_LOCKFILE = 'package-lock.json';
/** Hashed Python locks (`requirements.lock`, `requirements-dev.lock`) inside a project. */
const PYTHON_LOCK = /(^|\/)requirements[^/]*\.lock$/;
/** How many changed files a reason names before it says "+N more". */
const LISTED_FILES = 3;

/** What the image set needs to know about one project of the Nx graph. */
export interface GraphProject {
  readonly root: string;
  /**
   * Present when the project has a `docker-build` target: its Dockerfile and build context,
   * workspace-relative, and — when known — the one ignore file BuildKit reads for it
   * (`<Dockerfile>.dockerignore` when that exists, else `<context>/.dockerignore`) with its text
   * (`ignoreRules`, absent when the file does not exist: then the whole context is sent).
   */
  readonly image?: { readonly dockerfile: string; readonly context: string; readonly ignoreFile?: string; readonly ignoreRules?: string };
}

export interface GraphDependency {
  readonly target: string;
  /** Nx's dependency type: static (import), dynamic, implicit (project.json implicitDependencies). */
  readonly type: string;
}

export interface WorkspaceGraph {
  readonly projects: Readonly<Record<string, GraphProject>>;
  readonly dependencies: Readonly<Record<string, readonly GraphDependency[]>>;
}

export interface AffectedImage {
  readonly project: string;
  readonly dockerfile: string;
  readonly context: string;
  /** Why the image must be rebuilt; never empty. */
  readonly reasons: readonly string[];
}

/** A project with an image that Nx marks affected, but whose image cannot change; the reason says why. */
export interface SkippedImage {
  readonly project: string;
  readonly reason: string;
}

export interface ImageSet {
  readonly images: readonly AffectedImage[];
  readonly skipped: readonly SkippedImage[];
}

export interface ImageSetInput {
  readonly graph: WorkspaceGraph;
  /** Project names `nx show projects --affected` printed for the range. */
  readonly affected: readonly string[];
  /** Files that differ between base and head. */
  readonly changedFiles: readonly string[];
}

const normalizeDir = (dir: string) => dir.replace(/^\.\/?/, '').replace(/\/+$/, '');
const inside = (dir: string, file: string) => dir === '' || file === dir || file.startsWith(`${dir}/`);
const join = (dir: string, file: string) => (dir === '' ? file : `${dir}/${file}`);

function listFiles(files: readonly string[]): string {
  const shown = files.slice(0, LISTED_FILES).join(', ');
  return files.length > LISTED_FILES ? `${shown} (+${files.length - LISTED_FILES} more)` : shown;
}

/** Every project `project` depends on, directly or through others, with the path that leads there. */
function dependencyPaths(graph: WorkspaceGraph, project: string): Map<string, { path: string[]; type: string }> {
  const found = new Map<string, { path: string[]; type: string }>();
  const queue: { name: string; path: string[] }[] = [{ name: project, path: [project] }];
  while (queue.length > 0) {
    const { name, path } = queue.shift() as { name: string; path: string[] };
    for (const dependency of graph.dependencies[name] ?? []) {
      if (dependency.target === project || found.has(dependency.target) || graph.projects[dependency.target] === undefined) continue;
      const next = [...path, dependency.target];
      found.set(dependency.target, { path: next, type: dependency.type });
      queue.push({ name: dependency.target, path: next });
    }
  }
  return found;
}

function ownerOf(graph: WorkspaceGraph, file: string): string | undefined {
  let owner: string | undefined;
  let ownerRoot = -1;
  for (const [name, project] of Object.entries(graph.projects)) {
    const root = normalizeDir(project.root);
    if (root !== '' && inside(root, file) && root.length > ownerRoot) {
      owner = name;
      ownerRoot = root.length;
    }
  }
  return owner;
}

/**
 * Whether `docker build` sends a file to the builder: it lies inside the context and the ignore file
 * does not exclude it, matched with Docker's own rules (moby's fileutils, `!` re-includes) by
 * @balena/dockerignore. Paths in the ignore file are relative to the context; `file` and `context`
 * are workspace-relative (context '' is the workspace root). Checked against BuildKit itself in
 * tools/generators/src/executors/affected-images/build-context.e2e.spec.ts.
 */
export function buildSees(context: string, ignoreRules: string | undefined): (file: string) => boolean {
  const ignore = ignoreRules === undefined ? undefined : dockerignore().add(ignoreRules);
  return (file) => inside(context, file) && !(ignore?.ignores(context === '' ? file : file.slice(context.length + 1)) ?? false);
}

/**
 * The images that must be rebuilt for a change, each with its reasons. The rule:
 *
 * 1. A project's image is rebuilt when its Dockerfile, `<Dockerfile>.dockerignore` or its build
 *    context's `.dockerignore` changed — whatever Nx says (a root .dockerignore belongs to no project).
 * 2. Otherwise it is rebuilt when Nx marks the project affected AND the change can reach the image:
 *    a changed file of the project itself, of an affected project it depends on, or outside every
 *    project (workspace-wide inputs, the root lockfile) — and the build sees that file: it lies inside
 *    the build context and the ignore file does not exclude it. Nothing else can enter `docker build`,
 *    so a project affected only through files its build does not see (the backend through its tests
 *    or libs/api-contract, the frontend through a spec file) keeps its image; it is listed in
 *    `skipped` with the reason. Its tests still run: that is `nx affected`'s job, not the image set's.
 */
export function computeImageSet(input: ImageSetInput): ImageSet {
  const { graph, changedFiles } = input;
  const affected = new Set(input.affected);
  const changed = [...new Set(changedFiles)].sort();
  const owners = new Map(changed.map((file) => [file, ownerOf(graph, file)]));
  const images: AffectedImage[] = [];
  const skipped: SkippedImage[] = [];

  for (const [project, node] of Object.entries(graph.projects).sort(([a], [b]) => a.localeCompare(b))) {
    if (node.image === undefined) continue;
    const dockerfile = normalizeDir(node.image.dockerfile);
    const context = normalizeDir(node.image.context);
    const root = normalizeDir(node.root);
    const visible = buildSees(context, node.image.ignoreRules);
    const dockerignores = node.image.ignoreFile !== undefined ? [node.image.ignoreFile.replace(/^\.\//, '')] : [`${dockerfile}.dockerignore`, join(context, '.dockerignore')];
    const imageFiles = new Set([dockerfile, ...dockerignores]);
    const reasons: string[] = [];

    if (changed.includes(dockerfile)) reasons.push(`Dockerfile changed: ${dockerfile}`);
    for (const file of dockerignores.filter((f) => changed.includes(f))) reasons.push(`.dockerignore changed: ${file}`);

    if (affected.has(project)) {
      const own = changed.filter((file) => owners.get(file) === project && !imageFiles.has(file));
      const pythonLocks = own.filter((file) => PYTHON_LOCK.test(file) && visible(file));
      const sources = own.filter((file) => !PYTHON_LOCK.test(file) && visible(file));
      if (pythonLocks.length > 0) reasons.push(`Python lockfile changed: ${listFiles(pythonLocks)}`);
      if (sources.length > 0) reasons.push(`changed in ${root}: ${listFiles(sources)}`);

      const unseen: string[] = own.filter((file) => !visible(file));
      for (const [dependency, { path, type }] of dependencyPaths(graph, project)) {
        if (!affected.has(dependency)) continue;
        const depFiles = changed.filter((file) => owners.get(file) === dependency);
        const via = `${path.join(' → ')}${path.length === 2 ? ` (${type})` : ''}`;
        const reaching = depFiles.filter(visible);
        if (reaching.length > 0) reasons.push(`depends on affected ${dependency}: ${via}; changed ${listFiles(reaching)}`);
        else unseen.push(...depFiles);
      }

      const global = changed.filter((file) => owners.get(file) === undefined && !imageFiles.has(file));
      const globalSeen = global.filter(visible);
      if (globalSeen.includes(NPM_LOCKFILE)) {
        reasons.push(`npm lockfile changed: ${NPM_LOCKFILE} lies inside the build context and Nx marks ${project} affected by it`);
      }
      const otherGlobal = globalSeen.filter((file) => file !== NPM_LOCKFILE);
      if (reasons.length === 0 && otherGlobal.length > 0) {
        reasons.push(`Nx marks it affected and workspace-wide files changed inside its build context: ${listFiles(otherGlobal)}`);
      }
      unseen.push(...global.filter((file) => !visible(file)));

      if (reasons.length === 0) {
        const seen = `${context === '' ? 'the workspace root' : context}${node.image.ignoreRules === undefined ? '' : ` minus ${node.image.ignoreFile ?? '.dockerignore'}`}`;
        const causes = unseen.length > 0 ? `changed: ${listFiles([...new Set(unseen)].sort())}` : 'no changed file reaches it';
        skipped.push({
          project,
          reason: `Nx marks ${project} affected (its tasks run), but its build does not see any changed file (build context ${seen}; ${causes}), so its image cannot change`,
        });
        continue;
      }
    }

    if (reasons.length > 0) images.push({ project, dockerfile, context: context === '' ? '.' : context, reasons });
  }
  return { images, skipped };
}

/** Every image of the workspace, each with the same reason (no usable base). */
export function allImages(graph: WorkspaceGraph, reason: string): ImageSet {
  const images = Object.entries(graph.projects)
    .filter(([, node]) => node.image !== undefined)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([project, node]) => {
      const image = node.image as { dockerfile: string; context: string };
      const context = normalizeDir(image.context);
      return { project, dockerfile: normalizeDir(image.dockerfile), context: context === '' ? '.' : context, reasons: [reason] };
    });
  return { images, skipped: [] };
}
