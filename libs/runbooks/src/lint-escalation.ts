import { basename, dirname } from 'node:path';
import { parseRotation, RotationError, type Rotation } from '@satvach/oncall';
import { isStillToWrite, type RunbookDocument } from './document.ts';
import { type Finding } from './finding.ts';
import { ONCALL_COMMAND, ROTATION_FILE } from './format.ts';

const ONCALL_TARGET = 'runbooks:oncall';

/**
 * Every area with runbooks has an owner in the rotation, and every Escalation section says how to find
 * who is on call (`runbooks:oncall`) and names that owner (`owners.<area>` or the owner's name), so the
 * last step of an escalation is never "ask around". `rotationText` undefined: the file is missing.
 */
export function lintEscalation(runbooks: readonly RunbookDocument[], rotationText: string | undefined): Finding[] {
  if (rotationText === undefined) return [{ file: ROTATION_FILE, line: 1, message: 'missing: the rotation names the owner each Escalation section ends with' }];
  let rotation: Rotation;
  try {
    rotation = parseRotation(rotationText, ROTATION_FILE);
  } catch (error) {
    if (!(error instanceof RotationError)) throw error;
    return error.problems.map((problem) => ({ file: ROTATION_FILE, line: 1, message: problem }));
  }
  const findings: Finding[] = [];
  for (const doc of runbooks) {
    const area = doc.frontMatter?.area;
    if (typeof area !== 'string' || area !== basename(dirname(doc.file))) continue; // lintStructure reports it
    const owner = rotation.owners[area];
    if (owner === undefined) {
      findings.push({ file: doc.file, line: 1, message: `area ${area} has no owner: add \`${area}: <person id>\` under owners in ${ROTATION_FILE}` });
      continue;
    }
    const escalation = doc.headings.find((heading) => heading.level === 2 && heading.text === 'Escalation');
    if (escalation === undefined || isStillToWrite(escalation.body)) continue; // lintStructure reports a missing or empty section
    const body = escalation.body.replace(/\s+/g, ' ');
    if (!body.includes(ONCALL_TARGET)) findings.push({ file: doc.file, line: escalation.line, message: `Escalation does not say how to find the primary and secondary: name \`${ONCALL_COMMAND}\`` });
    if (!body.includes(`owners.${area}`) && !body.includes(owner.name)) findings.push({ file: doc.file, line: escalation.line, message: `Escalation does not name the area's owner: add \`owners.${area}\` in \`${ROTATION_FILE}\` (${owner.name})` });
  }
  return findings;
}
