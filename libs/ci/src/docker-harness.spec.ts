import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { CommandFailedError, run } from '@satvach/exec';

// The local Debian base rootfs is made from the machine's own apt sources, so the harness works on
// any Debian mirror and names none. These run the script's source extraction (apt's own parser of
// sources.list and deb822 .sources) on fixture configurations and on this machine's; the rootfs
// itself is not rebuilt here (it is cached by the harness and takes a minute).

const workspaceRoot = fileURLToPath(new URL('../../..', import.meta.url));
const harness = join(workspaceRoot, 'tools/scripts/docker-harness.sh');
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function aptEtc(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'satvach-apt-'));
  dirs.push(dir);
  mkdirSync(join(dir, 'sources.list.d'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const debianSources = (etc?: string) =>
  run({ file: 'bash', args: [harness, 'debian-sources'], env: etc === undefined ? {} : { SATVACH_APT_ETC: etc } }, { quiet: true });

describe('docker-harness debian-sources', () => {
  it('takes the Debian bookworm main entries from one-line and deb822 files and leaves third-party repositories out', async () => {
    const etc = aptEtc({
      'sources.list': [
        '# a comment',
        'deb http://mirror-a.test/debian bookworm main contrib',
        'deb-src http://mirror-a.test/debian bookworm main',
        'deb [arch=amd64 signed-by=/usr/share/keyrings/docker.gpg] https://download.vendor.test/linux/debian bookworm stable',
        'deb http://pgdg.vendor.test/pub/repos/apt bookworm-pgdg main',
        '',
      ].join('\n'),
      'sources.list.d/debian.sources': [
        'Types: deb deb-src',
        'URIs: http://mirror-b.test/debian',
        'Suites: bookworm-updates',
        'Components: main non-free-firmware',
        'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg',
        '',
        'Types: deb',
        'URIs: http://security-mirror.test/debian-security',
        'Suites: bookworm-security',
        'Components: main',
        '',
      ].join('\n'),
      'sources.list.d/nodesource.sources': 'Types: deb\nURIs: https://node.vendor.test/node_20.x\nSuites: nodistro\nComponents: main\n',
      'sources.list.d/cloud.list': 'deb https://cloud.vendor.test/apt cloud-sdk-bookworm main\n',
      'sources.list.d/old.list.disabled': 'deb http://disabled-mirror.test/debian bookworm main\n',
    });
    const { stdout } = await debianSources(etc);
    expect(stdout.trim().split('\n')).toEqual([
      'deb http://mirror-a.test/debian/ bookworm main',
      'deb http://mirror-b.test/debian/ bookworm-updates main',
      'deb http://security-mirror.test/debian-security/ bookworm-security main',
    ]);
  });

  it('refuses a configuration without a Debian bookworm main entry, naming where it looked', async () => {
    const etc = aptEtc({ 'sources.list.d/nodesource.sources': 'Types: deb\nURIs: https://node.vendor.test/node_20.x\nSuites: nodistro\nComponents: main\n' });
    const error = await debianSources(etc).then(
      () => undefined,
      (failure: unknown) => failure,
    );
    expect(error).toBeInstanceOf(CommandFailedError);
    expect((error as CommandFailedError).stderr).toContain(`no Debian bookworm main entry in ${etc}/sources.list or ${etc}/sources.list.d/`);
  });

  it("on this machine, lists only mirrors from the machine's own apt configuration", async () => {
    const { stdout } = await debianSources();
    const lines = stdout.trim().split('\n');
    expect(lines).toContainEqual(expect.stringMatching(/^deb \S+ bookworm main$/));
    const configured = await run({ file: 'bash', args: ['-c', 'cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null || true'] }, { quiet: true });
    for (const line of lines) {
      const uri = line.split(' ')[1]!.replace(/\/$/, '');
      expect(configured.stdout, `${uri} comes from /etc/apt`).toContain(uri);
    }
  });

  it('names no package mirror host: the rootfs gets exactly the extracted sources', () => {
    const script = readFileSync(harness, 'utf8');
    const urls = script.match(/\b[a-z][a-z0-9+.-]*:\/\/[^\s"')]+/g) ?? [];
    expect(urls).toEqual(['unix:///var/run/docker.sock', 'http://$registry_addr/v2/', 'http://$registry_addr/v2/']);
    expect(script).not.toMatch(/debian\.org|\bdeb\s+https?:/);
    const mmdebstrap = script.split('\n').filter((line) => /^\s*mmdebstrap /.test(line));
    expect(mmdebstrap).toEqual(['    mmdebstrap --quiet --variant=minbase --include=ca-certificates bookworm "$tarball" "${sources[@]}"']);
  });
});
