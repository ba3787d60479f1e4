/** One problem the lint found: where (file relative to the workspace root, 1-based line) and what to do. */
export interface Finding {
  readonly file: string;
  readonly line: number;
  readonly message: string;
}

export const formatFinding = (finding: Finding): string => `${finding.file}:${finding.line}: ${finding.message}`;

/** Findings in file, then line order, so the output reads top to bottom per file. */
export const sortFindings = (findings: readonly Finding[]): Finding[] =>
  [...findings].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.message.localeCompare(b.message));
