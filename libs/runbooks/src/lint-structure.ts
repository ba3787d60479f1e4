import { basename, dirname } from 'node:path';
import { isStillToWrite, type RunbookDocument } from './document.ts';
import { type Finding } from './finding.ts';
import { INDEX_FILE, RUNBOOK_SECTIONS } from './format.ts';
import { validateFrontMatter } from './front-matter.ts';

/**
 * The shape of one runbook: front matter whose `area` is its directory, `# <file name>`, then every
 * section of RUNBOOK_SECTIONS as `##` in order, each with real content. A generated template that
 * nobody filled in fails here, naming the sections still to write.
 */
export function lintStructure(doc: RunbookDocument): Finding[] {
  const findings: Finding[] = [];
  const at = (line: number, message: string) => findings.push({ file: doc.file, line, message });
  const name = basename(doc.file, '.md');
  const area = basename(dirname(doc.file));

  if (doc.frontMatterError !== undefined) at(1, `${doc.frontMatterError}; fix it (see ${INDEX_FILE} for the keys)`);
  else if (doc.frontMatter === undefined) {
    at(1, 'no front matter: start the file with `---`, `alert: <AlertName>`, `severity: <critical|warning|info>`, `area: <area>`, `---` (a procedure: `kind: procedure` instead of `alert`)');
  } else {
    const result = validateFrontMatter(doc.frontMatter);
    if (!result.ok) for (const problem of result.problems) at(1, problem);
    else if (result.value.area !== area) at(1, `front matter \`area: ${result.value.area}\` does not match the directory \`${area}\`: move the file to runbooks/${result.value.area}/ or set \`area: ${area}\``);
  }

  const h1 = doc.headings.filter((h) => h.level === 1);
  if (h1.length === 0) at(doc.lines[0]?.line ?? 1, `no \`# ${name}\` heading: the title must be the file's name`);
  else if (h1[0]!.text !== name) at(h1[0]!.line, `the title \`# ${h1[0]!.text}\` must be the file's name: \`# ${name}\` (or rename the file)`);
  for (const extra of h1.slice(1)) at(extra.line, `a second \`# ${extra.text}\`: a runbook has one title; make it a \`##\` or \`###\``);

  const h2 = doc.headings.filter((h) => h.level === 2);
  const found = h2.filter((h) => (RUNBOOK_SECTIONS as readonly string[]).includes(h.text));
  const missing = RUNBOOK_SECTIONS.filter((section) => !found.some((h) => h.text === section));
  const endLine = doc.lines.at(-1)?.line ?? 1;
  if (missing.length > 0) at(endLine, `missing section${missing.length > 1 ? 's' : ''} ${missing.map((s) => `\`## ${s}\``).join(', ')}: every runbook has ${RUNBOOK_SECTIONS.join(', ')} in that order`);
  const order = found.map((h) => h.text);
  const expected = RUNBOOK_SECTIONS.filter((s) => order.includes(s));
  const misplaced = found.find((h, i) => h.text !== expected[i]);
  if (misplaced) at(misplaced.line, `section \`## ${misplaced.text}\` is out of order: the sections go ${RUNBOOK_SECTIONS.join(', ')}`);
  for (const other of h2.filter((h) => !found.includes(h))) {
    at(other.line, `\`## ${other.text}\` is not a runbook section (${RUNBOOK_SECTIONS.join(', ')}): make it a \`###\` inside one of them`);
  }

  const empty = found.filter((h) => isStillToWrite(h.body));
  if (empty.length > 0) {
    at(empty[0]!.line, `still to write: ${empty.map((h) => `\`## ${h.text}\``).join(', ')} (only a comment or nothing): replace the guidance with what the on-call engineer needs`);
  }
  return findings;
}
