import { type RunbookDocument } from './document.ts';
import { type Finding } from './finding.ts';
import { INDEX_FILE } from './format.ts';
import { CONTAINER_PROGRAMS, HOST_PROGRAMS_SECTION, serviceOfContainer, type ContainerService } from './programs.ts';
import { simpleCommands } from './shell-words.ts';

/** Where a program runs: on the on-call host, or inside a container of a compose service. */
export type ProgramUse = { readonly where: 'host'; readonly program: string } | { readonly where: 'container'; readonly container: string; readonly program: string };

const ENV_ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;
// Options that take a value, so the container/service is the first word after them.
const DOCKER_EXEC_VALUE_OPTIONS = new Set(['-e', '--env', '--env-file', '-u', '--user', '-w', '--workdir', '--detach-keys']);
const COMPOSE_GLOBAL_VALUE_OPTIONS = new Set(['-p', '--project-name', '-f', '--file', '--profile', '--env-file', '--project-directory', '--ansi', '--parallel']);
const COMPOSE_EXEC_VALUE_OPTIONS = new Set(['-e', '--env', '-u', '--user', '-w', '--workdir', '--index', '--entrypoint', '--name', '-v', '--volume', '-l', '--label', '-p', '--publish']);

/** The words after the options of a subcommand: [first positional, its index]. */
function positional(words: readonly string[], from: number, valueOptions: ReadonlySet<string>): number {
  let i = from;
  while (i < words.length && words[i]!.startsWith('-')) i += valueOptions.has(words[i]!) ? 2 : 1;
  return i;
}

/** The programs one simple command starts: its own, and for `docker exec` / `docker compose exec|run` the one inside. */
export function programsOf(words: readonly string[]): ProgramUse[] {
  let i = 0;
  for (;;) {
    if (words[i] === 'sudo') i = positional(words, i + 1, new Set(['-u', '--user', '-g', '--group']));
    else if (words[i] === 'env' || (words[i] !== undefined && ENV_ASSIGNMENT.test(words[i]!))) i++;
    else break;
  }
  const program = words[i];
  if (program === undefined) return [];
  const uses: ProgramUse[] = [{ where: 'host', program }];
  if (program !== 'docker') return uses;
  let sub = i + 1;
  if (words[sub] === 'compose') {
    sub = positional(words, sub + 1, COMPOSE_GLOBAL_VALUE_OPTIONS);
    if (words[sub] !== 'exec' && words[sub] !== 'run') return uses;
    const service = positional(words, sub + 1, COMPOSE_EXEC_VALUE_OPTIONS);
    if (words[service] !== undefined && words[service + 1] !== undefined) uses.push({ where: 'container', container: words[service]!, program: words[service + 1]! });
  } else if (words[sub] === 'exec') {
    const container = positional(words, sub + 1, DOCKER_EXEC_VALUE_OPTIONS);
    if (words[container] !== undefined && words[container + 1] !== undefined) uses.push({ where: 'container', container: words[container]!, program: words[container + 1]! });
  }
  return uses;
}

/**
 * Every `$ ` command's programs are documented: on the host's list (runbooks/README.md), or in the
 * typed map of what each container's image ships (CONTAINER_PROGRAMS).
 */
export function lintCommands(doc: RunbookDocument, hostPrograms: ReadonlySet<string>): Finding[] {
  const findings: Finding[] = [];
  for (const { command, line } of doc.commands) {
    for (const words of simpleCommands(command)) {
      for (const use of programsOf(words)) {
        if (use.where === 'host') {
          if (!hostPrograms.has(use.program)) {
            findings.push({ file: doc.file, line, message: `\`${use.program}\` is not on the on-call host's list: add it to ${INDEX_FILE} "## ${HOST_PROGRAMS_SECTION}" (the e2e test checks it is installed) or use a listed program` });
          }
          continue;
        }
        const service: ContainerService | undefined = use.container in CONTAINER_PROGRAMS ? (use.container as ContainerService) : serviceOfContainer(use.container);
        if (service === undefined) {
          findings.push({ file: doc.file, line, message: `container \`${use.container}\` is unknown: use a compose service of CONTAINER_PROGRAMS (${Object.keys(CONTAINER_PROGRAMS).join(', ')}) or add it in libs/runbooks/src/programs.ts` });
        } else if (!(CONTAINER_PROGRAMS[service].programs as readonly string[]).includes(use.program)) {
          findings.push({ file: doc.file, line, message: `\`${use.program}\` is not listed for the ${service} image (it has: ${CONTAINER_PROGRAMS[service].programs.join(', ')}): add it in libs/runbooks/src/programs.ts if the image ships it, or run it elsewhere` });
        }
      }
    }
  }
  return findings;
}
