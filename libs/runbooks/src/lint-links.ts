import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type RunbookDocument } from './document.ts';
import { type Finding } from './finding.ts';

const LINK = /\]\(([^)\s]+)\)/g;

/** Every relative link of a runbook reaches a file of the workspace (anchors are not checked). */
export function lintLinks(doc: RunbookDocument, root: string): Finding[] {
  const findings: Finding[] = [];
  for (const { text, line } of doc.lines) {
    for (const [, target] of text.matchAll(LINK)) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(target!) || target!.startsWith('#')) continue;
      const path = target!.split('#')[0]!;
      if (!existsSync(join(root, dirname(doc.file), path))) {
        findings.push({ file: doc.file, line, message: `the link \`${target}\` leads to no file (${join(dirname(doc.file), path)}): fix the path or write the file` });
      }
    }
  }
  return findings;
}
