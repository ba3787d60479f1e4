import { describe, expect, it } from 'vitest';
import { inputProblems, planNewRunbook, type WorkspaceFiles } from './new-runbook.ts';

/** A workspace as a plain map of path → text. */
function filesFrom(contents: Record<string, string>): WorkspaceFiles {
  const paths = Object.keys(contents);
  return {
    exists: (path) => path in contents,
    read: (path) => contents[path],
    list: (dir) => [...new Set(paths.filter((path) => path.startsWith(`${dir}/`)).map((path) => path.slice(dir.length + 1).split('/')[0]!))],
  };
}

const readme = '# Runbooks\n\n| Area | Runbook | When |\n|------|---------|------|\n| deploy | [BackendDeployFailed](deploy/BackendDeployFailed.md) | A deploy failed |\n';
const certificates = `groups:
  - name: certificates
    rules:
      - alert: CertificateExpiringSoon
        expr: x < 14
        labels: { severity: warning }
      - alert: CertificateExpiringSoon
        expr: x < 3
        labels: { severity: critical }
`;
const workspace = {
  'runbooks/README.md': readme,
  'runbooks/deploy/BackendDeployFailed.md': '# BackendDeployFailed\n',
  'docker/monitoring/prometheus/rules/endpoints.yml': certificates,
  'docker/monitoring/prometheus/rules/notes.txt': 'not a rule file',
};

describe('inputProblems', () => {
  it('names a name that is not PascalCase and suggests one', () => {
    expect(inputProblems({ name: 'databaseDown', area: 'database' })).toEqual(['name "databaseDown" is not PascalCase — use e.g. DatabaseDown (the Prometheus alert\'s name)']);
    expect(inputProblems({ name: 'database-down', area: 'database' })[0]).toContain('use e.g. DatabaseDown');
    expect(inputProblems({ name: 'DATABASE_DOWN', area: 'database' })[0]).toContain('use e.g. DatabaseDown');
  });

  it('names an area with a slash as a path, and other casing as not kebab-case', () => {
    expect(inputProblems({ name: 'DatabaseDown', area: 'data/base' })).toEqual(['area "data/base" is a path — an area is one directory under runbooks/, e.g. data']);
    expect(inputProblems({ name: 'DatabaseDown', area: 'ObjectStorage' })).toEqual(['area "ObjectStorage" is not kebab-case — use e.g. object-storage']);
  });

  it('refuses an unknown severity and a multi-line when, and reports every problem at once', () => {
    expect(inputProblems({ name: 'x', area: 'A/B', severity: 'high', when: 'a\nb' })).toHaveLength(4);
    expect(inputProblems({ name: 'DatabaseDown', area: 'database', severity: 'high' })).toEqual(['severity "high" is not one of critical, warning, info']);
    expect(inputProblems({ name: 'DatabaseDown', area: 'database', severity: 'info', when: 'PostGIS is down' })).toEqual([]);
  });
});

describe('planNewRunbook', () => {
  it('takes the most severe of the rules\' severity labels and links every rule', () => {
    const plan = planNewRunbook({ name: 'CertificateExpiringSoon', area: 'endpoints' }, filesFrom(workspace));
    expect(plan.writes.map((write) => write.path)).toEqual(['runbooks/endpoints/CertificateExpiringSoon.md', 'docker/monitoring/prometheus/rules/endpoints.yml', 'runbooks/README.md']);
    expect(plan.writes[0]!.content).toContain('severity: critical\n');
    expect(plan.writes[1]!.content.match(/runbook_url: runbooks\/endpoints\/CertificateExpiringSoon\.md/g)).toHaveLength(2);
    expect(plan.notes).toEqual([]);
  });

  it('says where to link a rule that does not exist yet, and defaults to warning', () => {
    const plan = planNewRunbook({ name: 'TestAlert', area: 'testing', when: 'Never | always' }, filesFrom(workspace));
    expect(plan.writes.map((write) => write.path)).toEqual(['runbooks/testing/TestAlert.md', 'runbooks/README.md']);
    expect(plan.writes[0]!.content).toContain('severity: warning\n');
    expect(plan.writes[1]!.content).toContain('| testing | [TestAlert](testing/TestAlert.md) | Never \\| always |\n');
    expect(plan.notes).toEqual(['no alert rule named TestAlert in docker/monitoring/prometheus/rules/*.yml: when you add it, give it the annotation runbook_url: runbooks/testing/TestAlert.md']);
  });

  it('refuses a second runbook for an alert that has one in another area, naming the file', () => {
    expect(() => planNewRunbook({ name: 'BackendDeployFailed', area: 'backend' }, filesFrom(workspace))).toThrow(
      'runbooks/deploy/BackendDeployFailed.md already exists: choose another name for the new runbook, or edit runbooks/deploy/BackendDeployFailed.md',
    );
  });

  it('names the index file when it is missing', () => {
    expect(() => planNewRunbook({ name: 'TestAlert', area: 'testing' }, filesFrom({}))).toThrow('runbooks/README.md is missing');
  });
});
