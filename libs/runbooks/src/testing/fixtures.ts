/** A complete runbook that passes every check with the fixture graph and host list below. */
export function completeRunbook(alert: string, area: string, severity = 'critical'): string {
  return `---
alert: ${alert}
severity: ${severity}
area: ${area}
---

# ${alert}

## Meaning

The database does not answer.

## Impact

Every API request fails with 503.

## Diagnosis

\`\`\`console
$ npx nx run stack:diagnose --check=db
$ docker compose exec db pg_isready -h 127.0.0.1
\`\`\`

## Mitigation

\`\`\`console
$ docker compose start db
\`\`\`

## Escalation

Call the secondary (\`npx nx run runbooks:oncall\`), then the owner of the area (\`owners.${area}\`).
`;
}

/** A rotation owning the fixture's database area (runbooks/oncall/rotation.yaml's form). */
export const FIXTURE_ROTATION = `timezone: Europe/Berlin
handoff: "09:00"
escalation_delay: 15m
people:
  - { id: ada, name: Ada Example, email: ada@example.com, slack: "@ada", phone: "+12025550101" }
  - { id: grace, name: Grace Example, email: grace@example.com, slack: "@grace", phone: "+12025550102" }
schedule:
  weekly: { start: 2026-11-30, order: [ada, grace] }
owners:
  database: grace
`;

export const FIXTURE_GRAPH = new Map([
  ['stack', new Set(['up', 'down', 'diagnose'])],
  ['runbooks', new Set(['lint', 'oncall'])],
]);

export const FIXTURE_INDEX = `# Runbooks

## Where the commands run

- \`docker\` — the engine's client
- \`npx\` — the workspace's nx

| Area | Runbook | When |
| --- | --- | --- |
`;
