import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { run } from '@satvach/exec';
import { describe, expect, it } from 'vitest';
import { hostProbeCommand, imageProbeCommand, missingPrograms, newestImageOf } from './image-probe.ts';
import { CONTAINER_PROGRAMS, parseHostPrograms, type ContainerPrograms } from './programs.ts';

// The harness's client (tools/scripts/docker-harness.sh env); a newer client on PATH may differ.
const docker = process.env['SATVACH_DOCKER_CLIENT'] ?? 'docker';
const readme = readFileSync(fileURLToPath(new URL('../../../runbooks/README.md', import.meta.url)), 'utf8');

async function localImage(entry: ContainerPrograms): Promise<string> {
  if ('ref' in entry.localImage) {
    const inspect = await run({ file: docker, args: ['image', 'inspect', entry.localImage.ref] }, { quiet: true }).catch(() => undefined);
    if (inspect === undefined) throw new Error(`image ${entry.localImage.ref} is not present: run \`bash tools/scripts/docker-harness.sh\``);
    return entry.localImage.ref;
  }
  const listing = await run({ file: docker, args: ['images', '--format', '{{.Repository}}:{{.Tag}}'] }, { quiet: true });
  const image = newestImageOf(listing.stdout, entry.localImage.repository);
  if (image === undefined) throw new Error(`no local image of ${entry.localImage.repository}: build it with \`${entry.localImage.build}\``);
  return image;
}

describe('the programs the runbooks run exist where they run', () => {
  for (const [service, entry] of Object.entries(CONTAINER_PROGRAMS) as [string, ContainerPrograms][]) {
    it(`the ${service} image ships ${entry.programs.join(', ')}`, async () => {
      const image = await localImage(entry);
      const probe = await run(imageProbeCommand(docker, image, entry.programs), { quiet: true });
      expect(missingPrograms(probe.stdout), `missing in ${image}`).toEqual([]);
    });
  }

  it('reports a program the image does not ship', async () => {
    const probe = await run(imageProbeCommand(docker, await localImage(CONTAINER_PROGRAMS.db), ['psql', 'satvach-no-such-program']), { quiet: true });
    expect(missingPrograms(probe.stdout)).toEqual(['satvach-no-such-program']);
  });

  it('the on-call host has every program runbooks/README.md lists', async () => {
    const host = parseHostPrograms(readme);
    if ('error' in host) throw new Error(host.error);
    const probe = await run(hostProbeCommand([...host.programs.keys()]), { quiet: true });
    expect(missingPrograms(probe.stdout)).toEqual([]);
  });
});
