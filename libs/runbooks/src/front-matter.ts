import { z } from 'zod';
import { ALERT_NAME, AREA_NAME, SEVERITIES } from './format.ts';

/**
 * A runbook's front matter. An alert runbook names its alert and the rule's severity; a procedure
 * (`kind: procedure`, e.g. DDoSMitigation) answers no single alert and names none.
 */
const alertRunbook = z.strictObject({
  kind: z.literal('alert').default('alert'),
  alert: z.string().regex(ALERT_NAME, 'must be the PascalCase name of a Prometheus alert'),
  severity: z.enum(SEVERITIES),
  area: z.string().regex(AREA_NAME, 'must be a kebab-case area name'),
});

const procedureRunbook = z.strictObject({
  kind: z.literal('procedure'),
  severity: z.enum(SEVERITIES).optional(),
  area: z.string().regex(AREA_NAME, 'must be a kebab-case area name'),
});

export type FrontMatter = z.output<typeof alertRunbook> | z.output<typeof procedureRunbook>;

/** The front matter, or the problems in it, each naming the key and what it should hold. */
export function validateFrontMatter(value: Record<string, unknown>): { ok: true; value: FrontMatter } | { ok: false; problems: string[] } {
  const schema = value['kind'] === 'procedure' ? procedureRunbook : alertRunbook;
  const result = schema.safeParse(value);
  if (result.success) return { ok: true, value: result.data };
  return {
    ok: false,
    problems: result.error.issues.map((issue) => {
      const key = issue.path.join('.') || (issue.code === 'unrecognized_keys' ? issue.keys.join(', ') : '(front matter)');
      return `front matter key \`${key}\`: ${issue.message}`;
    }),
  };
}
